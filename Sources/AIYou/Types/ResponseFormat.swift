/// What shape the model must give its answer (`response_format`; LLMaaS and other
/// OpenAI-compatible servers).
///
/// ```swift
/// var request = ChatCompletionRequest(messages: [.text("Three French cities, as JSON")], model: "gpt-oss:120b")
/// request.responseFormat = .jsonObject
/// ```
/// ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` sets
/// ``jsonSchema(_:name:strict:description:)`` itself and decodes the answer. Whether a server
/// honours the field depends on its engine: vLLM constrains the generation to the schema, others
/// accept it and only ask nicely, some refuse it (then use ``StructuredAnswerMode/instruction``).
public struct ResponseFormat: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case text
        case jsonObject
        case jsonSchema(name: String, schema: JSONSchema, strict: Bool, description: String?)
    }

    let storage: Storage

    /// Free text (`{"type":"text"}`, the servers' default).
    public static let text = ResponseFormat(storage: .text)

    /// Some JSON object, of no particular shape (`{"type":"json_object"}`). Servers expect the
    /// prompt to ask for JSON as well.
    public static let jsonObject = ResponseFormat(storage: .jsonObject)

    /// A JSON value matching `schema`:
    /// `{"type":"json_schema","json_schema":{"name":…,"schema":…,"strict":…}}`.
    ///
    /// - Parameters:
    ///   - schema: The schema the answer must match.
    ///   - name: The schema's name: 1 to 64 letters, digits, `_` or `-` (checked before sending).
    ///   - strict: Asks the server to follow the schema exactly (OpenAI's strict mode, which
    ///     wants every property `required` and `additionalProperties: false`; vLLM always
    ///     constrains to the schema).
    ///   - description: What the answer is for, when the name does not say it.
    public static func jsonSchema(_ schema: JSONSchema, name: String, strict: Bool = true, description: String? = nil) -> ResponseFormat {
        ResponseFormat(storage: .jsonSchema(name: name, schema: schema, strict: strict, description: description))
    }

    /// `text`, `json_object` or `json_schema(name)`.
    public var description: String {
        switch storage {
        case .text: "text"
        case .jsonObject: "json_object"
        case .jsonSchema(let name, _, _, _): "json_schema(\(name))"
        }
    }

    /// The `response_format` object.
    var jsonValue: JSONValue {
        switch storage {
        case .text:
            return ["type": "text"]
        case .jsonObject:
            return ["type": "json_object"]
        case .jsonSchema(let name, let schema, let strict, let description):
            var members: [String: JSONValue] = ["name": .string(name), "schema": schema.value, "strict": .bool(strict)]
            members["description"] = description.map(JSONValue.string)
            return ["type": "json_schema", "json_schema": .object(members)]
        }
    }

    /// What makes the format unusable (a schema name that servers refuse), or `nil`.
    var problem: String? {
        guard case .jsonSchema(let name, _, _, _) = storage else { return nil }
        return ToolDefinition(name: name).nameProblem.map {
            "the schema name \"\(SafeText.escapingControlCharacters(name, keepingLineBreaks: false))\" \($0)"
        }
    }
}
