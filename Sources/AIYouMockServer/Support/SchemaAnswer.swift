import Foundation

/// The JSON answers of the chat routes to requests that ask for JSON: a value made up from a JSON
/// Schema, and the schema an instruction in a system prompt carries.
enum SchemaAnswer {
    /// The deepest schema nesting followed; deeper values are `null`.
    static let maxDepth = 16
    /// The most items of a generated array.
    static let maxArrayItems = 3
    /// The answer to a `json_object` request: `{"answer": <the route's text answer>}`.
    static func jsonObject(text: String) -> JSONValue { ["answer": .string(text)] }

    /// A value that matches `schema`, the same every time:
    ///
    /// - `const` is its value; `enum` its first value; `anyOf`, `oneOf` and `allOf` their first schema.
    /// - `type` (the first that is not `"null"` when it is a list; `object` when absent but
    ///   `properties` is there, `array` when `items` is):
    ///   - `object`: the properties listed in `required` (all of them when there is no
    ///     `required`), in the order of `properties` (keys sorted), each with a value for its
    ///     schema;
    ///   - `array`: `minItems` items (at least 1, at most `maxItems` and 3) for `items`;
    ///   - `string`: `2026-01-15` for format `date`, `2026-01-15T12:00:00Z` for `date-time`,
    ///     `https://example.com` for `uri`, else `sample <property name>` (`sample value` at the
    ///     top), cut to `maxLength`;
    ///   - `integer`: 1, moved into `minimum`…`maximum`; `number`: 1.5 likewise; `boolean`:
    ///     `true`; anything else `null`.
    static func value(for schema: JSONValue, name: String = "value", depth: Int = 0) -> JSONValue {
        guard depth < Self.maxDepth else { return .null }
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let first = schema[key]?.arrayValue?.first { return Self.value(for: first, name: name, depth: depth + 1) }
        }
        switch Self.type(of: schema) {
        case "object":
            let properties = schema["properties"]?.objectMembers ?? []
            let required = schema["required"]?.arrayValue?.compactMap(\.stringValue)
            let members = properties.filter { required?.contains($0.key) ?? true }
            return .object(members.map { (key: $0.key, value: Self.value(for: $0.value, name: $0.key, depth: depth + 1)) })
        case "array":
            let minimum = max(1, Self.integer(schema["minItems"]) ?? 1)
            let count = min(minimum, Self.integer(schema["maxItems"]) ?? Self.maxArrayItems, Self.maxArrayItems)
            let item = Self.value(for: schema["items"] ?? [:], name: name, depth: depth + 1)
            return .array(Array(repeating: item, count: max(0, count)))
        case "string":
            let text: String
            switch schema["format"]?.stringValue {
            case "date": text = "2026-01-15"
            case "date-time": text = "2026-01-15T12:00:00Z"
            case "uri", "url": text = "https://example.com"
            default: text = "sample \(name)"
            }
            return .string(String(text.prefix(max(0, Self.integer(schema["maxLength"]) ?? Int.max))))
        case "integer":
            var value = 1
            if let minimum = Self.integer(schema["minimum"]) { value = max(value, minimum) }
            if let maximum = Self.integer(schema["maximum"]) { value = min(value, maximum) }
            return .int(value)
        case "number":
            var value = 1.5
            if let minimum = Self.number(schema["minimum"]) { value = max(value, minimum) }
            if let maximum = Self.number(schema["maximum"]) { value = min(value, maximum) }
            return .double(value)
        case "boolean":
            return .bool(true)
        default:
            return .null
        }
    }

    /// `value` spoiled as `flaw` says, as its JSON text, and whether the answer was cut.
    static func spoiled(_ value: JSONValue, by flaw: MockAnswerFlaw) -> (text: String, cut: Bool) {
        switch flaw {
        case .notJSON:
            return ("Bien sûr ! Voici ce que vous avez demandé.", false)
        case .wrongShape:
            let unexpected: JSONValue = ["unexpected": true]
            guard let members = value.objectMembers else { return (unexpected.serialized, false) }
            return (JSONValue.object(members.map { (key: $0.key, value: Self.mismatched($0.value)) }).serialized, false)
        case .fenced:
            return ("Voici le JSON :\n```json\n\(value.serialized)\n```", false)
        case .truncated:
            let text = value.serialized
            return (String(text.prefix(text.count / 2)), true)
        }
    }

    /// The schema a system prompt carries: the JSON object from the first `{` after the words
    /// `JSON Schema` to the last `}` of the text; `nil` when there is none.
    static func schema(inInstruction text: String) -> JSONValue? {
        guard let marker = text.range(of: "JSON Schema"),
            let open = text[marker.upperBound...].firstIndex(of: "{"),
            let close = text.lastIndex(of: "}"), open < close
        else { return nil }
        guard let schema = try? JSONDecoder().decode(JSONValue.self, from: Data(text[open...close].utf8)), schema.objectMembers != nil
        else {
            return nil
        }
        return schema
    }

    /// A value of another JSON type than `value`.
    private static func mismatched(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string: 42
        case .int, .double: "beaucoup"
        case .bool: "oui"
        case .array: [:]
        case .object: []
        case .null: false
        }
    }

    private static func type(of schema: JSONValue) -> String? {
        switch schema["type"] {
        case .string(let type)?: return type
        case .array(let types)?: return types.compactMap(\.stringValue).first { $0 != "null" } ?? "null"
        default:
            if schema["properties"] != nil { return "object" }
            if schema["items"] != nil { return "array" }
            return nil
        }
    }

    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let int)?: int
        case .double(let double)? where double.rounded() == double && abs(double) < 1e15: Int(double)
        default: nil
        }
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let int)?: Double(int)
        case .double(let double)?: double
        default: nil
        }
    }
}
