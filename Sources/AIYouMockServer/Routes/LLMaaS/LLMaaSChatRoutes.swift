import Hummingbird

/// LLMaaS `POST /v1/chat/completions` and `POST /v1/completions` (same body, same answer),
/// streamed or not. See ``LLMaaSChatCompletion`` for what is answered.
struct LLMaaSChatRoutes: Sendable {
    let state: MockServerState

    func completions(_ input: RouteRequest) async -> Response {
        let request: LLMaaSChatRequest
        do {
            request = try LLMaaSChatRequest(input.json)
        } catch {
            return error.response
        }
        if request.hasStreamOptions, input.settings.refusesStreamOptions {
            return LLMaaSRequestError.invalid("Unrecognized request argument supplied: stream_options", param: "stream_options").response
        }
        if input.dropStreamAfter != nil, !request.stream {
            return await ConnectionControl(state: self.state).drop(input.context.channel)
        }

        let completion = LLMaaSChatCompletion(request: request, absurdNumbers: input.absurdNumbers, flaw: input.answerFlaw)
        input.reportOutputTokens(completion.completionTokens)
        guard request.stream else {
            return LLMaaSResponses.json(completion.json, quota: self.state.llmaasQuota)
        }
        let writer = ChatStreamWriter(
            events: LLMaaSChatCompletion.StreamEvents(
                completion: completion,
                chunkCount: input.settings.streamChunkCount,
                includeUsage: request.includeUsage,
                usageOnFinishChunk: input.settings.usageOnFinishChunk
            ),
            encoder: SSEEventEncoder(shape: .primary),
            interval: input.settings.streamChunkInterval,
            dropAfterEvents: input.dropStreamAfter,
            tailAfterDone: input.answerFault == .tailAfterDone,
            watch: ClientWatch(state: self.state, channel: input.context.channel)
        )
        return LLMaaSResponses.eventStream(
            quota: self.state.llmaasQuota,
            body: ResponseBody { bodyWriter in
                try await writer.write(to: &bodyWriter)
            }
        )
    }
}
