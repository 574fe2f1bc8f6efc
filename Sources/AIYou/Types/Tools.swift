import Foundation

/// A function the model may call: its name, what it does, and a JSON Schema of its arguments.
/// Sent in ``ChatCompletionRequest/tools`` (LLMaaS only).
public struct ToolDefinition: Sendable, Hashable {
    /// The function's name: 1 to 64 letters, digits, `_` or `-`.
    public var name: String
    /// What the function does, for the model to decide when to call it.
    public var description: String?
    /// The arguments' schema, usually ``JSONSchema/object(properties:required:description:allowsAdditionalProperties:)``.
    public var parameters: JSONSchema?

    /// A function tool.
    public init(name: String, description: String? = nil, parameters: JSONSchema? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    /// A function tool (the same as ``init(name:description:parameters:)``).
    public static func function(_ name: String, description: String? = nil, parameters: JSONSchema? = nil) -> ToolDefinition {
        ToolDefinition(name: name, description: description, parameters: parameters)
    }

    /// What makes the name unusable, or `nil`.
    var nameProblem: String? {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count) else { return "must be 1 to 64 characters long" }
        let allowed = bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        return allowed ? nil : "may only hold letters, digits, \"_\" and \"-\""
    }
}

/// Whether and which tool the model must call (`tool_choice`).
public struct ToolChoice: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case mode(String)
        case function(String)
    }

    let storage: Storage

    /// The model decides (the service's default when tools are given).
    public static let auto = ToolChoice(storage: .mode("auto"))
    /// The model must not call a tool (`"none"` on the wire; named so that it cannot be confused
    /// with `Optional.none`, which leaves `tool_choice` out).
    public static let disabled = ToolChoice(storage: .mode("none"))
    /// The model must call at least one tool.
    public static let required = ToolChoice(storage: .mode("required"))
    /// The model must call the function `name`, which must be among the request's tools.
    public static func function(_ name: String) -> ToolChoice { ToolChoice(storage: .function(name)) }

    /// `auto`, `none` (``disabled``), `required` or `function(name)`.
    public var description: String {
        switch storage {
        case .mode(let mode): mode
        case .function(let name): "function(\(name))"
        }
    }

    func write(to writer: inout JSONWriter) {
        switch storage {
        case .mode(let mode):
            writer.field("tool_choice", mode)
        case .function(let name):
            writer.key("tool_choice")
            writer.beginObject()
            writer.field("type", "function")
            writer.key("function")
            writer.beginObject()
            writer.field("name", name)
            writer.endObject()
            writer.endObject()
        }
    }
}

/// A call of a tool the model asked for: the function's name and its arguments as JSON text.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The ``type`` of a call whose type the server did not say.
    static let defaultType = "function"

    /// The call's id; the ``ChatMessage/toolResult(_:for:)`` answering it carries the same id.
    public var id: String
    /// `function`.
    public var type: String
    /// The function to call.
    public var name: String
    /// The arguments as JSON text (usually an object), exactly as the model wrote them. The model
    /// may write invalid JSON: read them with ``decodeArguments(as:)`` or ``argumentsJSON()``,
    /// which throw in that case.
    public var arguments: String

    /// A call with the given values.
    public init(id: String, type: String = "function", name: String, arguments: String) {
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
    }

    /// The arguments decoded as `Arguments`.
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/decoding`` naming the tool when they
    ///   are not valid JSON of that shape.
    public func decodeArguments<Arguments: Decodable>(as type: Arguments.Type = Arguments.self) throws(AIYouError) -> Arguments {
        do {
            return try JSONCoding.decode(Arguments.self, from: arguments.isEmpty ? "{}" : arguments)
        } catch {
            throw AIYouError(
                .decoding,
                "tool \(SafeText.escapingControlCharacters(name, keepingLineBreaks: false)): the arguments are not a valid \(Arguments.self) (\(ErrorMapping.describe(error)))",
                underlying: error
            )
        }
    }

    /// The arguments as a ``JSONValue`` (`{}` when the model sent none).
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/decoding`` when they are not JSON.
    public func argumentsJSON() throws(AIYouError) -> JSONValue {
        try decodeArguments(as: JSONValue.self)
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, type, function }
    enum FunctionKeys: String, CodingKey, CaseIterable { case name, arguments }

    /// Decodes `{"id", "type", "function": {"name", "arguments"}}`. Arguments sent as a JSON
    /// object (as some backends do) instead of a string are kept as that object's JSON text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = container.lenientString(.id) ?? ""
        type = container.lenientString(.type) ?? "function"
        let function = try? container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        name = function?.lenientString(.name) ?? ""
        arguments = function.map(Self.arguments(in:)) ?? ""
    }

    /// `arguments` as a string, or a JSON value re-encoded as text, or `""`.
    static func arguments(in container: KeyedDecodingContainer<FunctionKeys>) -> String {
        if let text = try? container.decode(String.self, forKey: .arguments) { return text }
        if let value = try? container.decode(JSONValue.self, forKey: .arguments), value != .null { return value.jsonString }
        return ""
    }

    /// Encodes `{"id", "type", "function": {"name", "arguments"}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encode(arguments, forKey: .arguments)
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", id)
        writer.field("type", type)
        writer.key("function")
        writer.beginObject()
        writer.field("name", name)
        writer.field("arguments", arguments)
        writer.endObject()
        writer.endObject()
    }
}

extension ToolDefinition {
    /// `{"type": "function", "function": {"name", "description"?, "parameters"?}}`.
    var jsonValue: JSONValue {
        var function: [String: JSONValue] = ["name": .string(name)]
        function["description"] = description.map(JSONValue.string)
        function["parameters"] = parameters?.value
        return ["type": "function", "function": .object(function)]
    }
}

extension ToolChoice {
    /// `"auto"`, `"none"`, `"required"` or `{"type": "function", "function": {"name"}}`.
    var jsonValue: JSONValue {
        switch storage {
        case .mode(let mode): .string(mode)
        case .function(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
