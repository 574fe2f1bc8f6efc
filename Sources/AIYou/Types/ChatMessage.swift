/// Who wrote a message: `user`, `assistant`, `system`, or any role the service adds later.
public struct ChatRole: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The role as sent on the wire.
    public var rawValue: String
    /// Wraps a wire value.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal, e.g. `"tool"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The person asking.
    public static let user = ChatRole(rawValue: "user")
    /// The model answering.
    public static let assistant = ChatRole(rawValue: "assistant")
    /// Instructions that frame the conversation.
    public static let system = ChatRole(rawValue: "system")
    /// The result of a tool the model called (LLMaaS); see ``ChatMessage/toolResult(_:for:)``.
    public static let tool = ChatRole(rawValue: "tool")

    /// The wire value.
    public var description: String { rawValue }
}

/// One part of a message's content: text, or an image given by URL.
public struct ContentPart: Codable, Hashable, Sendable {
    /// The kind of a content part (`text` or `image`).
    public struct Kind: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// The kind as sent on the wire.
        public var rawValue: String
        /// Wraps a wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Plain text.
        public static let text = Kind(rawValue: "text")
        /// An image; its URL travels in ``ContentPart/text``.
        public static let image = Kind(rawValue: "image")
        /// The wire value.
        public var description: String { rawValue }
    }

    /// `text` or `image`.
    public var type: Kind
    /// The text, or for an image its URL (that is how the service expects it).
    public var text: String

    /// A part of the given kind.
    public init(type: Kind, text: String) {
        self.type = type
        self.text = text
    }

    /// A text part.
    public static func text(_ text: String) -> ContentPart { ContentPart(type: .text, text: text) }
    /// An image part, by URL (https or `data:` URL).
    public static func image(url: String) -> ContentPart { ContentPart(type: .image, text: url) }

    private enum CodingKeys: String, CodingKey {
        case type, text
        case imageURL = "image_url"
        case url
    }

    /// Decodes `{type, text}`; also accepts OpenAI-style `{"type":"image_url","image_url":{"url":…}}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = container.lenientString(.type) ?? "text"
        self.type = Kind(rawValue: type == "image_url" ? "image" : type)
        if let text = container.lenientString(.text) {
            self.text = text
        } else if let nested = try? container.nestedContainer(keyedBy: CodingKeys.self, forKey: .imageURL),
            let url = nested.lenientString(.url)
        {
            self.text = url
        } else {
            self.text = container.lenientString(.imageURL) ?? ""
        }
    }

    /// Encodes `{"type": …, "text": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type.rawValue, forKey: .type)
        try container.encode(text, forKey: .text)
    }
}

/// A message in a conversation: a role and one or more content parts; on LLMaaS also the tool
/// calls of an assistant turn, or the call a tool result answers.
///
/// ```swift
/// let question = ChatMessage.text("Bonjour")
/// let withImage = ChatMessage.image(url: "https://example.com/cat.png", caption: "What is this?")
/// let built = ChatMessage.builder().text("Compare").image(url: a).image(url: b).build()
/// ```
public struct ChatMessage: Codable, Hashable, Sendable {
    /// Who wrote it.
    public var role: ChatRole
    /// What it says, in order.
    public var content: [ContentPart]
    /// The tools an assistant turn called (LLMaaS); empty otherwise.
    public var toolCalls: [ToolCall]
    /// For a ``ChatRole/tool`` message: the id of the call it answers.
    public var toolCallID: String?

    /// A message from `role` with the given parts (and, on LLMaaS, tool calls or the id of the
    /// call a tool result answers).
    public init(role: ChatRole, content: [ContentPart], toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// The model's answer as a message of the conversation, to send back with the next request
    /// (its text, and its tool calls when it made any).
    public init(_ answer: AssistantMessage) {
        self.init(role: answer.role, content: answer.content.isEmpty ? [] : [.text(answer.content)], toolCalls: answer.toolCalls)
    }

    /// The result of a tool call, sent back to the model as a ``ChatRole/tool`` message (LLMaaS).
    public static func toolResult(_ result: String, for call: ToolCall) -> ChatMessage {
        toolResult(result, callID: call.id)
    }

    /// The result of the tool call `callID`, sent back to the model as a ``ChatRole/tool`` message.
    public static func toolResult(_ result: String, callID: String) -> ChatMessage {
        ChatMessage(role: .tool, content: [.text(result)], toolCallID: callID)
    }

    /// A text message (Go: `NewTextMessage`).
    public static func text(_ text: String, role: ChatRole = .user) -> ChatMessage {
        ChatMessage(role: role, content: [.text(text)])
    }

    /// An image message, optionally with a caption before the image (Go: `NewImageMessage`).
    public static func image(url: String, caption: String? = nil, role: ChatRole = .user) -> ChatMessage {
        var parts: [ContentPart] = []
        if let caption, !caption.isEmpty { parts.append(.text(caption)) }
        parts.append(.image(url: url))
        return ChatMessage(role: role, content: parts)
    }

    /// A builder for a multi-part message (Go: `NewMessageBuilder`).
    public static func builder(role: ChatRole = .user) -> ChatMessageBuilder {
        ChatMessageBuilder(role: role)
    }

    /// The text parts joined together (images left out).
    public var text: String {
        var result = ""
        for part in content where part.type == .text { result += part.text }
        return result
    }

    private enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    /// Decodes `content` given as an array of parts, a plain string or null, and the tool fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = ChatRole(rawValue: container.lenientString(.role) ?? "assistant")
        if let text = try? container.decode(String.self, forKey: .content) {
            content = [.text(text)]
        } else {
            content = container.lenientArray(.content)
        }
        toolCalls = container.lenientArray(.toolCalls)
        toolCallID = container.lenientString(.toolCallID)
    }

    /// Encodes `{"role": …, "content": [parts]}`, plus `tool_calls` and `tool_call_id` when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
        if !toolCalls.isEmpty { try container.encode(toolCalls, forKey: .toolCalls) }
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
    }
}

/// Builds a multi-part ``ChatMessage`` step by step. Each call returns a new builder, so a
/// partially built message can be reused.
public struct ChatMessageBuilder: Sendable {
    private var role: ChatRole
    private var parts: [ContentPart] = []

    /// A builder for a message from `role`.
    public init(role: ChatRole = .user) { self.role = role }

    /// Appends a text part.
    public func text(_ text: String) -> ChatMessageBuilder {
        var copy = self
        copy.parts.append(.text(text))
        return copy
    }

    /// Appends an image part.
    public func image(url: String) -> ChatMessageBuilder {
        var copy = self
        copy.parts.append(.image(url: url))
        return copy
    }

    /// Changes the role.
    public func role(_ role: ChatRole) -> ChatMessageBuilder {
        var copy = self
        copy.role = role
        return copy
    }

    /// The message built so far.
    public func build() -> ChatMessage { ChatMessage(role: role, content: parts) }
}
