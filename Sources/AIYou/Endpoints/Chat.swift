import Logging

extension AIYouClient {
    /// Asks for a complete answer (`POST /api/v1/chat/completions` with `"stream": false`).
    ///
    /// If the service refuses non-streamed answers with its "Stream options" error, the same
    /// request is streamed and assembled into one completion instead, and the client remembers to
    /// stream directly from then on.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending when the request
    ///   is invalid (no messages, neither assistant nor model, out-of-range parameters), otherwise
    ///   the service's or the network's error.
    public func chatCompletion(_ request: ChatCompletionRequest, logger: Logger? = nil) async throws -> ChatCompletion {
        try request.validate()
        if nonStreamingChatUnsupported.load(ordering: .relaxed) {
            return try await chatCompletionStream(request, logger: logger).collect()
        }
        var nonStreaming = request
        nonStreaming.stream = false
        let apiRequest = APIRequest.json(.chatCompletion, .POST, "/api/v1/chat/completions", body: nonStreaming)
        do {
            return try await pipeline.decode(
                ChatCompletion.self, apiRequest, fastPath: ChatCompletionDecoder.decodeCommonShape, logger: logger
            )
        } catch let error as AIYouError where error.hint == .streamingRequired {
            nonStreamingChatUnsupported.store(true, ordering: .relaxed)
            (logger ?? configuration.logger).debug("service requires streaming; answering from a stream instead")
            return try await chatCompletionStream(request, logger: logger).collect()
        }
    }

    /// Asks for a streamed answer (`"stream": true`) and returns once the service has accepted the
    /// request; the chunks arrive as you iterate the returned ``ChatCompletionStream``.
    /// - Throws: ``AIYouError`` — invalid request before sending, or the service's or network's
    ///   error before the stream starts (errors during the stream are thrown by the iteration).
    public func chatCompletionStream(_ request: ChatCompletionRequest, logger: Logger? = nil) async throws -> ChatCompletionStream {
        try request.validate()
        var streaming = request
        streaming.stream = true
        let apiRequest = APIRequest.json(.chatStream, .POST, "/api/v1/chat/completions", body: streaming, accept: .eventStream)
        // One budget for the call: the pipeline's retries and the stream's reopenings draw from it.
        let budget = RetryBudget(maxRetries: configuration.retry.maxRetries)
        let open: @Sendable () async throws -> ChatCompletionStream.Connection = { [pipeline] in
            try await pipeline.execute(apiRequest, budget: budget, logger: logger) { response, mapping in
                guard case .stream(let body) = response.body else {
                    let contentType = response.headers.first(name: "content-type") ?? "none"
                    throw mapping.decodingError(
                        body: response.wholeBody, status: response.status, operation: .chatStream,
                        expected: "an event stream (got content type \(contentType))", underlying: AIYouError(.decoding, "unexpected content type")
                    )
                }
                return ChatCompletionStream.Connection(body: body, status: response.status, mapping: mapping)
            }
        }
        let reopen: @Sendable (TransportError) async throws -> ChatCompletionStream.Connection = { [pipeline] failure in
            try await pipeline.prepareReopen(after: failure, of: apiRequest, budget: budget, logger: logger)
            return try await open()
        }
        return ChatCompletionStream(first: try await open(), operation: .chatStream, limits: configuration.limits, reopen: reopen)
    }
}
