import Foundation

/// An LLMaaS chat request, checked: what the answer depends on.
struct LLMaaSChatRequest: Sendable {
    /// How the request lets the model use its tools.
    enum ToolChoice: Sendable, Equatable {
        case none
        case auto
        case required
        case function(String)
    }

    /// One message: its role and the text of its content.
    struct Message: Sendable {
        var role: String
        /// The `content` string, or the text parts joined by a space; empty for `null`.
        var text: String
    }

    /// The JSON a request asks for.
    enum Structure: Sendable {
        /// Free text.
        case text
        /// Some JSON object (`response_format` `json_object`).
        case jsonObject
        /// A value matching this JSON Schema (`response_format` `json_schema`, or an
        /// instruction in a system message).
        case schema(JSONValue)

        var isSchema: Bool {
            if case .schema = self { true } else { false }
        }
    }

    /// The roles a message may have.
    static let roles: Set<String> = ["system", "user", "assistant", "tool"]

    /// The model as requested (id or alias).
    var model: String
    var messages: [Message]
    var stream: Bool
    /// `stream_options.include_usage`: the stream ends with the usage.
    var includeUsage: Bool
    /// Whether the body has a `stream_options` member at all.
    var hasStreamOptions: Bool
    var maxTokens: Int?
    /// The names of the declared tools, in order.
    var tools: [String]
    var toolChoice: ToolChoice
    /// What `response_format` (or, when it asks for no schema, a JSON Schema instruction in a
    /// system message) asks for.
    var structure: Structure
    /// The request without `stream` and `stream_options`, as canonical JSON text (keys sorted):
    /// the same for the streamed and the non-streamed form of a request.
    var canonicalText: String

    /// The text of the last `user` message, empty when there is none.
    var lastUserText: String {
        self.messages.last { $0.role == "user" }?.text ?? ""
    }

    /// Checks a request body.
    ///
    /// - Throws: 400 for a body that is not an object, a missing `model`, a `messages` that is
    ///   not a non-empty array of valid messages (param `messages`), a sampling parameter out of
    ///   range (param named after it), malformed `tools` or `tool_choice`; 404 for an unknown
    ///   model; 400 for a model that does not chat.
    init(_ body: JSONValue?) throws(LLMaaSRequestError) {
        let body = try LLMaaSFields.object(body)
        self.model = try LLMaaSFields.model(in: body, purpose: "chat completions") { $0 == .chat ? true : nil }.requested

        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else {
            throw .invalid("'messages' must be a non-empty array.", param: "messages")
        }
        var checked: [Message] = []
        checked.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            checked.append(try Self.message(message, at: index))
        }
        self.messages = checked

        _ = try LLMaaSFields.number("temperature", in: body, range: 0...2)
        _ = try LLMaaSFields.number("top_p", in: body, range: 0...1)
        _ = try LLMaaSFields.number("presence_penalty", in: body, range: -2...2)
        _ = try LLMaaSFields.number("frequency_penalty", in: body, range: -2...2)
        self.maxTokens = try LLMaaSFields.integer("max_tokens", in: body, minimum: 1)
        self.stream = try LLMaaSFields.bool("stream", in: body) ?? false
        (self.hasStreamOptions, self.includeUsage) = try Self.streamOptions(body["stream_options"], stream: self.stream)

        self.tools = try Self.toolNames(body["tools"])
        self.toolChoice = try Self.toolChoice(body["tool_choice"], tools: self.tools)
        self.structure = try Self.structure(body["response_format"])
        if !self.structure.isSchema,
            let schema = checked.lazy.filter({ $0.role == "system" }).compactMap({ SchemaAnswer.schema(inInstruction: $0.text) }).first
        {
            self.structure = .schema(schema)
        }

