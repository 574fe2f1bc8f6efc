extension AIYouClient {
    /// The longest tool result or error text sent back to the model for one call.
    static let maxToolResultLength = 64 * 1024

    /// Lets the model use `tools` until it answers (LLMaaS): asks for a completion, runs the
    /// calls the model made (up to `maxConcurrentTools` at once, results kept in call order),
    /// sends the results back as ``ChatRole/tool`` messages, and repeats — at most `maxRounds`
    /// completions.
    ///
    /// The request's ``ChatCompletionRequest/tools`` are replaced by the definitions of `tools`.
    /// A ``ChatCompletionRequest/toolChoice`` of `required` or a named function applies to the
    /// first round only (the rounds after it use `auto`), so the model can finish.
    ///
    /// A tool that throws does not end the run: its error's description (or, for a call of a tool
    /// not in `tools`, a message saying so) is sent to the model as that call's result. Results
    /// longer than 64 KiB are cut. Cancelling the calling task cancels the tools running and
    /// ends the run.
    ///
    /// ```swift
    /// let result = try await client.runTools(request, tools: [weather])
    /// print(result.text, "after", result.rounds, "rounds")
    /// ```
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending for no tools,
    ///   a repeated name, or bounds below 1; ``AIYouError/Code/limitExceeded`` when the model
    ///   still calls tools after `maxRounds` completions; ``AIYouError/Code/cancelled``; and
    ///   whatever ``chatCompletion(_:options:)`` throws.
    public func runTools(
        _ request: ChatCompletionRequest,
        tools: [Tool],
        maxRounds: Int = 8,
        maxConcurrentTools: Int = 4,
        options: RequestOptions = RequestOptions()
    ) async throws -> ToolRunResult {
        guard !tools.isEmpty else { throw AIYouError.invalidRequest("runTools: give at least one tool") }
        guard maxRounds >= 1, maxConcurrentTools >= 1 else {
            throw AIYouError.invalidRequest("runTools: maxRounds and maxConcurrentTools must be at least 1")
        }
        var byName: [String: Tool] = [:]
        for tool in tools {
            guard byName.updateValue(tool, forKey: tool.definition.name) == nil else {
                throw AIYouError.invalidRequest("runTools: the tool name \"\(tool.definition.name)\" is used twice")
            }
        }
        var current = request
        current.tools = tools.map(\.definition)
        var toolCallCount = 0
        for round in 1...maxRounds {
            let completion = try await chatCompletion(current, options: options)
            guard let message = completion.choices.first?.message, !message.toolCalls.isEmpty else {
                var messages = current.messages
                if let message = completion.choices.first?.message { messages.append(ChatMessage(message)) }
                return ToolRunResult(completion: completion, messages: messages, rounds: round, toolCallCount: toolCallCount)
            }
            guard round < maxRounds else { break }
            let results = try await Self.run(message.toolCalls, tools: byName, maxConcurrent: maxConcurrentTools)
            toolCallCount += message.toolCalls.count
            current.messages.append(ChatMessage(message))
            for (call, result) in zip(message.toolCalls, results) {
                current.messages.append(.toolResult(result, for: call))
            }
            if current.toolChoice == .required || current.toolChoice.map({ if case .function = $0.storage { true } else { false } }) == true
            {
                current.toolChoice = .auto
            }
        }
        throw AIYouError(.limitExceeded, "runTools: the model still called tools after \(maxRounds) rounds (maxRounds)")
    }

    /// Runs `calls`, at most `maxConcurrent` at a time, and returns their results in call order.
    private static func run(_ calls: [ToolCall], tools: [String: Tool], maxConcurrent: Int) async throws -> [String] {
        do {
            return try await concurrentMap(calls, limit: maxConcurrent) { call in try await answer(call, with: tools[call.name]) }
        } catch is CancellationError {
            throw AIYouError(.cancelled, "runTools: cancelled")
        }
    }

    /// The text sent back for one call: the tool's result, or what went wrong. Only cancellation
    /// is thrown.
    private static func answer(_ call: ToolCall, with tool: Tool?) async throws -> String {
        guard let tool else {
            return "error: there is no tool named \"\(call.name.prefix(64))\"; the tools are the ones in the request"
        }
        do {
            try Task.checkCancellation()
            return String(try await tool.run(call).prefix(maxToolResultLength))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return "error: " + String(String(describing: error).prefix(maxToolResultLength))
        }
    }
}
