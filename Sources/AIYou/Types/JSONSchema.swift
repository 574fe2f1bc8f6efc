/// A JSON Schema, built with typed functions instead of hand-written JSON: what a tool's
/// ``ToolDefinition/parameters`` describe.
///
/// ```swift
/// let parameters = JSONSchema.object(
///     properties: [
///         "city": .string(description: "The city, e.g. Lyon"),
///         "unit": .string(oneOf: ["celsius", "fahrenheit"]),
///         "days": .integer(minimum: 1, maximum: 7),
///     ],
///     required: ["city"]
/// )
/// ```
/// Anything the functions do not cover can be given as a ``JSONValue`` with ``init(_:)``.
public struct JSONSchema: Sendable, Hashable, CustomStringConvertible {
    /// The schema as JSON.
    public var value: JSONValue

    /// A schema given as JSON.
    public init(_ value: JSONValue) {
        self.value = value
    }

    /// `{"type": "object", "properties": …, "required": …}`; `additionalProperties: false` unless
    /// `allowsAdditionalProperties`.
    public static func object(
        properties: [String: JSONSchema],
        required: [String] = [],
        description: String? = nil,
        allowsAdditionalProperties: Bool = false
    ) -> JSONSchema {
        var members: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties.mapValues(\.value)),
            "additionalProperties": .bool(allowsAdditionalProperties),
        ]
        if !required.isEmpty { members["required"] = .array(required.map(JSONValue.string)) }
        members["description"] = description.map(JSONValue.string)
        return JSONSchema(.object(members))
    }

    /// `{"type": "string"}`, optionally limited to the values in `oneOf` (`enum`).
    public static func string(description: String? = nil, oneOf values: [String]? = nil) -> JSONSchema {
        var members: [String: JSONValue] = ["type": "string"]
        members["description"] = description.map(JSONValue.string)
        members["enum"] = values.map { .array($0.map(JSONValue.string)) }
        return JSONSchema(.object(members))
    }

    /// `{"type": "integer"}` with optional bounds.
    public static func integer(description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> JSONSchema {
        var members: [String: JSONValue] = ["type": "integer"]
        members["description"] = description.map(JSONValue.string)
        members["minimum"] = minimum.map(JSONValue.int)
        members["maximum"] = maximum.map(JSONValue.int)
        return JSONSchema(.object(members))
    }

    /// `{"type": "number"}` with optional bounds.
    public static func number(description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONSchema {
        var members: [String: JSONValue] = ["type": "number"]
        members["description"] = description.map(JSONValue.string)
        members["minimum"] = minimum.map(JSONValue.double)
        members["maximum"] = maximum.map(JSONValue.double)
        return JSONSchema(.object(members))
    }

    /// `{"type": "boolean"}`.
    public static func boolean(description: String? = nil) -> JSONSchema {
        var members: [String: JSONValue] = ["type": "boolean"]
        members["description"] = description.map(JSONValue.string)
        return JSONSchema(.object(members))
    }

    /// `{"type": "array", "items": …}` with optional bounds on the number of items.
    public static func array(of items: JSONSchema, description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil) -> JSONSchema {
        var members: [String: JSONValue] = ["type": "array", "items": items.value]
        members["description"] = description.map(JSONValue.string)
        members["minItems"] = minItems.map(JSONValue.int)
        members["maxItems"] = maxItems.map(JSONValue.int)
        return JSONSchema(.object(members))
    }

    /// The schema as compact JSON.
    public var description: String { value.jsonString }
}
