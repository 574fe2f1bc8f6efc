import Hummingbird

/// Answers a request to an unknown LLMaaS path (under `/v1/` or `/v2/`, or a known one with
/// another method) with OpenAI's 404
/// `{"error":{"message":"Invalid URL (METHOD path)","type":"invalid_request_error","param":null,"code":null}}`
/// instead of Hummingbird's empty 404.
///
/// Added to the router after every route, it wraps only the router's not-found responder: the
/// routes themselves never pass through it.
struct LLMaaSNotFoundMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/") || path.hasPrefix("/v2/") else {
            return try await next(request, context)
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return OpenAIErrors.response(.notFound, message: "Invalid URL (\(request.method.rawValue) \(path))")
        }
    }
}
