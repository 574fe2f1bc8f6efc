/// One LLMaaS chat answer — text or tool calls — and the JSON it is sent as, whole or as
/// stream chunks. Everything in it depends only on the request (and the configured chunk count
/// for the stream), so the streamed and the non-streamed answers to the same request agree.
struct LLMaaSChatCompletion: Sendable {
    /// One tool call.
    struct ToolCall: Sendable, Equatable {
        var id: String
        var name: String
        /// The JSON text of the arguments.
        var arguments: String
    }

    /// What the assistant answers.
    enum Answer: Sendable, Equatable {
        /// A text and its finish reason (`stop` or `length`).
        case text(String, finishReason: String)
        /// Tool calls (finish reason `tool_calls`).
        case toolCalls([ToolCall])
    }

    /// `created` of an answer: this plus a number from the request's hash below 1,000,000.
    static let createdBase = 1_767_100_000
    /// The `completion_tokens` of each tool call.
    static let tokensPerToolCall = 10

    var id: String
    var model: String
    var created: Int
    var answer: Answer
    var promptTokens: Int
    /// Words of the answer and of the reasoning together.
    var completionTokens: Int
    /// For a reasoning model's text answer: its reasoning, and where it goes.
    var reasoning: (text: String, style: LLMaaSCatalog.ReasoningStyle)?
    /// Words of the reasoning.
    var reasoningTokens = 0
    /// When set, `created`, the choice's `index` and the token counts are written as extremes
    /// and `total_tokens` is left out (``MockFault/absurdNumbers``).
    var absurdNumbers = false

    /// Composes the answer to a checked request.
    ///
    /// - `id` is `chatcmpl-` and 32 hex digits from the FNV-1a hash of the request without
    ///   `stream` and `stream_options`; `created` is ``createdBase`` plus that hash modulo
    ///   1,000,000.
    /// - Tool calls follow ``LLMaaSToolRule``; call *n* (from 0) has the id `call_` and the
    ///   16 hex digits of the FNV-1a hash of `<completion id>/<n>`.
    /// - A text answer is, after a `tool` message, `Results: ` and the contents of the trailing
    ///   tool messages joined by `; `; otherwise `Bonjour ! Vous avez dit : ` and the last user
    ///   message's text (the AI.YOU route's reply).
    /// - A request that asks for JSON (``LLMaaSChatRequest/structure``) is answered, instead of
    ///   that text, with the compact JSON text of ``SchemaAnswer/value(for:name:depth:)`` for its
    ///   schema, or `{"answer": <that text>}` for `json_object`; `flaw` spoils it
    ///   (``SchemaAnswer/spoiled(_:by:)``; finish reason `length` for a cut answer).
    /// - `max_tokens`: a text answer of more whitespace-separated words than `max_tokens` is cut
    ///   to its first `max_tokens` words, joined by single spaces, with finish reason `length`.
    /// - Usage: `prompt_tokens` is the number of whitespace-separated words in the text of all
    ///   messages (at least 1); `completion_tokens` the words of the text answer (at least 1),
    ///   or ``tokensPerToolCall`` per tool call.
    /// - A reasoning model (``LLMaaSCatalog/ReasoningStyle``) reasons before a text answer:
    ///   `The user wrote "<last user text>". A short answer in French will do.` (not cut by
    ///   `max_tokens`); its words are added to `completion_tokens` and reported as reasoning
    ///   tokens.
    init(request: LLMaaSChatRequest, absurdNumbers: Bool, flaw: MockAnswerFlaw? = nil) {
        let hash = FNV1a.hash(request.canonicalText)
        var generator = SplitMix64(seed: hash)
        self.id = "chatcmpl-" + FNV1a.hex(hash) + FNV1a.hex(generator.next())
        self.model = request.model
        self.created = Self.createdBase + Int(hash % 1_000_000)
        self.promptTokens = max(1, request.messages.reduce(0) { $0 + LLMaaSFields.wordCount($1.text) })
        self.absurdNumbers = absurdNumbers

        if let tools = LLMaaSToolRule.calledTools(for: request) {
            let id = self.id
            let calls = tools.enumerated().map { index, name in
                ToolCall(
                    id: "call_" + FNV1a.hex(FNV1a.hash("\(id)/\(index)")),
                    name: name,
                    arguments: LLMaaSToolRule.arguments(for: name, lastUserText: request.lastUserText)
                )
            }
            self.answer = .toolCalls(calls)
            self.completionTokens = calls.count * Self.tokensPerToolCall
            return
        }

        var reply: String
        if request.messages.last?.role == "tool" {
            let results = request.messages.reversed().prefix { $0.role == "tool" }.reversed().map(\.text)
            reply = "Results: " + results.joined(separator: "; ")
        } else {
            reply = "Bonjour ! Vous avez dit : " + request.lastUserText
        }
        let json: JSONValue?
        switch request.structure {
        case .text: json = nil
        case .jsonObject: json = SchemaAnswer.jsonObject(text: reply)
        case .schema(let schema): json = SchemaAnswer.value(for: schema)
        }
        var cut = false
        if let json {
            if let flaw {
                (reply, cut) = SchemaAnswer.spoiled(json, by: flaw)
            } else {
                reply = json.serialized
            }
        }
        let words = reply.split(whereSeparator: { $0.isWhitespace })
        if cut {
            self.answer = .text(reply, finishReason: "length")
            self.completionTokens = max(1, words.count)
        } else if let maxTokens = request.maxTokens, maxTokens < words.count {
            self.answer = .text(words.prefix(maxTokens).joined(separator: " "), finishReason: "length")
            self.completionTokens = maxTokens
        } else {
            self.answer = .text(reply, finishReason: "stop")
            self.completionTokens = max(1, words.count)
        }
        if let style = LLMaaSCatalog.model(named: request.model)?.reasoning {
            let thought = "The user wrote \"\(request.lastUserText)\". A short answer in French will do."
            self.reasoning = (thought, style)
            self.reasoningTokens = LLMaaSFields.wordCount(thought)
            self.completionTokens += self.reasoningTokens
        }
    }

