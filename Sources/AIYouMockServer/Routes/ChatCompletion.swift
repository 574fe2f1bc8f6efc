/// One mock answer, and the JSON it is sent as in either shape, whole or in chunks.
struct ChatCompletion: Sendable {
    var id: String
    var model: String
    var created: Int
    var reply: String
    var promptTokens: Int
    var completionTokens: Int

    /// The `usage` object.
    var usage: JSONValue {
        [
            "prompt_tokens": .int(self.promptTokens),
            "completion_tokens": .int(self.completionTokens),
            "total_tokens": .int(self.promptTokens + self.completionTokens),
        ]
    }

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
            "created": .int(self.created),
            "choices": [
                [
                    "index": 0,
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
            (key: "created", value: .int(self.created)),
            (
                key: "choices",
                value: [["index": 0, "delta": delta, "finish_reason": finishReason.map { .string($0) } ?? .null]]
            ),
        ]
        if let usage {
            members.append((key: "usage", value: usage))
        }
        return .object(members)
    }
}
