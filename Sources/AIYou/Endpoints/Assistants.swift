import Logging

extension AIYouClient {
    /// The assistants of the signed-in user (`GET /api/v1/user/assistants`), each with up to 10
    /// recent threads. Accepts both the Hydra collection and the plain array the service sends.
    /// - Throws: ``AIYouError``.
    public func assistants(options: RequestOptions = RequestOptions()) async throws -> [Assistant] {
        var request = try APIRequest(.assistants, on: configuration.api)
        request.cacheGroup = .assistants
        return try await pipeline.decode(CollectionResponse<Assistant>.self, request, options: options).items
    }
}
