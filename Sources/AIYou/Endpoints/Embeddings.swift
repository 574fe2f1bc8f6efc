extension AIYouClient {
    /// The largest `batchSize` ``embeddings(model:input:batchSize:maxConcurrentRequests:options:)`` accepts.
    public static let maxEmbeddingBatchSize = 2048

    /// Embedding vectors of `input` (LLMaaS `POST /v1/embeddings`), one per text, in the order
    /// of `input`.
    ///
    /// Inputs are sent `batchSize` at a time; with more than one batch, the batches are sent
    /// concurrently, at most `maxConcurrentRequests` in flight (the next starts when one ends),
    /// and their vectors are joined back in input order. Each request is idempotent, so a batch
    /// that meets a 503, a 429 or a broken connection is retried by the client's retry policy like
    /// any other idempotent call. The first batch that fails for good fails the call, and the
    /// batches still in flight are cancelled.
    ///
    /// ```swift
    /// let result = try await client.embeddings(model: "bge-m3:567m", input: ["first passage", "second passage"])
    /// print(result.dimensions, result.vectors[0].prefix(4))
    /// ```
    /// - Parameters:
    ///   - model: An embedding model of the catalogue (e.g. `bge-m3:567m`).
    ///   - input: The texts, at least one, none empty. Each must fit the model's context.
    ///   - batchSize: Texts per request, 1…2048 (``maxEmbeddingBatchSize``).
    ///   - maxConcurrentRequests: Requests in flight at once, at least 1.
    ///   - options: Settings of this call only (see ``RequestOptions``); they apply to every batch.
    /// - Returns: The vectors in input order, the model, and the tokens counted over all batches.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` when the client is configured for
    ///   AI.YOU (``ServiceAPI/aiyou``), and ``AIYouError/Code/invalidRequest`` when `model` is blank,
    ///   `input` is empty or holds an empty text, or `batchSize` or `maxConcurrentRequests` is out of
    ///   range, both before anything is sent; ``AIYouError/Code/notFound`` (with
    ///   ``AIYouError/errorCode`` `model_not_found`) for a model the service does not know;
    ///   ``AIYouError/Code/decoding`` when an answer is malformed — indexes missing or repeated,
    ///   vectors of different lengths, a number outside `Float`'s range, fewer or more vectors than
    ///   texts sent; otherwise the service's or the network's error.
    public func embeddings(
        model: String,
        input: [String],
        batchSize: Int = 64,
        maxConcurrentRequests: Int = 4,
        options: RequestOptions = RequestOptions()
    ) async throws -> EmbeddingResult {
        try configuration.api.require(.embeddings)
        try Self.validateEmbeddings(model: model)
        if input.isEmpty { throw AIYouError.invalidRequest("input must hold at least one text", operation: .embeddings) }
        if let position = input.firstIndex(where: \.isEmpty) {
            throw AIYouError.invalidRequest("input[\(position)] is empty", operation: .embeddings)
        }
        guard batchSize >= 1, batchSize <= Self.maxEmbeddingBatchSize else {
            throw AIYouError.invalidRequest(
                "batchSize must be within 1…\(Self.maxEmbeddingBatchSize) (got \(batchSize))",
                operation: .embeddings
            )
        }
        guard maxConcurrentRequests >= 1 else {
            throw AIYouError.invalidRequest(
                "maxConcurrentRequests must be at least 1 (got \(maxConcurrentRequests))",
                operation: .embeddings
            )
        }
        let batches = stride(from: 0, to: input.count, by: batchSize).map { start in
            input[start..<min(start + batchSize, input.count)]
        }
        if batches.count == 1 {
            return try await embeddingBatch(model: model, input: .many(input[...]), count: input.count, options: options)
        }
        let answers = try await concurrentMap(batches, limit: maxConcurrentRequests) { batch in
            try await self.embeddingBatch(model: model, input: .many(batch), count: batch.count, options: options)
        }
        var joined = EmbeddingResult(vectors: [], model: answers.first?.model)
        joined.vectors.reserveCapacity(input.count)
        for (number, answer) in answers.enumerated() {
            if number > 0, answer.dimensions != joined.dimensions {
                throw AIYouError(
                    .decoding,
                    "batch \(number + 1) has vectors of \(answer.dimensions) numbers, batch 1 of \(joined.dimensions)",
                    operation: .embeddings
                )
            }
            joined.vectors += answer.vectors
            joined.usage = joined.usage.adding(answer.usage)
        }
        return joined
    }

    /// The embedding vector of one text (LLMaaS `POST /v1/embeddings` with `"input": "…"`); the
    /// result holds one vector.
    /// - Throws: ``AIYouError`` as ``embeddings(model:input:batchSize:maxConcurrentRequests:options:)``
    ///   does (``AIYouError/Code/invalidRequest`` for a blank model or an empty text).
    public func embeddings(model: String, input: String, options: RequestOptions = RequestOptions()) async throws -> EmbeddingResult {
        try configuration.api.require(.embeddings)
        try Self.validateEmbeddings(model: model)
        if input.isEmpty { throw AIYouError.invalidRequest("input is empty", operation: .embeddings) }
        return try await embeddingBatch(model: model, input: .one(input), count: 1, options: options)
    }

    private static func validateEmbeddings(model: String) throws(AIYouError) {
        if model.allSatisfy(\.isWhitespace) { throw .invalidRequest("model must not be empty", operation: .embeddings) }
    }

    /// One request: `count` texts, whose answer must hold `count` vectors. The vectors are asked
    /// for as base64 (``Configuration/LLMaaSSettings/base64Embeddings``) until the service refuses
    /// the field once; the refused request is then sent again without it.
    private func embeddingBatch(
        model: String,
        input: EmbeddingsRequestBody.Input,
        count: Int,
        options: RequestOptions
    ) async throws -> EmbeddingResult {
        let base64 = configuration.llmaas.base64Embeddings && !base64EmbeddingsRefused.load(ordering: .relaxed)
        let answer: EmbeddingResult
        do {
            answer = try await embeddingRequest(model: model, input: input, base64: base64, options: options)
        } catch let error as AIYouError where base64 && Self.refusesEncodingFormat(error) {
            base64EmbeddingsRefused.store(true, ordering: .relaxed)
            (options.logger ?? configuration.logger).debug("the service refused encoding_format; asking for decimal embeddings from now on")
            answer = try await embeddingRequest(model: model, input: input, base64: false, options: options)
        }
        guard answer.vectors.count == count else {
            throw AIYouError(.decoding, "the service answered \(answer.vectors.count) vectors for \(count) texts", operation: .embeddings)
        }
        return answer
    }
}

extension AIYouClient {
    private func embeddingRequest(
        model: String,
        input: EmbeddingsRequestBody.Input,
        base64: Bool,
        options: RequestOptions
    ) async throws -> EmbeddingResult {
        var request = try APIRequest(
            .embeddings,
            on: configuration.api,
            json: EmbeddingsRequestBody(model: model, input: input, base64: base64)
        )
        request.call = CallDescription(genAIOperation: "embeddings", model: model)
        return try await pipeline.decode(EmbeddingResult.self, request, fastPath: EmbeddingsDecoder.decodeCommonShape, options: options)
    }

    /// Whether `error` is a server's refusal of `encoding_format`: a 400 or 422 whose `param`,
    /// message or body names the field.
    static func refusesEncodingFormat(_ error: AIYouError) -> Bool {
        guard error.status == 400 || error.status == 422 else { return false }
        if error.errorParameter == "encoding_format" { return true }
        return [error.message, error.bodyExcerpt ?? ""].contains { $0.contains("encoding_format") }
    }
}
