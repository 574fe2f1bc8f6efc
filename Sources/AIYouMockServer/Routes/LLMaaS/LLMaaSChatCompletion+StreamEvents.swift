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
    /// Then the chunk with an empty delta and the finish reason, and one with `"choices":[]`
    /// and the usage.
    struct StreamEvents: ChatStreamEvents {
        let completion: LLMaaSChatCompletion
        let chunkCount: Int
        private let characters: [Character]
        /// The deltas of a tool-call answer, all made up front (they are few).
        private let toolCallDeltas: [JSONValue]

        init(completion: LLMaaSChatCompletion, chunkCount: Int) {
            self.completion = completion
            self.chunkCount = max(1, chunkCount)
            switch completion.answer {
            case .text(let text, _):
                self.characters = Array(text)
                self.toolCallDeltas = []
            case .toolCalls(let calls):
                self.characters = []
                self.toolCallDeltas = Self.deltas(of: calls)
            }
        }

        var contentEventCount: Int {
            switch self.completion.answer {
            case .text: self.chunkCount
            case .toolCalls: self.toolCallDeltas.count
            }
        }

        func contentEvent(at index: Int) -> JSONValue {
            switch self.completion.answer {
            case .text:
                let content = JSONValue.string(piece(index, of: self.chunkCount, in: self.characters))
                return self.completion.chunk(delta: index == 0 ? ["role": "assistant", "content": content] : ["content": content])
            case .toolCalls:
                return self.completion.chunk(delta: self.toolCallDeltas[index])
            }
        }

        var closingEvents: [JSONValue] {
            [self.completion.chunk(delta: [:], finishReason: self.completion.finishReason), self.completion.usageChunk]
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
