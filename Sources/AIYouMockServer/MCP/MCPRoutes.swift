import Hummingbird

/// The MCP endpoint's three methods, behind ``MCPGateMiddleware``: `POST` carries one JSON-RPC
/// message, `GET` opens (or resumes) an event stream, `DELETE` ends a session.
///
/// A POST is checked in this order: `Content-Type: application/json` (else 415); the body is one
/// JSON-RPC 2.0 message (400 with -32700 when it is not JSON, 400 with -32600 for a batch or
/// anything else); then a request's `Accept` must name both `application/json` and
/// `text/event-stream` (406); every message but `initialize` must name a live session (400 without
/// one, 404 for an unknown one) and may not name a protocol version the server does not know
/// (`MCP-Protocol-Version`, 400). Notifications and responses get 202.
struct MCPRoutes: Sendable {
    let state: MockServerState

    private var mcp: MCPState { self.state.mcp }

    /// `POST`: one JSON-RPC message.
    func post(_ request: Request, context: MockRequestContext) async -> Response {
        guard MCPHeaders.hasJSONBody(request) else {
            return MCPReplies.refusal(
                .unsupportedMediaType,
                code: MCPReplies.transportError,
                message: "Unsupported Media Type: the body must be application/json."
            )
        }
        let message: MCPMessage
        do {
            message = try MCPMessage(parsing: context.body)
        } catch {
            switch error {
            case .malformed:
                return MCPReplies.refusal(.badRequest, code: MCPReplies.parseError, message: "Parse error: the body is not JSON.")
            case .batch:
                return MCPReplies.refusal(
                    .badRequest,
                    code: MCPReplies.invalidRequest,
                    message: "Invalid Request: batches are not supported."
                )
            case .invalid(let id):
                return MCPReplies.refusal(
                    .badRequest,
                    code: MCPReplies.invalidRequest,
                    message: "Invalid Request: not a JSON-RPC 2.0 message.",
                    id: id
                )
            }
        }
        if let method = message.method { self.mcp.count(method: method) }
        let hostility = self.mcp.hostility
        if case .errorPage(let status)? = hostility { return MCPHostileAnswers.errorPage(status: status) }

        switch message {
        case .response:
            if case .refused(let response) = self.session(of: request) { return response }
            return MCPReplies.accepted()
        case .notification(let method, let params):
            let session: String
            switch self.session(of: request) {
            case .found(let found): session = found
            case .refused(let response): return response
            }
            if method == "notifications/cancelled", let requestID = params?["requestId"]?.identifierValue {
                self.mcp.cancel(requestID: requestID, session: session)
            }
            return MCPReplies.accepted()
        case .request(let id, let method, let params):
            guard MCPHeaders.accepts(request, MCPHeaders.json), MCPHeaders.accepts(request, MCPHeaders.eventStream) else {
                return MCPReplies.refusal(
                    .notAcceptable,
                    code: MCPReplies.transportError,
                    message: "Not Acceptable: the client must accept both application/json and text/event-stream.",
                    id: id
                )
            }
            let session: String
            var headers: HTTPFields = [:]
            if method == "initialize" {
                session = self.mcp.configuration.usesSessions ? self.mcp.createSession() : ""
                if case .badSessionID(let flaw)? = hostility {
                    headers.append(MCPHostileAnswers.sessionIDField(flaw))
                } else if !session.isEmpty {
                    headers[MCPHeaders.sessionID] = session
                }
            } else {
                switch self.session(of: request) {
                case .found(let found): session = found
                case .refused(let response): return response
                }
            }
            let hostile = MCPHostileAnswers(state: self.state)
            if let answer = hostile.request(id: id, method: method, session: session, hostility: hostility, context: context) {
                return answer
            }
            return await self.answer(id: id, method: method, params: params, session: session, headers: headers, context: context)
        }
    }

