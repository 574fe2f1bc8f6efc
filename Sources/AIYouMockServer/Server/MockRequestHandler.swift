import Foundation
import Hummingbird
import NIOFoundationCompat

/// The steps every request goes through, in order: collect and record (counting every
/// request, rejected ones too), injected faults, authentication, then the route handler.
///
/// A fault either answers at once (before authentication) or, for the faults that need the
/// route's own answer, is handed to the route through ``RouteRequest/answerFault`` or drops
/// the connection once the route has answered.
struct MockRequestHandler: Sendable {
    /// The largest JSON body the server reads.
    static let maxJSONBodySize = 16 * 1024 * 1024

    let state: MockServerState

    func respond(to request: Request, context: MockRequestContext, route: MockRoute, handler: RouteHandler) async throws -> Response {
        var request = request
        // Uploads are streamed by their route and never collected.
        let isMultipart = request.headers[.contentType]?.lowercased().hasPrefix("multipart/") ?? false
        var body = ByteBuffer()
        var bodyTooLarge = false
        if !isMultipart, !route.streamsUpload {
            do {
                body = try await request.collectBody(upTo: Self.maxJSONBodySize)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                bodyTooLarge = true
            }
        }
        self.record(request, body: body, route: route)
        let secrets = RequestSecrets(request: request, body: body, route: route)
        self.state.secrets.insert(contentsOf: secrets.all)
        if bodyTooLarge {
            let message = "Request body too large."
            return route.isLLMaaS
                ? OpenAIErrors.response(.contentTooLarge, message: message)
                : MockResponses.error(.contentTooLarge, message: message)
        }

        var answerFault: AnswerFault?
        var dropAfterAnswer = false
        var hostileChat: HostileChatFault?
        if let fault = self.state.faults.nextFault(for: route) {
            self.state.logger.debug("Injecting fault", metadata: ["aiyou.mock.route": "\(route)", "aiyou.mock.fault": "\(fault)"])
            let watch = ClientWatch(state: self.state, channel: context.channel)
            switch FaultAction(fault: fault, route: route, request: request, body: body, secrets: secrets, watch: watch) {
            case .answer(let response):
                return response
            case .delay(let duration):
                try await Task.sleep(for: duration)
            case .hang:
                return await ConnectionControl(state: self.state).hang(context.channel)
            case .drop:
                return await ConnectionControl(state: self.state).drop(context.channel)
            case .alterAnswer(let fault):
                answerFault = fault
            case .dropAfterAnswer:
                dropAfterAnswer = true
            case .replaceAnswer(let fault):
                hostileChat = fault
            case .none:
                break
            }
        }

        if route.requiresAuthentication, let refusal = self.authenticate(request, route: route) {
            return refusal
        }

        if let hostileChat {
            let json = body.readableBytes > 0 ? try? JSONDecoder().decode(JSONValue.self, from: body) : nil
            return HostileChatAnswers(
                state: self.state,
                route: route,
                body: json,
                shape: self.state.currentSettings.shape,
                watch: ClientWatch(state: self.state, channel: context.channel)
            ).response(hostileChat)
        }

        let input = RouteRequest(
            request: request,
            context: context,
            body: body,
            settings: self.state.currentSettings,
            answerFault: answerFault
        )
        let response = try await handler(input)
        if dropAfterAnswer {
            return await ConnectionControl(state: self.state).drop(context.channel)
        }
        if answerFault == .truncatedBody {
            return TruncatedAnswer.cut(response, channel: context.channel)
        }
        return response
    }

    private func record(_ request: Request, body: ByteBuffer, route: MockRoute) {
        let recorded = RecordedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Array(body.readableBytesView)
        )
        self.state.recorder.record(recorded, for: route)
        self.state.logger.debug("Request", metadata: ["aiyou.mock.route": "\(route)"])
    }

    /// `nil` when the request carries a live token or an API key, else the 401 answer: on the
    /// LLMaaS routes always the OpenAI `invalid_api_key` error.
    private func authenticate(_ request: Request, route: MockRoute) -> Response? {
        let validity: TokenStore.Validity
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                validity = self.state.tokens.validate(parts[1].trimmingSpaces())
            } else {
                validity = .unknown
            }
        } else {
            validity = .unknown
        }
        switch validity {
        case .valid: return nil
        case _ where route.isLLMaaS: return OpenAIErrors.invalidAPIKey()
        case .expired: return self.unauthorized("Expired JWT Token")
        case .unknown: return self.unauthorized("JWT Token not found")
        }
    }

    private func unauthorized(_ message: String) -> Response {
        MockResponses.error(.unauthorized, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }
}
