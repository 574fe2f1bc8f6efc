import Hummingbird
import NIOCore

/// First on the MCP endpoint, in place of the middlewares of the other routes (whose tokens,
/// faults and shared quota do not apply to it): collects the body of a POST (at most 1 MiB),
/// records the request (``MockAIYouServer/totalRequestCount``, ``MockAIYouServer/secretsSeen``),
/// then checks ``MockMCPConfiguration/bearerToken`` (401 with `WWW-Authenticate: Bearer`) and
/// the body's size (413).
struct MCPGateMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    /// The largest body the endpoint takes.
    static let maxBodySize = 1024 * 1024

    let state: MockServerState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        var bodyTooLarge = false
        if request.method == .post {
            do {
                context.body = try await request.collectBody(upTo: Self.maxBodySize)
            } catch is NIOTooManyBytesError {
                bodyTooLarge = true
            }
        }
        let route = MockRoute(method: request.method.rawValue, path: self.state.mcp.path)
        self.state.recorder.record(
            RecordedRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                query: request.uri.query,
                headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
                body: Array(context.body.readableBytesView)
            ),
            for: route
        )
        context.secrets = RequestSecrets(request: request, body: context.body, route: route)
        self.state.secrets.insert(contentsOf: context.secrets.all)
        self.state.logger.debug("MCP request", metadata: ["aiyou.mock.route": "\(route)"])

        if let expected = self.state.mcp.configuration.bearerToken {
            let presented = request.headers[.authorization].flatMap(RequestSecrets.bearerValue)
            guard presented == expected else { return MCPReplies.unauthorized() }
        }
        if bodyTooLarge {
            return MCPReplies.refusal(.contentTooLarge, code: MCPReplies.invalidRequest, message: "Request body too large (1 MiB at most).")
        }
        return try await next(request, context)
    }
}
