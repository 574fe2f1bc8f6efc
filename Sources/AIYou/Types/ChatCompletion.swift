import Foundation

extension ChatCompletion {
    /// Token counts reported by the service.
    public struct Usage: Decodable, Hashable, Sendable {
        /// Tokens in the prompt.
        public var promptTokens: Int
        /// Tokens generated (the reasoning included, on the servers that count it apart).
        public var completionTokens: Int
        /// Both together.
        public var totalTokens: Int
        /// Tokens a reasoning model spent thinking, when the service counts them: `reasoning_tokens`
        /// (LLMaaS) or `completion_tokens_details.reasoning_tokens` (OpenAI, vLLM); `nil` when it
        /// sent neither.
        public var reasoningTokens: Int?

        /// Usage with the given counts.
        public init(promptTokens: Int, completionTokens: Int, totalTokens: Int, reasoningTokens: Int? = nil) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = totalTokens
            self.reasoningTokens = reasoningTokens
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case reasoningTokens = "reasoning_tokens"
            case completionTokensDetails = "completion_tokens_details"
        }

        private enum DetailKeys: String, CodingKey {
            case reasoningTokens = "reasoning_tokens"
        }

        /// Decodes counts given as numbers or numeric strings; missing counts are 0, a missing total
        /// is the sum of the two others (saturating at `Int.max`). The reasoning count is read from
        /// `reasoning_tokens`, else from `completion_tokens_details`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            promptTokens = container.lenientInt(.promptTokens) ?? 0
            completionTokens = container.lenientInt(.completionTokens) ?? 0
            totalTokens = container.lenientInt(.totalTokens) ?? WireValue.sum(promptTokens, completionTokens)
            reasoningTokens =
                container.lenientInt(.reasoningTokens)
                ?? (try? container.nestedContainer(keyedBy: DetailKeys.self, forKey: .completionTokensDetails))?.lenientInt(
                    .reasoningTokens
                )
        }
    }
}

/// The assistant's message in a non-streamed answer.
public struct AssistantMessage: Decodable, Hashable, Sendable {
    /// Usually `assistant`.
    public var role: ChatRole
    /// The answer's text (the text parts joined when the service sent parts).
    public var content: String
    /// The answer as parts, when the service sent parts; otherwise one text part.
    public var parts: [ContentPart]
    /// The refusal text, when the model refused.
    public var refusal: String?
    /// The tools the model asks you to call (LLMaaS; the choice's finish reason is then
    /// `tool_calls`). Empty when it answered with text.
    public var toolCalls: [ToolCall]
    /// The model's reasoning, apart from the answer, when a reasoning model sent it
    /// (`reasoning_content`, or `reasoning` on newer vLLM).
    public var reasoning: String?

    /// A message with the given text (and tool calls, and reasoning).
    public init(
        role: ChatRole = .assistant,
        content: String,
        refusal: String? = nil,
        toolCalls: [ToolCall] = [],
        reasoning: String? = nil
    ) {
        self.role = role
        self.content = content
        self.parts = [.text(content)]
        self.refusal = refusal
        self.toolCalls = toolCalls
        self.reasoning = reasoning
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case role, content, refusal, reasoning
        case toolCalls = "tool_calls"
        case reasoningContent = "reasoning_content"
    }

    /// Decodes `content` given as a string, an array of parts, or null.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = ChatRole(rawValue: container.lenientString(.role) ?? "assistant")
        refusal = container.lenientString(.refusal)
        if let text = try? container.decode(String.self, forKey: .content) {
            content = text
            parts = [.text(text)]
        } else {
            parts = container.lenientArray(.content)
            content = parts.lazy.filter { $0.type == .text }.map(\.text).joined()
        }
        toolCalls = container.lenientArray(.toolCalls)
        reasoning = container.reasoning(.reasoningContent, .reasoning)
    }
}

extension ChatCompletion {
    /// One alternative answer.
    public struct Choice: Decodable, Hashable, Sendable {
        /// Position among the choices.
        public var index: Int
        /// The answer.
        public var message: AssistantMessage
        /// Why generation stopped (`stop`, `length`, …).
        public var finishReason: String?

        /// A choice with the given values.
        public init(index: Int, message: AssistantMessage, finishReason: String?) {
            self.index = index
            self.message = message
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case index, message
            case finishReason = "finish_reason"
        }

        /// Decodes a choice; a missing index is 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = container.lenientInt(.index) ?? 0
            message = try container.decode(AssistantMessage.self, forKey: .message)
            finishReason = container.lenientString(.finishReason)
        }
    }
}

/// A complete (non-streamed, or collected) chat answer.
///
/// Decodes both shapes the service sends: wrapped in `{"response": {…}}` and bare
/// (`"object": "chat.completion"`).
public struct ChatCompletion: Decodable, Hashable, Sendable {
    /// The completion's id, when sent.
    public var id: String?
    /// `chat.completion`, when sent.
    public var object: String?
    /// The model that answered.
    public var model: String?
    /// When the answer was created.
    public var created: Date?
    /// The answers (usually one).
    public var choices: [Choice]
    /// Token counts, when sent.
    public var usage: Usage?
    /// The members of the answer the client does not model, e.g. LLMaaS's `backend`.
    public var unmodeledFields = UnmodeledFields()

    /// The first choice's text, or `""` when there is none.
    public var text: String { choices.first?.message.content ?? "" }

    /// A completion with the given values.
    public init(id: String?, object: String? = "chat.completion", model: String?, created: Date?, choices: [Choice], usage: Usage?) {
        self.id = id
        self.object = object
        self.model = model
        self.created = created
        self.choices = choices
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case response, id, object, model, created, choices, usage }

    /// Decodes a wrapped or bare completion. Throws when neither `response` nor `choices` is present.
    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: CodingKeys.self)
        let container = outer.contains(.response) ? try outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .response) : outer
        guard container.contains(.choices) else {
            throw DecodingError.keyNotFound(
                CodingKeys.choices,
                .init(codingPath: container.codingPath, debugDescription: "a chat completion needs \"choices\"")
            )
        }
        id = container.lenientString(.id)
        object = container.lenientString(.object)
        model = container.lenientString(.model)
        created = container.lenientDate(.created)
        choices = try container.decode([Choice].self, forKey: .choices)
        usage = try? container.decodeIfPresent(Usage.self, forKey: .usage)
        let all =
            outer.contains(.response)
            ? try decoder.container(keyedBy: AnyCodingKey.self).nestedContainer(
                keyedBy: AnyCodingKey.self,
                forKey: AnyCodingKey("response")
            )
            : try decoder.container(keyedBy: AnyCodingKey.self)
        unmodeledFields.keepUnmodeled(of: all, modeled: Self.modeledNames)
    }

    /// The members a completion object models.
    static let modeledNames: Set<String> = ["id", "object", "model", "created", "choices", "usage"]
}
