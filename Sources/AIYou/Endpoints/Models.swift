import Logging
import NIOCore

extension AIYouClient {
    /// The model catalogue, flattened into one ``ModelList``; cached in ``CacheGroup/models`` when
    /// the cache is on.
    ///
    /// On AI.YOU it reads `GET /api/v1/models`; where the service has no such route (404 or 405) it
    /// asks `POST /api/v1/models` with `{}`, which answers with the catalogue grouped by provider.
    /// On LLMaaS it reads `GET /v1/models` (an OpenAI list, `{"object": "list", "data": [...]}`),
    /// whose models also carry ``Model/aliases``, ``Model/maxModelLength``, ``Model/ownedBy``,
    /// ``Model/root`` and ``Model/created``; there is no fallback there.
    /// - Throws: ``AIYouError``.
    public func models(options: RequestOptions = RequestOptions()) async throws -> ModelList {
        var request = try APIRequest(.models, on: configuration.api)
        request.cacheGroup = .models
        guard configuration.api == .aiyou else { return try await pipeline.decode(ModelList.self, request, options: options) }
        do {
            return try await pipeline.decode(ModelList.self, request, options: options)
        } catch let error as AIYouError where error.status == 404 || error.status == 405 {
            var fallback = try APIRequest(.models, on: configuration.api, method: .POST, json: EmptyObjectBody())
            fallback.cacheGroup = .models
            return try await pipeline.decode(ModelList.self, fallback, options: options)
        }
    }

    /// Adds a model to the catalogue (`POST /api/v1/models`) and returns it as the service
    /// describes it.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on LLMaaS, whose catalogue is
    ///   read-only; ``AIYouError/Code/invalidRequest`` before sending when the name is empty or the
    ///   context window is not positive.
    public func createModel(_ request: CreateModelRequest, options: RequestOptions = RequestOptions()) async throws -> Model {
        try configuration.api.require(.createModel)
        try request.validate()
        var apiRequest = try APIRequest(.createModel, on: configuration.api, json: request)
        apiRequest.invalidates = [.models]
        let created = try await pipeline.decode(CreatedModel.self, apiRequest, options: options)
        if let model = created.model { return model }
        if let model = created.catalogue?.models.last(where: { $0.name == request.name }) { return model }
        throw AIYouError(.decoding, "the answer does not contain the model \"\(request.name)\"", operation: .createModel)
    }
}

/// The answer to a model creation: the model itself, `{"model": {...}}`, or the whole catalogue.
private struct CreatedModel: Decodable, Sendable {
    var model: Model?
    var catalogue: ModelList?

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyCodingKey.self) {
            if let nested = try? container.decode(Model.self, forKey: AnyCodingKey("model")) {
                model = nested
                return
            }
            if !container.contains(AnyCodingKey("models")), let direct = try? Model(from: decoder) {
                model = direct
                return
            }
        }
        catalogue = try ModelList(from: decoder)
    }
}
