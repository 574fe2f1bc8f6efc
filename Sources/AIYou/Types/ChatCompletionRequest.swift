/// A chat completion request (`POST /api/v1/chat/completions`).
///
/// Either ``assistantID`` or ``model`` selects what answers. Unset optional fields are left out of
/// the JSON entirely (never sent as `null` or `""`). Whether the answer is streamed is chosen by
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
        form: String? = nil
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
    }

    /// Refuses requests the service would reject, naming the field.
    func validate() throws(AIYouError) {
        if messages.isEmpty {
            throw .invalidRequest("chat completion: messages must not be empty")
        }
        for (index, message) in messages.enumerated() {
            if message.content.isEmpty {
                throw .invalidRequest("chat completion: messages[\(index)] has no content parts")
            }
            if message.role.rawValue.isEmpty {
                throw .invalidRequest("chat completion: messages[\(index)] has an empty role")
            }
        }
        if assistantID.isBlank && model.isBlank {
            throw .invalidRequest("chat completion: set assistantID or model to choose what answers")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw .invalidRequest("chat completion: temperature must be within 0…2 (got \(temperature))")
        }
        if let topP, !(0...1).contains(topP) {
            throw .invalidRequest("chat completion: topP must be within 0…1 (got \(topP))")
        }
        if let maxTokens, maxTokens < 1 {
            throw .invalidRequest("chat completion: maxTokens must be at least 1 (got \(maxTokens))")
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
