import Foundation
import Hummingbird
import NIOFoundationCompat

/// What ``FaultMiddleware`` does for an injected fault.
enum FaultAction: Sendable {
    /// Answer with this response instead of the route's.
    case answer(Response)
    /// Wait, then handle the request normally.
    case delay(Duration)
    /// Hold the request until the client leaves or the server stops.
    case hang
    /// Close the connection without answering.
    case drop
    /// Authenticate, then let the route answer, changed, extended or withheld by this fault.
    case alterAnswer(AnswerFault)
    /// Authenticate, then answer with this hostile chat answer instead of the route's.
    case replaceAnswer(HostileChatFault)
    /// Handle the request normally: the fault does not apply to the route.
    case none

    /// The action for `fault` on a request to `route`.
    ///
    /// - Parameters:
    ///   - fault: The fault the request meets.
    ///   - route: The request's route.
    ///   - request: The request, for the faults that echo it.
    ///   - body: The request's collected body (empty for uploads).
    ///   - secrets: The secrets the request carries, for the faults that echo them.
    ///   - watch: The request's connection, for the answers written over time.
    init(fault: MockFault, route: MockRoute, request: Request, body: ByteBuffer, secrets: RequestSecrets, watch: ClientWatch) {
        switch fault {
        case .status(let code, let body, let headers):
            self = .answer(Self.statusResponse(code: code, body: body, headers: headers, openAIShape: route.isLLMaaS))
        case .rateLimited(let retryAfter):
            if route.isLLMaaS {
                var headers = LLMaaSQuota.exhaustedHeaders(retryAfter: retryAfter)
                headers[.retryAfter] = retryAfter
                self = .answer(Self.tooManyRequests(openAIShape: true, headers: headers))
            } else {
                var headers = HTTPFields()
                headers[.retryAfter] = retryAfter
                headers[Self.rateLimitLimit] = "60"
                headers[Self.rateLimitRemaining] = "0"
                self = .answer(Self.tooManyRequests(openAIShape: false, headers: headers))
            }
        case .delay(let duration):
            self = .delay(duration)
        case .hang:
            self = .hang
        case .dropConnection:
            self = .drop
        case .dropStreamAfter(let events):
            self = route.isChat ? .alterAnswer(.dropStream(afterEvents: max(0, events))) : .drop
        case .malformedJSON:
            self = .answer(
                Self.plain(
                    #"{"response": {"id": "chatcmpl-broken", "choices": [{"index": 0, "mess"#,
                    contentType: MockResponses.jsonContentType
                )
            )
        case .malformedSSE:
            self = .answer(Self.plain("data: {this is not json\n\ndata: [DONE]\n\n", contentType: "text/event-stream"))
        case .wrongContentType:
            self = .answer(Self.plain("<html>oops</html>", contentType: "text/html"))
        case .emptyBody:
            self = .answer(Self.plain("", contentType: MockResponses.jsonContentType))
        case .oversizedStreamLine(let bytes):
            self = .answer(
                route.isChat
                    ? HostileBodies.oversizedStreamLine(bytes: bytes, watch: watch)
                    : HostileBodies.oversizedJSON(bytes: bytes, watch: watch)
            )
        case .endlessComments(let interval):
            self = .answer(HostileBodies.endlessComments(interval: interval, watch: watch))
        case .tailAfterDone:
            self = .alterAnswer(.tailAfterDone)
        case .drip(let status, let interval):
            self = .answer(HostileBodies.drip(status: status, interval: interval, openAIShape: route.isLLMaaS, watch: watch))
        case .absurdNumbers:
            self = .alterAnswer(.absurdNumbers)
        case .echoSecrets(let status):
            self = .answer(HostileAnswers.echoSecrets(status: status, request: request, body: body, openAIShape: route.isLLMaaS))
        case .escapeSequences(let status):
            self = .answer(HostileAnswers.escapeSequences(status: status, openAIShape: route.isLLMaaS))
        case .dropAfterProcessing:
            self = .alterAnswer(.dropAfterAnswer)
        case .lyingPageCounts(let totalItems, let fullPages):
            self = .alterAnswer(.lyingPageCounts(totalItems: totalItems, fullPages: fullPages))
        case .bytes(let status, let headers, let body):
            self = .answer(HostileAnswers.bytes(status: status, headers: headers, body: body))
        case .manyDeltas, .toolCallStorm, .deepArguments, .repeatedChoiceIndex, .endlessEmptyChunks, .longToolArguments:
            self = HostileChatFault(fault, route: route).map { .replaceAnswer($0) } ?? .none
        case .errorObject(let status, let messageBytes):
            let streamed = body.readableBytes > 0 && (try? JSONDecoder().decode(JSONValue.self, from: body))?["stream"]?.boolValue == true
            self = .answer(
                HostileAnswers.errorObject(
                    status: status,
                    messageBytes: messageBytes,
                    authorization: request.headers[.authorization],
                    streamed: streamed,
                    openAIShape: route.isLLMaaS,
                    watch: watch
                )
            )
        case .reversedEmbeddings:
            self = .alterAnswer(.reversedEmbeddings)
        case .oversizedAudio(let bytes):
            self = route == .speech ? .answer(HostileBodies.oversizedAudio(bytes: bytes, watch: watch)) : .none
        case .invalidBase64:
            self = .alterAnswer(.invalidBase64)
        case .truncatedBody:
            self = .alterAnswer(.truncatedBody)
        case .echoSecretsEncoded(let status, let encoding):
            self = .answer(
                HostileAnswers.echoSecretsEncoded(status: status, encoding: encoding, secrets: secrets, openAIShape: route.isLLMaaS)
            )
        case .flawedAnswer(let flaw):
            self = route.isChat ? .alterAnswer(.flawedAnswer(flaw)) : .none
        case .proxyError(let kind):
            self = .answer(ProxyErrorAnswers.response(kind, secrets: secrets, body: body))
        }
    }

    /// A 429 "Too Many Requests" answer with `headers`, its body in the service's error shape:
    /// OpenAI's error object on the LLMaaS routes (`openAIShape`), AI.YOU's error otherwise.
    static func tooManyRequests(openAIShape: Bool, headers: HTTPFields) -> Response {
        openAIShape
            ? OpenAIErrors.response(.tooManyRequests, message: "Too Many Requests", headers: headers)
            : MockResponses.error(.tooManyRequests, message: "Too Many Requests", headers: headers)
    }

    private static let rateLimitLimit = HTTPFieldName("X-RateLimit-Limit-Requests")!
    private static let rateLimitRemaining = HTTPFieldName("X-RateLimit-Remaining-Requests")!

    private static func statusResponse(code: Int, body: String?, headers: [String: String], openAIShape: Bool) -> Response {
        let status = MockResponses.status(code: code)
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPFieldName(name) {
                fields[fieldName] = value
            }
        }
        if MockResponses.forbidsBody(status) {
            return Response(status: status, headers: fields)
        }
        guard let body else {
            let reason = status.reasonPhrase.isEmpty ? "Injected failure" : status.reasonPhrase
            return openAIShape
                ? OpenAIErrors.response(status, message: reason, headers: fields)
                : MockResponses.error(status, message: reason, headers: fields)
        }
        if fields[.contentType] == nil {
            fields[.contentType] = MockResponses.jsonContentType
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func plain(_ body: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
