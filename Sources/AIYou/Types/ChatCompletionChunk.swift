import Foundation

/// One event of a streamed answer: a piece of text (the delta) for each choice.
public struct ChatCompletionChunk: Decodable, Hashable, Sendable {
    /// A piece of a tool call (LLMaaS): the first piece of a call carries its ``index``, ``id``,
    /// ``name`` and usually empty ``arguments``; later pieces carry the ``index`` and the next
    /// fragment of ``arguments``. ``ChatCompletionAccumulator`` puts them together.
    public struct ToolCallDelta: Decodable, Hashable, Sendable {
        /// Which call of the choice this piece belongs to (0, 1, …).
        public var index: Int
        /// The call's id, on its first piece.
        public var id: String?
        /// `function`, on the first piece.
        public var type: String?
        /// The function's name, on the first piece.
        public var name: String?
        /// The next fragment of the arguments' JSON text.
        public var arguments: String?

        /// A piece with the given values.
        public init(index: Int = 0, id: String? = nil, type: String? = nil, name: String? = nil, arguments: String? = nil) {
            self.index = index
            self.id = id
            self.type = type
            self.name = name
            self.arguments = arguments
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case index, id, type, function }

        /// Decodes `{"index", "id"?, "type"?, "function": {"name"?, "arguments"?}}`; arguments sent
        /// as a JSON object are kept as its JSON text.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = container.lenientInt(.index) ?? 0
            id = container.lenientString(.id)
            type = container.lenientString(.type)
            let function = try? container.nestedContainer(keyedBy: ToolCall.FunctionKeys.self, forKey: .function)
            name = function?.lenientString(.name)
            if let function, function.contains(.arguments), (try? function.decodeNil(forKey: .arguments)) == false {
                arguments = ToolCall.arguments(in: function)
            } else {
                arguments = nil
            }
        }
    }

    /// What one chunk adds to a choice.
    public struct Delta: Decodable, Hashable, Sendable {
        /// Set on the first chunk of a choice, usually `assistant`.
        public var role: ChatRole?
        /// The text added by this chunk, if any.
        public var content: String?
        /// Pieces of tool calls (LLMaaS), empty when the chunk carries none.
        public var toolCalls: [ToolCallDelta]
        /// The piece of the model's reasoning this chunk adds (reasoning models send it in
        /// `reasoning_content`, or `reasoning` on newer vLLM), apart from the answer's text.
        public var reasoning: String?

        /// A delta with the given values.
        public init(role: ChatRole? = nil, content: String? = nil, toolCalls: [ToolCallDelta] = [], reasoning: String? = nil) {
            self.role = role
            self.content = content
            self.toolCalls = toolCalls
            self.reasoning = reasoning
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case role, content, reasoning
            case toolCalls = "tool_calls"
            case reasoningContent = "reasoning_content"
        }

        /// Decodes `content` as a string or an array of text parts.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = container.lenientString(.role).map(ChatRole.init(rawValue:))
            if let text = try? container.decodeIfPresent(String.self, forKey: .content) {
                content = text
            } else if container.contains(.content), (try? container.decodeNil(forKey: .content)) == false {
                let parts: [ContentPart] = container.lenientArray(.content)
                content = parts.filter { $0.type == .text }.map(\.text).joined()
            } else {
                content = nil
            }
            toolCalls = container.lenientArray(.toolCalls)
            reasoning = container.reasoning(.reasoningContent, .reasoning)
        }
    }

    /// One choice's part of the chunk.
    public struct Choice: Decodable, Hashable, Sendable {
        /// Which choice this delta belongs to.
        public var index: Int
        /// What it adds.
        public var delta: Delta
        /// Set on the last chunk of the choice.
        public var finishReason: String?

        /// A choice delta with the given values.
        public init(index: Int = 0, delta: Delta, finishReason: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case index, delta, message
            case finishReason = "finish_reason"
        }

        /// Decodes a choice; accepts `message` in place of `delta`, as some servers send.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = container.lenientInt(.index) ?? 0
            delta =
                (try? container.decodeIfPresent(Delta.self, forKey: .delta))
                ?? (try? container.decodeIfPresent(Delta.self, forKey: .message)) ?? Delta()
            finishReason = container.lenientString(.finishReason)
        }
    }

    /// The completion's id (the same on every chunk).
    public var id: String?
    /// The model that answers.
    public var model: String?
    /// When the answer was created.
    public var created: Date?
    /// The deltas.
    public var choices: [Choice]
    /// Token counts; usually on the last chunk only.
    public var usage: ChatCompletion.Usage?

    /// The first choice's text delta, or `nil`.
    public var text: String? { choices.first?.delta.content }

    /// A chunk with the given values.
    public init(id: String? = nil, model: String? = nil, created: Date? = nil, choices: [Choice], usage: ChatCompletion.Usage? = nil) {
        self.id = id
        self.model = model
        self.created = created
        self.choices = choices
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, model, created, choices, usage }

    /// Decodes a chunk. Throws when `choices` is missing (an error object is not a chunk).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.choices) || container.contains(.usage) else {
            throw DecodingError.keyNotFound(
                CodingKeys.choices,
                .init(codingPath: container.codingPath, debugDescription: "a stream chunk needs \"choices\"")
            )
        }
        id = container.lenientString(.id)
        model = container.lenientString(.model)
        created = container.lenientDate(.created)
        choices = container.lenientArray(.choices)
        usage = try? container.decodeIfPresent(ChatCompletion.Usage.self, forKey: .usage)
    }
}
