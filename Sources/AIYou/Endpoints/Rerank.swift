extension AIYouClient {
    /// The most documents a rerank call accepts.
    public static let maxRerankDocuments = 1000

    /// Orders `documents` by relevance to `query` (LLMaaS `POST /v1/rerank` or `POST /v2/rerank`,
    /// Cohere-compatible).
    ///
    /// ```swift
    /// let ranked = try await client.rerank(model: "bge-reranker-large", query: "reset my password", documents: passages, topN: 2)
    /// for item in ranked.results { print(item.index, item.relevanceScore) }
    /// let v2 = try await client.rerank(model: "bge-reranker-large", query: "reset my password", documents: passages, version: .v2)
    /// ```
    /// - Parameters:
    ///   - model: A rerank model of the catalogue (e.g. `bge-reranker-large`).
    ///   - query: What the documents are ranked against.
    ///   - documents: The texts to rank, 1…1000 (``maxRerankDocuments``).
    ///   - topN: How many of the best documents to return, at least 1; all when `nil`.
    ///   - returnDocuments: Whether each result carries its document's text; the service's
    ///     default when `nil` (`true` on `/v1/rerank`, `false` on `/v2/rerank`).
    ///   - version: The route: ``RerankVersion/v1`` (`/v1/rerank`) or ``RerankVersion/v2``
    ///     (`/v2/rerank`); ``Configuration/LLMaaSSettings/rerankVersion`` when `nil`. The request
    ///     is the same, and so is the result type.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The results most relevant first, as the service ordered them.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` when the client is configured for
    ///   AI.YOU (``ServiceAPI/aiyou``), and ``AIYouError/Code/invalidRequest`` when `model` or
    ///   `query` is blank, `documents` holds none or more than 1000, or `topN` is below 1, both
    ///   before anything is sent; ``AIYouError/Code/notFound`` (``AIYouError/errorCode``
    ///   `model_not_found`) for a model the service does not know; ``AIYouError/Code/decoding``
    ///   when a result names a document that was not sent, names one twice, or has no finite
    ///   score; otherwise the service's or the network's error.
    public func rerank(
        model: String,
        query: String,
        documents: [String],
        topN: Int? = nil,
        returnDocuments: Bool? = nil,
        version: RerankVersion? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws -> RerankResult {
        let operation: AIYouOperation = (version ?? configuration.llmaas.rerankVersion) == .v2 ? .rerankV2 : .rerank
        try configuration.api.require(operation)
        if model.allSatisfy(\.isWhitespace) { throw AIYouError.invalidRequest("model must not be empty", operation: operation) }
        if query.allSatisfy(\.isWhitespace) { throw AIYouError.invalidRequest("query must not be empty", operation: operation) }
        guard !documents.isEmpty, documents.count <= Self.maxRerankDocuments else {
            throw AIYouError.invalidRequest(
                "documents must hold 1…\(Self.maxRerankDocuments) texts (got \(documents.count))",
                operation: operation
            )
        }
        if let topN, topN < 1 { throw AIYouError.invalidRequest("topN must be at least 1 (got \(topN))", operation: operation) }
        let body = RerankRequestBody(model: model, query: query, documents: documents, topN: topN, returnDocuments: returnDocuments)
        var request = try APIRequest(operation, on: configuration.api, json: body)
        request.call = CallDescription(model: model)
        return try await pipeline.decode(RerankResult.self, request, options: options).checked(
            documentCount: documents.count,
            operation: operation
        )
    }
}