    /// `GET`: with `Last-Event-ID`, replays the events kept after it and ends; otherwise opens
    /// the server stream (405 when ``MockMCPConfiguration/offersServerStream`` is `false`).
    func get(_ request: Request, context: MockRequestContext) async -> Response {
        let lastEventID = request.headers[MCPHeaders.lastEventID]
        if lastEventID == nil, !self.mcp.configuration.offersServerStream {
            return self.methodNotAllowed("The server offers no event stream on GET.")
        }
        guard MCPHeaders.accepts(request, MCPHeaders.eventStream) else {
            return MCPReplies.refusal(
                .notAcceptable,
                code: MCPReplies.transportError,
                message: "Not Acceptable: the client must accept text/event-stream."
            )
        }
        let session: String
        switch self.session(of: request) {
        case .found(let found): session = found
        case .refused(let response): return response
        }
        if let lastEventID {
            return MCPServerStream.replay(self.mcp.replay(after: lastEventID, session: session))
        }
        return MCPServerStream.open(mcp: self.mcp, session: session, watch: ClientWatch(state: self.state, channel: context.channel))
    }

    /// `DELETE`: ends the session (200); 405 without sessions.
    func delete(_ request: Request, context: MockRequestContext) async -> Response {
        guard self.mcp.configuration.usesSessions else {
            return self.methodNotAllowed("The server keeps no sessions.")
        }
        switch self.session(of: request) {
        case .found(let session):
            // Gone meanwhile: as unknown.
            guard self.mcp.deleteSession(session) else { return Self.sessionNotFound() }
            return Response(status: .ok, headers: [.contentLength: "0"])
        case .refused(let response):
            return response
        }
    }

    /// Answers a request that passed the transport's checks, in the configured answer mode.
    private func answer(
        id: JSONValue,
        method: String,
        params: JSONValue?,
        session: String,
        headers: HTTPFields,
        context: MockRequestContext
    ) async -> Response {
        let watch = ClientWatch(state: self.state, channel: context.channel)
        let answerer = MCPRequestAnswerer(mcp: self.mcp, session: session, watch: watch)
        let writer = MCPAnswerWriter(state: self.state, session: session, watch: watch, headers: headers)
        switch self.mcp.configuration.answers {
        case .json:
            return await writer.json { await answerer.answer(id: id, method: method, params: params) }
        case .eventStream:
            let leading = MCPRequestAnswerer.leadingNotifications(method: method, params: params)
            return writer.eventStream(leading: leading) { await answerer.answer(id: id, method: method, params: params) }
        }
    }

    /// The session a request names, or the refusal it gets.
    private enum SessionCheck {
        case found(String)
        case refused(Response)
    }

    /// Checks the request's `Mcp-Session-Id` (400 when missing, 404 when unknown) and its
    /// `MCP-Protocol-Version`, when present (400 for a version the server does not know).
    private func session(of request: Request) -> SessionCheck {
        if let version = request.headers[MCPHeaders.protocolVersion], !MCPProtocol.supportedVersions.contains(version) {
            return .refused(
                MCPReplies.refusal(
                    .badRequest,
                    code: MCPReplies.transportError,
                    message: "Bad Request: unsupported protocol version \(version)."
                )
            )
        }
        switch self.mcp.lookUpSession(request.headers[MCPHeaders.sessionID]) {
        case .found(let session):
            return .found(session)
        case .missing:
            return .refused(
                MCPReplies.refusal(
                    .badRequest,
                    code: MCPReplies.transportError,
                    message: "Bad Request: the Mcp-Session-Id header is required."
                )
            )
        case .unknown:
            return .refused(Self.sessionNotFound())
        }
    }

    private static func sessionNotFound() -> Response {
        MCPReplies.refusal(.notFound, code: MCPReplies.sessionNotFound, message: "Session not found.")
    }

    /// 405 with `Allow` naming the methods the configuration answers.
    private func methodNotAllowed(_ message: String) -> Response {
        let configuration = self.mcp.configuration
        let allowed = [configuration.offersServerStream ? "GET" : nil, "POST", configuration.usesSessions ? "DELETE" : nil]
        return MCPReplies.refusal(
            .methodNotAllowed,
            code: MCPReplies.transportError,
            message: "Method Not Allowed: \(message)",
            headers: [.allow: allowed.compactMap { $0 }.joined(separator: ", ")]
        )
    }
}
