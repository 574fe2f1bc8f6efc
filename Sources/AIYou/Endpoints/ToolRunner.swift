extension AIYouClient {
    /// Lets the model use `tools` until it answers (LLMaaS): asks for a completion, runs the
    /// calls the model made (up to ``ToolRunLimits/maxConcurrentTools`` at once, results kept in
    /// call order), sends the results back as ``ChatRole/tool`` messages, and repeats — at most
    /// ``ToolRunLimits/maxRounds`` completions.
    ///
    /// The request's ``ChatCompletionRequest/tools`` are replaced by the definitions of `tools`.
    /// A ``ChatCompletionRequest/toolChoice`` of `required` or a named function applies to the
    /// first round only (the rounds after it use `auto`), so the model can finish.
    ///
    /// Nothing the model sends ends the run in a crash: a call of a tool not in `tools`, arguments
    /// that are not valid JSON (or nest deeper than 128 levels) and a tool that throws are
    /// answered to the model as that call's result (the error's description), so it can correct
    /// itself. Results longer than ``ToolRunLimits/maxResultBytes`` are cut on a character
    /// boundary. Cancelling the calling task cancels the tools running and ends the run.
    ///
    /// Each call runs under a span `execute_tool <name>` (kind internal, a child of the caller's
    /// span) with `gen_ai.operation.name`, `gen_ai.tool.name`, `gen_ai.tool.call.id`,
    /// `gen_ai.tool.type` and `gen_ai.tool.description` (and, with
    /// ``Configuration/Observability/recordsMessageContent``, the arguments and the result,
    /// redacted); a tool that throws marks it failed with `error.type`.
    ///
    /// ```swift
    /// let result = try await client.runTools(request, tools: [weather])
    /// print(result.text, "after", result.rounds, "rounds")
    /// ```
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending for no tools,
    ///   a repeated name, or a limit below 1; ``AIYouError/Code/limitExceeded`` when the model
    ///   still calls tools after ``ToolRunLimits/maxRounds`` completions, asks for more than
    ///   ``ToolRunLimits/maxToolCallsPerRound`` calls in one answer, or the calls and results grow
    ///   beyond ``ToolRunLimits/maxTranscriptBytes`` (the message names the limit);
    ///   ``AIYouError/Code/cancelled``; and whatever ``chatCompletion(_:options:)`` throws.
    public func runTools(
        _ request: ChatCompletionRequest,
        tools: [Tool],
        limits: ToolRunLimits = ToolRunLimits(),
        options: RequestOptions = RequestOptions()
    ) async throws -> ToolRunResult {
        guard !tools.isEmpty else { throw AIYouError.invalidRequest("runTools: give at least one tool") }
        try limits.validate()
        var byName: [String: Tool] = [:]
        for tool in tools {
            guard byName.updateValue(tool, forKey: tool.definition.name) == nil else {
                throw AIYouError.invalidRequest("runTools: the tool name \"\(tool.definition.name)\" is used twice")
            }
        }
        var current = request
        current.tools = tools.map(\.definition)
        var toolCallCount = 0
        var transcriptBytes = 0
        for round in 1...limits.maxRounds {
            let completion = try await chatCompletion(current, options: options)
            guard let message = completion.choices.first?.message, !message.toolCalls.isEmpty else {
                var messages = current.messages
                if let message = completion.choices.first?.message { messages.append(ChatMessage(message)) }
                return ToolRunResult(completion: completion, messages: messages, rounds: round, toolCallCount: toolCallCount)
            }
            guard round < limits.maxRounds else { break }
            guard message.toolCalls.count <= limits.maxToolCallsPerRound else {
                throw AIYouError(
                    .limitExceeded,
                    "runTools: the model asked for \(message.toolCalls.count) tool calls in one answer, more than limits.maxToolCallsPerRound (\(limits.maxToolCallsPerRound)); none was run"
                )
            }
            let results = try await Self.run(message.toolCalls, tools: byName, limits: limits, telemetry: pipeline.telemetry)
            toolCallCount += message.toolCalls.count
            transcriptBytes = WireValue.sum(transcriptBytes, Self.size(of: message, results: results))
            guard transcriptBytes <= limits.maxTranscriptBytes else {
                throw AIYouError(
                    .limitExceeded,
                    "runTools: the tool calls and results grew beyond limits.maxTranscriptBytes (\(limits.maxTranscriptBytes) bytes) after \(round) rounds"
                )
            }
            current.messages.append(ChatMessage(message))
            for (call, result) in zip(message.toolCalls, results) {
                current.messages.append(.toolResult(result, for: call))
            }
            if current.toolChoice == .required || current.toolChoice.map({ if case .function = $0.storage { true } else { false } }) == true
            {
                current.toolChoice = .auto
            }
        }
        throw AIYouError(.limitExceeded, "runTools: the model still called tools after \(limits.maxRounds) rounds (limits.maxRounds)")
    }

    /// What one round adds to the conversation: the model's turn and the results, in UTF-8 bytes.
    private static func size(of message: AssistantMessage, results: [String]) -> Int {
        var size = message.content.utf8.count
        for call in message.toolCalls {
            size = WireValue.sum(size, call.id.utf8.count + call.name.utf8.count)
            size = WireValue.sum(size, call.arguments.utf8.count)
        }
        for result in results { size = WireValue.sum(size, result.utf8.count) }
        return size
    }

    /// Runs `calls`, at most `limits.maxConcurrentTools` at a time, and returns their results in
    /// call order.
    private static func run(
        _ calls: [ToolCall],
        tools: [String: Tool],
        limits: ToolRunLimits,
        telemetry: Telemetry
    ) async throws
        -> [String]
    {
        do {
            return try await concurrentMap(calls, limit: limits.maxConcurrentTools) { call in
                try await answer(call, with: tools[call.name], maxBytes: limits.maxResultBytes, telemetry: telemetry)
            }
        } catch is CancellationError {
            throw AIYouError(.cancelled, "runTools: cancelled")
        }
    }

    /// The text sent back for one call, at most `maxBytes`: the tool's result, or what went
    /// wrong. Only cancellation is thrown. A tool that exists runs under its `execute_tool` span.
    private static func answer(_ call: ToolCall, with tool: Tool?, maxBytes: Int, telemetry: Telemetry) async throws -> String {
        guard let tool else {
            let text = "error: there is no tool named \"\(call.name.utf8Prefix(maxBytes: 64))\"; the tools are the ones in the request"
            return String(text.utf8Prefix(maxBytes: maxBytes))
        }
        do {
            try Task.checkCancellation()
            return try await ToolSpan.run(call, definition: tool.definition, telemetry: telemetry) {
                String(try await tool.run(call).utf8Prefix(maxBytes: maxBytes))
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return String(("error: " + String(describing: error)).utf8Prefix(maxBytes: maxBytes))
        }
    }
}
