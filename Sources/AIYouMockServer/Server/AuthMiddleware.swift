import Hummingbird

/// Lets through only the requests that carry a live token or an API key as
/// `Authorization: Bearer …`, on the routes that need one; refuses the others with 401: the
/// OpenAI `invalid_api_key` error on the LLMaaS routes, on the AI.YOU ones "Expired JWT Token"
/// or "JWT Token not found" with `WWW-Authenticate: Bearer`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockServerState
    let route: MockRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch self.validity(of: request) {
        case .valid: return try await next(request, context)
        case _ where self.route.isLLMaaS: return OpenAIErrors.invalidAPIKey()
        case .expired: return Self.unauthorized("Expired JWT Token")
        case .unknown: return Self.unauthorized("JWT Token not found")
        }
    }

    /// What the token of the first `Authorization` header is worth.
    private func validity(of request: Request) -> TokenStore.Validity {
        guard let header = request.headers[.authorization] else { return .unknown }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .unknown }
        return self.state.tokens.validate(parts[1].trimmingSpaces())
    }

    private static func unauthorized(_ message: String) -> Response {
        MockResponses.error(.unauthorized, message: message, headers: [.wwwAuthenticate: "Bearer"])
    }
}