    /// The `content` of a text answer as written: with a ``LLMaaSCatalog/ReasoningStyle/thinkTags``
    /// model, the reasoning in `<think>` tags first.
    func writtenContent(_ text: String) -> String {
        guard let reasoning, reasoning.style == .thinkTags else { return text }
        return "<think>\n" + reasoning.text + "\n</think>\n\n" + text
    }

    /// The finish reason.
    var finishReason: String {
        switch self.answer {
        case .text(_, let finishReason): finishReason
        case .toolCalls: "tool_calls"
        }
    }

    /// The `usage` object.
    var usage: JSONValue {
        if self.absurdNumbers {
            return ["prompt_tokens": AbsurdNumbers.largestInteger, "completion_tokens": AbsurdNumbers.largestInteger]
        }
        var usage: JSONValue = [
            "prompt_tokens": .int(self.promptTokens),
            "completion_tokens": .int(self.completionTokens),
            "total_tokens": .int(self.promptTokens + self.completionTokens),
        ]
        if case .object(var members) = usage, let reasoning {
            switch reasoning.style {
            case .separateField: members.append((key: "completion_tokens_details", value: ["reasoning_tokens": .int(self.reasoningTokens)]))
            case .thinkTags: members.append((key: "reasoning_tokens", value: .int(self.reasoningTokens)))
            }
            usage = .object(members)
        }
        return usage
    }

    /// `created` as written.
    var createdValue: JSONValue { self.absurdNumbers ? AbsurdNumbers.huge : .int(self.created) }

    /// The choice's `index` as written.
    var indexValue: JSONValue { self.absurdNumbers ? AbsurdNumbers.largestInteger : 0 }

    /// The non-streamed answer.
    var json: JSONValue {
        let message: JSONValue
        switch self.answer {
        case .text(let text, _):
            if let reasoning, reasoning.style == .separateField {
                message = ["role": "assistant", "content": .string(text), "reasoning_content": .string(reasoning.text)]
            } else {
                message = ["role": "assistant", "content": .string(self.writtenContent(text))]
            }
        case .toolCalls(let calls):
            message = [
                "role": "assistant",
                "content": nil,
                "tool_calls": .array(
                    calls.map { call in
                        [
                            "id": .string(call.id),
                            "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                        ]
                    }
                ),
            ]
        }
        return [
            "id": .string(self.id),
            "object": "chat.completion",
            "created": self.createdValue,
            "model": .string(self.model),
            "choices": [["index": self.indexValue, "finish_reason": .string(self.finishReason), "message": message]],
            "usage": self.usage,
            "backend": ["engine_type": "mock", "machine_name": "mock01"],
        ]
    }

    /// A stream chunk carrying `delta`, with `finish_reason` null unless given.
    func chunk(delta: JSONValue, finishReason: String? = nil) -> JSONValue {
        self.envelope(choices: [["index": self.indexValue, "delta": delta, "finish_reason": finishReason.map { .string($0) } ?? .null]])
    }

    /// The finish chunk with the usage on it (as some servers send it).
    var finishChunkWithUsage: JSONValue {
        guard case .object(var members) = self.chunk(delta: [:], finishReason: self.finishReason) else { return .null }
        members.append((key: "usage", value: self.usage))
        return .object(members)
    }

    /// The chunk after the last choice chunk: no choices, the usage.
    var usageChunk: JSONValue {
        guard case .object(var members) = self.envelope(choices: []) else { return .null }
        members.append((key: "usage", value: self.usage))
        return .object(members)
    }

    private func envelope(choices: JSONValue) -> JSONValue {
        [
            "id": .string(self.id),
            "object": "chat.completion.chunk",
            "created": self.createdValue,
            "model": .string(self.model),
            "choices": choices,
        ]
    }
}
