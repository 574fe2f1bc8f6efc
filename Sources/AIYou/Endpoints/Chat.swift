import Logging
import Tracing

extension AIYouClient {
    /// Asks for a complete answer (`POST /api/v1/chat/completions` with `"stream": false`).
    ///
    /// If the service refuses non-streamed answers with its "Stream options" error, the same
    /// request is streamed and assembled into one completion instead, and the client remembers to
    /// stream directly from then on.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending when the request
    ///   is invalid (no messages, neither assistant nor model, out-of-range parameters), otherwise
    ///   the service's or the network's error.
    public func chatCompletion(_ request: ChatCompletionRequest, options: RequestOptions = RequestOptions()) async throws -> ChatCompletion
    {
        try request.validate(for: configuration.api, operation: .chatCompletion)
        if nonStreamingChatUnsupported.load(ordering: .relaxed) {
            return try await chatCompletionStream(request, options: options).collect()
        }
        var nonStreaming = request
        nonStreaming.stream = false
        var apiRequest = try chatRequest(nonStreaming, operation: .chatCompletion)
        apiRequest.call = request.callDescription
        do {
            let completion = try await pipeline.decode(
                ChatCompletion.self,
                apiRequest,
                fastPath: ChatCompletionDecoder.decodeCommonShape,
                describe: \.callAnswer,
                options: options
            )
            return configuration.splitsThinkTags ? completion.splittingThinkTags() : completion
        } catch let error as AIYouError where error.hint == .streamingRequired {
            nonStreamingChatUnsupported.store(true, ordering: .relaxed)
            (options.logger ?? configuration.logger).debug("service requires streaming; answering from a stream instead")
            return try await chatCompletionStream(request, options: options).collect()
        }
    }

    /// Asks for a streamed answer (`"stream": true`) and returns once the service has accepted the
    /// request; the chunks arrive as you iterate the returned ``ChatCompletionStream``.
    ///
    /// On LLMaaS the request asks for usage (``Configuration/LLMaaSSettings/streamUsage``); a
    /// server that refuses `stream_options` gets the request once more without it, and the
    /// client stops asking.
    /// - Throws: ``AIYouError`` — invalid request before sending, or the service's or network's
    ///   error before the stream starts (errors during the stream are thrown by the iteration).
    public func chatCompletionStream(
        _ request: ChatCompletionRequest,
        options: RequestOptions = RequestOptions()
    ) async throws -> ChatCompletionStream {
        try request.validate(for: configuration.api, operation: .chatStream)
        var streaming = request
        streaming.stream = true
        let asksForUsage = configuration.api == .llmaas && configuration.llmaas.streamUsage && !streamUsageRefused.load(ordering: .relaxed)
        do {
            return try await openChatStream(streaming, includeUsage: asksForUsage, options: options)
        } catch let error as AIYouError where asksForUsage && error.hint == .streamUsageRefused && (400..<500).contains(error.status ?? 0) {
            streamUsageRefused.store(true, ordering: .relaxed)
            (options.logger ?? configuration.logger).debug("the service refuses stream_options; streaming without asking for usage")
            return try await openChatStream(streaming, includeUsage: false, options: options)
        }
    }

    private func openChatStream(
        _ streaming: ChatCompletionRequest,
        includeUsage: Bool,
        options: RequestOptions
    ) async throws -> ChatCompletionStream {
        let apiRequest = try {
            var apiRequest = try chatRequest(streaming, operation: .chatStream, includeUsage: includeUsage)
            apiRequest.call = streaming.callDescription
            return apiRequest
        }()
        // One budget for the call: the pipeline's retries and the stream's reopenings draw from it.
        let budget = RetryBudget(maxRetries: (options.retry ?? configuration.retry).maxRetries)
        let consume: @Sendable (TransportResponse, ErrorMapping) throws -> ChatCompletionStream.Connection = { response, mapping in
            guard case .stream(let body) = response.body else {
                let contentType = response.headers.first(name: "content-type") ?? "none"
                throw mapping.decodingError(
                    body: response.wholeBody,
                    status: response.status,
                    operation: .chatStream,
                    expected: "an event stream (got content type \(contentType))",
                    underlying: AIYouError(.decoding, "unexpected content type")
                )
            }
            return ChatCompletionStream.Connection(body: body, status: response.status, mapping: mapping)
        }
        // The call's observer lasts until the stream ends, not until it opens.
        return try await pipeline.open(apiRequest, budget: budget, options: options) {
            [pipeline, configuration] response, mapping, observer in
            ChatCompletionStream(
                first: try consume(response, mapping),
                operation: .chatStream,
                limits: configuration.limits,
                splitsThinkTags: configuration.splitsThinkTags,
                observation: observer
            ) { failure in
                try await pipeline.reopen(
                    after: failure,
                    apiRequest,
                    budget: budget,
                    options: options,
                    observer: observer,
                    consume: consume
                )
            }
        }
    }
}

extension AIYouClient {
    /// The chat request in the configured service's dialect.
    func chatRequest(
        _ request: ChatCompletionRequest,
        operation: AIYouOperation,
        includeUsage: Bool = false
    ) throws(AIYouError) -> APIRequest {
        let accept: APIRequest.Accept = operation == .chatStream ? .eventStream : .json
        switch configuration.api.dialect {
        case .aiyou: return try APIRequest(operation, on: configuration.api, json: request, accept: accept)
        case .llmaas:
            let body = LLMaaSChatBody(request: request, includeUsage: includeUsage)
            return try APIRequest(operation, on: configuration.api, json: body, accept: accept)
        }
    }
}

extension ChatCompletionRequest {
    /// The request as its span and metrics describe it.
    var callDescription: CallDescription {
        let messages = self.messages
        return CallDescription(
            genAIOperation: "chat",
            model: model,
            assistantID: assistantID,
            maxTokens: maxTokens,
            temperature: temperature,
            topP: topP,
            conversationID: threadID,
            inputMessages: { messages.map { "\($0.role.rawValue): \($0.text)" }.joined(separator: "\n") }
        )
    }
}
