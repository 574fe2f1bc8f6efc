extension LLMaaSChatCompletion {
    /// The most UTF-8 bytes in one streamed fragment of a call's arguments.
    static let argumentFragmentBytes = 7

    /// The LLMaaS stream of an answer.
    ///
    /// - Text: the text in `chunkCount` pieces, delta `{"role":"assistant","content":…}` then
    ///   `{"content":…}`.
    /// - Tool calls: for each call an opening delta with its `index`, `id`, `type`, `name` and
    ///   empty `arguments` (the first one also with `"role":"assistant","content":null`), then
    ///   its arguments in fragments of at most ``argumentFragmentBytes`` UTF-8 bytes, cut
    ///   between characters (between Unicode scalars inside a longer character), each
    ///   `{"tool_calls":[{"index":i,"function":{"arguments":…}}]}`.
    ///
    /// - A reasoning model's text answer: with ``LLMaaSCatalog/ReasoningStyle/separateField``,
    ///   first its reasoning in `chunkCount` pieces as `reasoning_content` deltas (the first with
    ///   `"role":"assistant"`), then the text in `chunkCount` pieces; with
    ///   ``LLMaaSCatalog/ReasoningStyle/thinkTags``, the text with its `<think>` prefix in
    ///   `chunkCount` pieces (tags end up cut across chunks).
    ///
    /// Then the chunk with an empty delta and the finish reason. The usage comes only when the
    /// request asked for it (`stream_options.include_usage`), as real servers do: in a last
    /// chunk with `"choices":[]`, or on the finish chunk when `usageOnFinishChunk`.
    struct StreamEvents: ChatStreamEvents {
        let completion: LLMaaSChatCompletion
        let chunkCount: Int
        let includeUsage: Bool
        let usageOnFinishChunk: Bool
        private let characters: [Character]
        /// The reasoning sent apart, before the text.
        private let reasoningCharacters: [Character]
        /// The deltas of a tool-call answer, all made up front (they are few).
        private let toolCallDeltas: [JSONValue]

        init(completion: LLMaaSChatCompletion, chunkCount: Int, includeUsage: Bool = true, usageOnFinishChunk: Bool = false) {
            self.completion = completion
            self.chunkCount = max(1, chunkCount)
            self.includeUsage = includeUsage
            self.usageOnFinishChunk = usageOnFinishChunk
            switch completion.answer {
            case .text(let text, _):
                self.characters = Array(completion.writtenContent(text))
                self.toolCallDeltas = []
                if let reasoning = completion.reasoning, reasoning.style == .separateField {
                    self.reasoningCharacters = Array(reasoning.text)
                } else {
                    self.reasoningCharacters = []
                }
            case .toolCalls(let calls):
                self.characters = []
                self.reasoningCharacters = []
                self.toolCallDeltas = Self.deltas(of: calls)
            }
        }

        /// Pieces of reasoning sent before the text.
        private var reasoningEventCount: Int { self.reasoningCharacters.isEmpty ? 0 : self.chunkCount }

        var contentEventCount: Int {
            switch self.completion.answer {
            case .text: self.reasoningEventCount + self.chunkCount
            case .toolCalls: self.toolCallDeltas.count
            }
        }

        func contentEvent(at index: Int) -> JSONValue {
            switch self.completion.answer {
            case .text:
                if index < self.reasoningEventCount {
                    let reasoning = JSONValue.string(piece(index, of: self.chunkCount, in: self.reasoningCharacters))
                    return self.completion.chunk(
                        delta: index == 0 ? ["role": "assistant", "reasoning_content": reasoning] : ["reasoning_content": reasoning]
                    )
                }
                let textIndex = index - self.reasoningEventCount
                let content = JSONValue.string(piece(textIndex, of: self.chunkCount, in: self.characters))
                return self.completion.chunk(delta: index == 0 ? ["role": "assistant", "content": content] : ["content": content])
            case .toolCalls:
                return self.completion.chunk(delta: self.toolCallDeltas[index])
            }
        }

        var closingEvents: [JSONValue] {
            let finish = self.completion.chunk(delta: [:], finishReason: self.completion.finishReason)
            guard self.includeUsage else { return [finish] }
            return self.usageOnFinishChunk ? [self.completion.finishChunkWithUsage] : [finish, self.completion.usageChunk]
        }

        private static func deltas(of calls: [ToolCall]) -> [JSONValue] {
            var deltas: [JSONValue] = []
            for (index, call) in calls.enumerated() {
                let opening: JSONValue = [
                    "index": .int(index),
                    "id": .string(call.id),
                    "type": "function",
                    "function": ["name": .string(call.name), "arguments": ""],
                ]
                deltas.append(index == 0 ? ["role": "assistant", "content": nil, "tool_calls": [opening]] : ["tool_calls": [opening]])
                for fragment in fragments(of: call.arguments, maxBytes: LLMaaSChatCompletion.argumentFragmentBytes) {
                    deltas.append(["tool_calls": [["index": .int(index), "function": ["arguments": .string(fragment)]]]])
                }
            }
            return deltas
        }
    }

    /// `text` cut into pieces of at most `maxBytes` UTF-8 bytes, between characters; a
    /// character longer than that is cut between its Unicode scalars (each at most 4 bytes).
    static func fragments(of text: String, maxBytes: Int) -> [String] {
        var fragments: [String] = []
        var current = ""
        var currentBytes = 0
        func append(_ piece: String, bytes: Int) {
            if currentBytes + bytes > maxBytes, currentBytes > 0 {
                fragments.append(current)
                current = ""
                currentBytes = 0
            }
            current += piece
            currentBytes += bytes
        }
        for character in text {
            let bytes = character.utf8.count
            if bytes <= maxBytes {
                append(String(character), bytes: bytes)
            } else {
                for scalar in character.unicodeScalars {
                    append(String(scalar), bytes: scalar.utf8.count)
                }
            }
        }
        if currentBytes > 0 {
            fragments.append(current)
        }
        return fragments
    }
}
