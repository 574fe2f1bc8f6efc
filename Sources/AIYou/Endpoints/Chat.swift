import AsyncHTTPClient
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
        let apiRequest = APIRequest.json("chat.completion", .POST, "/api/v1/chat/completions", body: nonStreaming)
        do {
            return try await pipeline.decode(
                ChatCompletion.self, apiRequest, fastPath: ChatCompletionDecoder.decodeCommonShape, logger: logger
            )
        } catch let error as AIYouError where error.isStreamOptionsRefusal {
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
        let apiRequest = APIRequest.json("chat.stream", .POST, "/api/v1/chat/completions", body: streaming, accept: .eventStream)
        let limit = min(configuration.maxResponseBodyBytes, 1 << 20)
        let open: @Sendable () async throws -> ChatCompletionStream.Connection = { [pipeline] in
            try await pipeline.execute(apiRequest, logger: logger) { response, mapping in
                let status = Int(response.status.code)
                if let contentType = response.headers.first(name: "content-type"), !contentType.lowercased().contains("text/event-stream") {
                    let body = try await RequestPipeline.collect(response.body, limit: limit, operation: "chat.stream", truncate: true)
                    throw mapping.decodingError(
                        body: body, status: status, operation: "chat.stream", expected: "an event stream (got \(contentType))",
                        underlying: AIYouError(.decoding, "unexpected content type")
                    )
                }
                return ChatCompletionStream.Connection(body: response.body, status: status, mapping: mapping)
            }
        }
        return ChatCompletionStream(first: try await open(), operation: "chat.stream", maxReopens: configuration.retry.maxRetries, reopen: open)
    }
}

extension AIYouError {
    /// The service's refusal of a non-streamed chat request ("Stream options …").
    var isStreamOptionsRefusal: Bool {
        guard code == .apiError else { return false }
        return message.lowercased().contains("stream options") || (bodyExcerpt?.lowercased().contains("stream options") ?? false)
    }
}
