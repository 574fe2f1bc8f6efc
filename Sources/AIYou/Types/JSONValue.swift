import Foundation

/// Any JSON value, typed: what a tool's arguments, a JSON Schema or any free-form field of the
/// service holds. Build one with literals:
///
/// ```swift
/// let value: JSONValue = ["city": "Lyon", "days": 3, "metric": true, "tags": ["a", "b"], "note": nil]
/// ```
/// Objects keep no order; they are written with their keys sorted, so the same value always
/// gives the same text.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent that fits an `Int`.
    case int(Int)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// The member `key` of an object, `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, when the value is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number as an `Int`, when the value is an integer (or a `double` with no fraction that fits).
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value): return WireValue.exactInt(value)
        default: return nil
        }
    }

    /// The number as a `Double`, when the value is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The Boolean, when the value is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when the value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, when the value is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Compact JSON text, object keys sorted. Non-finite doubles (which JSON cannot hold) are
    /// written as `null`.
    public var jsonString: String {
        var writer = JSONWriter(capacity: 64)
        writer.element(self)
        return String(buffer: writer.buffer)
    }

    /// Parses JSON text (any value at the top, not only objects).
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/decoding`` when `text` is not JSON.
    public init(parsing text: String) throws(AIYouError) {
        do {
            self = try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw AIYouError(.decoding, "the text is not valid JSON (\(ErrorMapping.describe(error)))", underlying: error)
        }
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value; a number is an ``int(_:)`` when it has no fraction and fits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as it is.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A number with a fraction.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text (``jsonString``).
    public var description: String { jsonString }
}

extension JSONWriter {
    /// Writes `value` as an array element or a top-level value.
    mutating func element(_ value: JSONValue) {
        switch value {
        case .null: rawElement("null")
        case .bool(let flag): rawElement(flag ? "true" : "false")
        case .int(let number): rawElement(String(number))
        case .double(let number): rawElement(number.isFinite ? JSONWriter.number(number) : "null")
        case .string(let text): element(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.element(element) }
            endArray()
        case .object(let members):
            beginObject()
            for key in members.keys.sorted() {
                dynamicKey(key)
                element(members[key]!)
            }
            endObject()
        }
    }

    /// Writes `value` as the value of `key`.
    mutating func field(_ key: StaticString, _ value: JSONValue) {
        self.key(key)
        element(value)
    }
}