        let members = body.objectMembers ?? []
        self.canonicalText = JSONValue.object(members.filter { $0.key != "stream" && $0.key != "stream_options" }).serialized
    }

    private static func message(_ message: JSONValue, at index: Int) throws(LLMaaSRequestError) -> Message {
        let name = "messages[\(index)]"
        guard message.objectMembers != nil else { throw .invalid("\(name) must be an object.", param: "messages") }
        guard let role = message["role"]?.stringValue, Self.roles.contains(role) else {
            throw .invalid("\(name).role must be one of system, user, assistant, tool.", param: "messages")
        }
        if role == "tool" {
            guard let id = message["tool_call_id"]?.stringValue, !id.isEmpty else {
                throw .invalid("\(name).tool_call_id is required for a tool message.", param: "messages")
            }
        }
        switch message["content"] {
        case nil, .null?:
            guard role == "assistant" else { throw .invalid("\(name).content is required.", param: "messages") }
            return Message(role: role, text: "")
        case .string(let text)?:
            return Message(role: role, text: text)
        case .array(let parts)?:
            var texts: [String] = []
            for (partIndex, part) in parts.enumerated() {
                if let text = try Self.part(part, name: "\(name).content[\(partIndex)]") {
                    texts.append(text)
                }
            }
            return Message(role: role, text: texts.joined(separator: " "))
        default:
            throw .invalid("\(name).content must be a string, an array of parts or null.", param: "messages")
        }
    }

    /// The text of a text part, `nil` for a valid image part.
    private static func part(_ part: JSONValue, name: String) throws(LLMaaSRequestError) -> String? {
        switch part["type"]?.stringValue {
        case "text":
            guard let text = part["text"]?.stringValue else { throw .invalid("\(name).text must be a string.", param: "messages") }
            return text
        case "image_url":
            guard let url = part["image_url"]?["url"]?.stringValue, Self.isValidImageURL(url) else {
                throw .invalid("\(name).image_url.url must be an https URL or a base64 data URI.", param: "messages")
            }
            return nil
        case "image":
            guard let url = part["image"]?.stringValue, Self.isValidImageURL(url) else {
                throw .invalid("\(name).image must be an https URL or a base64 data URI.", param: "messages")
            }
            return nil
        case let type?:
            throw .invalid("\(name).type '\(type)' is not supported.", param: "messages")
        case nil:
            throw .invalid("\(name).type is required.", param: "messages")
        }
    }

    /// Whether `url` is `https://…` or `data:<mime>;base64,<valid base64>`.
    static func isValidImageURL(_ url: String) -> Bool {
        if url.hasPrefix("https://") { return url.utf8.count > "https://".utf8.count }
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return false }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return false }
        let mime = header.dropLast(";base64".count)
        guard mime.contains("/"), !mime.hasPrefix("/"), !mime.hasSuffix("/") else { return false }
        let payload = url[url.index(after: comma)...]
        return !payload.isEmpty && Data(base64Encoded: String(payload)) != nil
    }

    /// Whether `stream_options` is there and what it says of usage; refused unless streaming.
    private static func streamOptions(_ value: JSONValue?, stream: Bool) throws(LLMaaSRequestError) -> (present: Bool, includeUsage: Bool) {
        switch value {
        case nil, .null?:
            return (false, false)
        case let options? where options.objectMembers != nil:
            guard stream else {
                throw .invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options")
            }
            switch options["include_usage"] {
            case nil, .null?: return (true, false)
            case .bool(let include)?: return (true, include)
            default: throw .invalid("'stream_options.include_usage' must be a boolean.", param: "stream_options")
            }
        default:
            throw .invalid("'stream_options' must be an object.", param: "stream_options")
        }
    }

    /// `response_format`: absent, `null` or `{"type":"text"}`; `{"type":"json_object"}`; or
    /// `{"type":"json_schema","json_schema":{"name":…,"schema":{…}}}`.
    private static func structure(_ value: JSONValue?) throws(LLMaaSRequestError) -> Structure {
        guard let value else { return .text }
        if case .null = value { return .text }
        switch value["type"]?.stringValue {
        case "text"?:
            return .text
        case "json_object"?:
            return .jsonObject
        case "json_schema"?:
            guard let name = value["json_schema"]?["name"]?.stringValue, !name.isEmpty else {
                throw .invalid("'response_format.json_schema.name' must be a non-empty string.", param: "response_format")
            }
            guard let schema = value["json_schema"]?["schema"], schema.objectMembers != nil else {
                throw .invalid("'response_format.json_schema.schema' must be an object.", param: "response_format")
            }
            return .schema(schema)
        default:
            throw .invalid("'response_format.type' must be \"text\", \"json_object\" or \"json_schema\".", param: "response_format")
        }
    }

    private static func toolNames(_ value: JSONValue?) throws(LLMaaSRequestError) -> [String] {
        switch value {
        case nil, .null?:
            return []
        case .array(let tools)?:
            var names: [String] = []
            for (index, tool) in tools.enumerated() {
                guard tool["type"]?.stringValue == "function", let name = tool["function"]?["name"]?.stringValue, !name.isEmpty else {
                    throw .invalid("tools[\(index)] must be {\"type\":\"function\",\"function\":{\"name\":…}}.", param: "tools")
                }
                names.append(name)
            }
            return names
        default:
            throw .invalid("'tools' must be an array.", param: "tools")
        }
    }

    private static func toolChoice(_ value: JSONValue?, tools: [String]) throws(LLMaaSRequestError) -> ToolChoice {
        let choice: ToolChoice
        switch value {
        case nil, .null?, .string("auto")?: return .auto
        case .string("none")?: return .none
        case .string("required")?: choice = .required
        case let object? where object["type"]?.stringValue == "function":
            guard let name = object["function"]?["name"]?.stringValue, !name.isEmpty else {
                throw .invalid("'tool_choice' must name a function.", param: "tool_choice")
            }
            guard tools.contains(name) else {
                throw .invalid("'tool_choice' names '\(name)', which is not among the tools.", param: "tool_choice")
            }
            choice = .function(name)
        default:
            throw .invalid("'tool_choice' must be \"none\", \"auto\", \"required\" or a function.", param: "tool_choice")
        }
        guard !tools.isEmpty else { throw .invalid("'tool_choice' needs 'tools'.", param: "tool_choice") }
        return choice
    }
}
