/// A chat completion request (`POST /api/v1/chat/completions` on AI.YOU,
/// `POST /v1/chat/completions` on LLMaaS).
///
/// On AI.YOU, ``assistantID`` or ``model`` selects what answers; ``systemPrompt``, ``threadID``
/// and ``form`` are AI.YOU's. On LLMaaS, ``model`` is required, and ``tools``, ``toolChoice``,
/// the penalties, ``user`` and ``responseFormat`` are available; ``systemPrompt`` is sent as a leading `system`
/// message. A field the configured service does not have fails with
/// ``AIYouError/Code/unsupported`` before sending. Unset optional fields are left out of the JSON
/// entirely (never sent as `null` or `""`). Whether the answer is streamed is chosen by
/// the method you call (``AIYouClient/chatCompletion(_:options:)`` or
/// ``AIYouClient/chatCompletionStream(_:options:)``), not by this value.
public struct ChatCompletionRequest: Sendable, Hashable, Encodable {
    /// The conversation so far; at least one message.
    public var messages: [ChatMessage]
    /// The assistant that answers (`assistantId`).
    public var assistantID: String?
    /// The model that answers, when no assistant is given.
    public var model: String?
    /// Sampling temperature, 0…2.
    public var temperature: Double?
    /// Nucleus sampling, 0…1 (`top_p`).
    public var topP: Double?
    /// A system prompt (`promptSystem`).
    public var systemPrompt: String?
    /// Stop sequences.
    public var stop: [String]?
    /// Continue an existing thread (`threadId`).
    public var threadID: String?
    /// Maximum tokens to generate (`max_tokens`), at least 1.
    public var maxTokens: Int?
    /// An output format hint (`form`).
    public var form: String?
    /// Penalises tokens already present, −2…2 (`presence_penalty`; LLMaaS).
    public var presencePenalty: Double?
    /// Penalises tokens by how often they appeared, −2…2 (`frequency_penalty`; LLMaaS).
    public var frequencyPenalty: Double?
    /// An id of your end user, for abuse monitoring (`user`; LLMaaS).
    public var user: String?
    /// Functions the model may call (LLMaaS); see ``AIYouClient/runTools(_:tools:limits:options:)``.
    public var tools: [ToolDefinition]
    /// Whether and which tool the model must call (`tool_choice`; LLMaaS). Needs ``tools``.
    public var toolChoice: ToolChoice?
    /// The shape the answer must have (`response_format`; LLMaaS): ``ResponseFormat/jsonObject``
    /// or a JSON Schema. ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` sets it
    /// and decodes the answer.
    public var responseFormat: ResponseFormat?

    /// Set by the client: `true` on the streaming path.
    var stream: Bool?

    /// A request; pass `assistantID` or `model`.
    public init(
        messages: [ChatMessage],
        assistantID: String? = nil,
        model: String? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        systemPrompt: String? = nil,
        stop: [String]? = nil,
        threadID: String? = nil,
        maxTokens: Int? = nil,
        form: String? = nil,
        presencePenalty: Double? = nil,
        frequencyPenalty: Double? = nil,
        user: String? = nil,
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice? = nil,
        responseFormat: ResponseFormat? = nil
    ) {
        self.messages = messages
        self.assistantID = assistantID
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.systemPrompt = systemPrompt
        self.stop = stop
        self.threadID = threadID
        self.maxTokens = maxTokens
        self.form = form
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.user = user
        self.tools = tools
        self.toolChoice = toolChoice
        self.responseFormat = responseFormat
    }

    private enum CodingKeys: String, CodingKey {
        case messages
        case assistantID = "assistantId"
        case model, temperature
        case topP = "top_p"
        case systemPrompt = "promptSystem"
        case stream, stop
        case threadID = "threadId"
        case maxTokens = "max_tokens"
        case form
        case presencePenalty = "presence_penalty"
        case frequencyPenalty = "frequency_penalty"
        case user, tools
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
    }

