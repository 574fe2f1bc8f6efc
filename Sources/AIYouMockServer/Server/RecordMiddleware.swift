import Hummingbird
import NIOCore

/// First on every route: collects the body, records the request and keeps its secrets, so that
/// every request is counted, the ones refused later too; answers 413 when the body is too large.
///
/// The collected body and the secrets go on in the context.
struct RecordMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    /// The largest body the server collects.
    static let maxBodySize = 16 * 1024 * 1024

    let state: MockServerState
    let route: MockRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        var bodyTooLarge = false
        // Uploads are streamed by their route and never collected.
        let isMultipart = request.headers[.contentType]?.lowercased().hasPrefix("multipart/") ?? false
        if !isMultipart, !self.route.streamsUpload {
            do {
                context.body = try await request.collectBody(upTo: Self.maxBodySize)
            } catch is NIOTooManyBytesError {
                bodyTooLarge = true
            }
        }
        self.record(request, body: context.body)
        context.secrets = RequestSecrets(request: request, body: context.body, route: self.route)
        self.state.secrets.insert(contentsOf: context.secrets.all)
        if bodyTooLarge {
            let message = "Request body too large."
            return self.route.isLLMaaS
                ? OpenAIErrors.response(.contentTooLarge, message: message)
                : MockResponses.error(.contentTooLarge, message: message)
        }
        return try await next(request, context)
    }

    private func record(_ request: Request, body: ByteBuffer) {
        let recorded = RecordedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Array(body.readableBytesView)
        )
        self.state.recorder.record(recorded, for: self.route)
        self.state.logger.debug("Request", metadata: ["aiyou.mock.route": "\(self.route)"])
    }
}
