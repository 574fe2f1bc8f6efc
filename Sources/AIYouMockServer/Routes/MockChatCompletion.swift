/// One mock answer, and the JSON it is sent as in either shape, whole or in chunks.
struct MockChatCompletion: Sendable {
    var id: String
    var model: String
    var created: Int
    var reply: String
    var promptTokens: Int
    var completionTokens: Int
    /// When set, `created`, the choice's `index` and the token counts are written as extremes
    /// and `total_tokens` is left out (``MockFault/absurdNumbers``).
    var absurdNumbers = false

    /// The `usage` object.
    var usage: JSONValue {
        if self.absurdNumbers {
            return ["prompt_tokens": AbsurdNumbers.largestInteger, "completion_tokens": AbsurdNumbers.largestInteger]
        }
        return [
            "prompt_tokens": .int(self.promptTokens),
            "completion_tokens": .int(self.completionTokens),
            "total_tokens": .int(self.promptTokens + self.completionTokens),
        ]
    }

    /// `created` as written.
    private var createdValue: JSONValue { self.absurdNumbers ? AbsurdNumbers.huge : .int(self.created) }

    /// The choice's `index` as written.
    private var indexValue: JSONValue { self.absurdNumbers ? AbsurdNumbers.largestInteger : 0 }

    /// The non-streaming answer: wrapped with a string `content` (primary) or bare with an
    /// array of parts (alternate).
    func json(shape: MockResponseShape) -> JSONValue {
        let content: JSONValue =
            switch shape {
            case .primary: .string(self.reply)
            case .alternate: [["type": "text", "text": .string(self.reply)]]
            }
        let completion: JSONValue = [
            "id": .string(self.id),
            "object": "chat.completion",
            "model": .string(self.model),
            "created": self.createdValue,
            "choices": [
                [
                    "index": self.indexValue,
                    "message": ["role": "assistant", "content": content, "refusal": nil],
                    "finish_reason": "stop",
                ]
            ],
            "usage": self.usage,
        ]
        switch shape {
        case .primary: return ["response": completion]
        case .alternate: return completion
        }
    }

    /// A streamed content chunk; the first one also carries the role.
    func contentChunk(_ piece: String, isFirst: Bool) -> JSONValue {
        let delta: JSONValue = isFirst ? ["role": "assistant", "content": .string(piece)] : ["content": .string(piece)]
        return self.chunk(delta: delta, finishReason: nil, usage: nil)
    }

    /// The last streamed chunk: empty delta, `finish_reason: "stop"` and the usage.
    var finalChunk: JSONValue {
        self.chunk(delta: [:], finishReason: "stop", usage: self.usage)
    }

    private func chunk(delta: JSONValue, finishReason: String?, usage: JSONValue?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (key: "id", value: .string(self.id)),
            (key: "object", value: "chat.completion.chunk"),
            (key: "model", value: .string(self.model)),
            (key: "created", value: self.createdValue),
            (
                key: "choices",
                value: [["index": self.indexValue, "delta": delta, "finish_reason": finishReason.map { .string($0) } ?? .null]]
            ),
        ]
        if let usage {
            members.append((key: "usage", value: usage))
        }
        return .object(members)
    }
}