    /// Encodes only the fields that are set and non-empty.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messages, forKey: .messages)
        try container.encodeNonEmpty(assistantID, forKey: .assistantID)
        try container.encodeNonEmpty(model, forKey: .model)
        try container.encodeIfPresent(temperature, forKey: .temperature)
        try container.encodeIfPresent(topP, forKey: .topP)
        try container.encodeNonEmpty(systemPrompt, forKey: .systemPrompt)
        try container.encodeIfPresent(stream, forKey: .stream)
        if let stop, !stop.isEmpty { try container.encode(stop, forKey: .stop) }
        try container.encodeNonEmpty(threadID, forKey: .threadID)
        try container.encodeIfPresent(maxTokens, forKey: .maxTokens)
        try container.encodeNonEmpty(form, forKey: .form)
        try container.encodeIfPresent(presencePenalty, forKey: .presencePenalty)
        try container.encodeIfPresent(frequencyPenalty, forKey: .frequencyPenalty)
        try container.encodeNonEmpty(user, forKey: .user)
        if !tools.isEmpty {
            try container.encode(JSONValue.array(tools.map(\.jsonValue)), forKey: .tools)
        }
        if let toolChoice { try container.encode(toolChoice.jsonValue, forKey: .toolChoice) }
        if let responseFormat { try container.encode(responseFormat.jsonValue, forKey: .responseFormat) }
    }

    /// Refuses requests `api` would reject, naming the field (and `operation`, the call that
    /// would have sent it).
    func validate(for api: ServiceAPI, operation: AIYouOperation? = nil) throws(AIYouError) {
        do {
            switch api.dialect {
            case .aiyou: try validateForAIYou()
            case .llmaas: try validateForLLMaaS()
            }
            try validateCommon()
        } catch {
            throw error.naming(operation)
        }
    }

    /// The first set field that only LLMaaS has (checked on every AI.YOU call: no allocation).
    private var llmaasOnlyField: String? {
        if !tools.isEmpty { return "tools" }
        if toolChoice != nil { return "toolChoice" }
        if presencePenalty != nil { return "presencePenalty" }
        if frequencyPenalty != nil { return "frequencyPenalty" }
        if user != nil { return "user" }
        if responseFormat != nil { return "responseFormat" }
        return nil
    }

    private func validateForAIYou() throws(AIYouError) {
        if let field = llmaasOnlyField {
            throw AIYouError(
                .unsupported,
                "\(field) is not offered by AI.YOU; it is available with configuration.api = .llmaas"
            )
        }
        for (index, message) in messages.enumerated() where message.role == .tool || !message.toolCalls.isEmpty {
            throw AIYouError(.unsupported, "messages[\(index)] carries tool calls or results, which AI.YOU does not offer")
        }
        if assistantID.isBlank && model.isBlank {
            throw .invalidRequest("set assistantID or model to choose what answers")
        }
    }

    private func validateForLLMaaS() throws(AIYouError) {
        let aiyouOnly: String? = assistantID != nil ? "assistantID" : threadID != nil ? "threadID" : form != nil ? "form" : nil
        if let field = aiyouOnly {
            throw AIYouError(
                .unsupported,
                "\(field) is not offered by LLMaaS; it is available with configuration.api = .aiyou"
            )
        }
        if model.isBlank { throw .invalidRequest("LLMaaS needs a model") }
        if let presencePenalty, !(-2...2).contains(presencePenalty) {
            throw .invalidRequest("presencePenalty must be within -2…2 (got \(presencePenalty))")
        }
        if let frequencyPenalty, !(-2...2).contains(frequencyPenalty) {
            throw .invalidRequest("frequencyPenalty must be within -2…2 (got \(frequencyPenalty))")
        }
        var names: Set<String> = []
        for (index, tool) in tools.enumerated() {
            if let problem = tool.nameProblem {
                throw .invalidRequest(
                    "tools[\(index)] name \"\(SafeText.escapingControlCharacters(tool.name, keepingLineBreaks: false))\" \(problem)"
                )
            }
            if !names.insert(tool.name).inserted {
                throw .invalidRequest("the tool name \"\(tool.name)\" is used twice")
            }
        }
        if let problem = responseFormat?.problem {
            throw .invalidRequest("responseFormat: \(problem)")
        }
        if let toolChoice {
            if tools.isEmpty, toolChoice != .disabled { throw .invalidRequest("toolChoice \(toolChoice) needs tools") }
            if case .function(let name) = toolChoice.storage, !names.contains(name) {
                throw .invalidRequest(
                    "toolChoice names \"\(SafeText.escapingControlCharacters(name, keepingLineBreaks: false))\", which is not among the tools"
                )
            }
        }
        for (index, message) in messages.enumerated() {
            if message.role == .tool, message.toolCallID.isBlank {
                throw .invalidRequest("messages[\(index)] is a tool result without the id of the call it answers")
            }
            for part in message.content where part.type == .image {
                let url = part.text
                guard url.hasPrefix("https://") || url.hasPrefix("http://") || url.hasPrefix("data:") else {
                    throw .invalidRequest("messages[\(index)] has an image whose URL is neither http(s) nor a data: URI")
                }
            }
        }
    }

    private func validateCommon() throws(AIYouError) {
        if messages.isEmpty {
            throw .invalidRequest("messages must not be empty")
        }
        for (index, message) in messages.enumerated() {
            if message.content.isEmpty, message.toolCalls.isEmpty {
                throw .invalidRequest("messages[\(index)] has no content parts")
            }
            if message.role.rawValue.isEmpty {
                throw .invalidRequest("messages[\(index)] has an empty role")
            }
        }
        if let temperature, !(0...2).contains(temperature) {
            throw .invalidRequest("temperature must be within 0…2 (got \(temperature))")
        }
        if let topP, !(0...1).contains(topP) {
            throw .invalidRequest("topP must be within 0…1 (got \(topP))")
        }
        if let maxTokens, maxTokens < 1 {
            throw .invalidRequest("maxTokens must be at least 1 (got \(maxTokens))")
        }
    }
}

extension Optional where Wrapped == String {
    /// `true` for `nil`, `""` and whitespace-only strings.
    var isBlank: Bool {
        switch self {
        case .none: true
        case .some(let value): value.allSatisfy(\.isWhitespace)
        }
    }
}

extension KeyedEncodingContainer {
    /// Encodes a string only when it is present and not empty.
    mutating func encodeNonEmpty(_ value: String?, forKey key: Key) throws {
        if let value, !value.isEmpty { try encode(value, forKey: key) }
    }
}
