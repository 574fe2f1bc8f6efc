import Hummingbird

/// What the pipeline does for an injected fault.
enum FaultAction: Sendable {
    /// Answer with this response instead of the route's.
    case answer(Response)
    /// Wait, then handle the request normally.
    case delay(Duration)
    /// Hold the request until the client leaves or the server stops.
    case hang
    /// Close the connection without answering.
    case drop
    /// Let the chat route stream this many events, then close the connection.
    case dropStream(afterEvents: Int)

    /// The action for `fault` on `route`.
    init(fault: MockFault, route: MockRoute) {
        switch fault {
        case .status(let code, let body, let headers):
            self = .answer(Self.statusResponse(code: code, body: body, headers: headers))
        case .rateLimited(let retryAfter):
            var headers = HTTPFields()
            headers[.retryAfter] = retryAfter
            headers[Self.rateLimitLimit] = "60"
            headers[Self.rateLimitRemaining] = "0"
            self = .answer(MockResponses.error(.tooManyRequests, message: "Too Many Requests", headers: headers))
        case .delay(let duration):
            self = .delay(duration)
        case .hang:
            self = .hang
        case .dropConnection:
            self = .drop
        case .dropStreamAfter(let events):
            self = route == .chatCompletions ? .dropStream(afterEvents: max(0, events)) : .drop
        case .malformedJSON:
            self = .answer(Self.plain(#"{"response": {"id": "chatcmpl-broken", "choices": [{"index": 0, "mess"#, contentType: MockResponses.jsonContentType))
        case .malformedSSE:
            self = .answer(Self.plain("data: {this is not json\n\ndata: [DONE]\n\n", contentType: "text/event-stream"))
        case .wrongContentType:
            self = .answer(Self.plain("<html>oops</html>", contentType: "text/html"))
        case .emptyBody:
            self = .answer(Self.plain("", contentType: MockResponses.jsonContentType))
        }
    }

    private static let rateLimitLimit = HTTPFieldName("X-RateLimit-Limit-Requests")!
    private static let rateLimitRemaining = HTTPFieldName("X-RateLimit-Remaining-Requests")!

    private static func statusResponse(code: Int, body: String?, headers: [String: String]) -> Response {
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
            return MockResponses.error(status, message: reason, headers: fields)
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
