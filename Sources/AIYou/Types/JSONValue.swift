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
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/decoding`` when `text` is not JSON, or
    ///   nests arrays and objects deeper than 128 levels.
    public init(parsing text: String) throws(AIYouError) {
        do {
            self = try JSONCoding.decode(JSONValue.self, from: text)
        } catch {
            throw AIYouError(.decoding, "the text cannot be read as JSON (\(ErrorMapping.describe(error)))", underlying: error)
        }
    }
}

extension JSONValue: Codable {
    /// The deepest nesting of arrays and objects decoded (the same as the client accepts from the
    /// network).
    public static let maxDepth = JSONGuard.maxDepth

    /// Decodes any JSON value; a number is an ``int(_:)`` when it has no fraction and fits.
    ///
    /// Nested arrays and objects are walked with a stack of containers instead of recursion, so
    /// no nesting can exhaust the thread's stack; nesting deeper than ``maxDepth`` throws
    /// `DecodingError.dataCorrupted`.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let scalar = Self.scalar(in: single) {
            self = scalar
            return
        }
        var stack: [JSONValueFrame] = []
        if let array = try? decoder.unkeyedContainer() {
            stack.append(.array(array, []))
        } else {
            let object = try decoder.container(keyedBy: JSONValueKey.self)
            stack.append(.object(object, object.allKeys[...], [:]))
        }
        while true {
            switch try stack[stack.count - 1].advance() {
            case .value(let value):
                stack[stack.count - 1].append(value)
            case .nested(let frame):
                guard stack.count < Self.maxDepth else {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: decoder.codingPath, debugDescription: "JSON nested deeper than \(Self.maxDepth) levels")
                    )
                }
                stack.append(frame)
            case .done(let value):
                stack.removeLast()
                guard !stack.isEmpty else {
                    self = value
                    return
                }
                stack[stack.count - 1].append(value)
            }
        }
    }

    /// The scalar in `container`, `nil` when it holds an array or an object.
    fileprivate static func scalar(in container: any SingleValueDecodingContainer) -> JSONValue? {
        if container.decodeNil() { return .null }
        if let value = try? container.decode(Bool.self) { return .bool(value) }
        if let value = try? container.decode(Int.self) { return .int(value) }
        if let value = try? container.decode(Double.self) { return .double(value) }
        if let value = try? container.decode(String.self) { return .string(value) }
        return nil
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

/// Any key of a JSON object.
struct JSONValueKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One array or object being decoded by ``JSONValue/init(from:)``: its container and what it has
/// read so far.
enum JSONValueFrame {
    case array(any UnkeyedDecodingContainer, [JSONValue])
    case object(KeyedDecodingContainer<JSONValueKey>, ArraySlice<JSONValueKey>, [String: JSONValue])
    /// After reading `key` of an object, the value to store under it.
    case pending(KeyedDecodingContainer<JSONValueKey>, ArraySlice<JSONValueKey>, [String: JSONValue], JSONValueKey)

    enum Next {
        /// The next element is this scalar.
        case value(JSONValue)
        /// The next element is an array or an object: read it first.
        case nested(JSONValueFrame)
        /// The container is read whole.
        case done(JSONValue)
    }

    /// Reads the next element, or ends the container.
    mutating func advance() throws -> Next {
        switch self {
        case .array(var container, let elements):
            defer { self = .array(container, elements) }
            if container.isAtEnd { return .done(.array(elements)) }
            if try container.decodeNil() { return .value(.null) }
            if let value = try? container.decode(Bool.self) { return .value(.bool(value)) }
            if let value = try? container.decode(Int.self) { return .value(.int(value)) }
            if let value = try? container.decode(Double.self) { return .value(.double(value)) }
            if let value = try? container.decode(String.self) { return .value(.string(value)) }
            if let nested = try? container.nestedUnkeyedContainer() { return .nested(.array(nested, [])) }
            let nested = try container.nestedContainer(keyedBy: JSONValueKey.self)
            return .nested(.object(nested, nested.allKeys[...], [:]))
        case .object(let container, var keys, let members):
            guard let key = keys.popFirst() else { return .done(.object(members)) }
            self = .pending(container, keys, members, key)
            if try container.decodeNil(forKey: key) { return .value(.null) }
            if let value = try? container.decode(Bool.self, forKey: key) { return .value(.bool(value)) }
            if let value = try? container.decode(Int.self, forKey: key) { return .value(.int(value)) }
            if let value = try? container.decode(Double.self, forKey: key) { return .value(.double(value)) }
            if let value = try? container.decode(String.self, forKey: key) { return .value(.string(value)) }
            if let nested = try? container.nestedUnkeyedContainer(forKey: key) { return .nested(.array(nested, [])) }
            let nested = try container.nestedContainer(keyedBy: JSONValueKey.self, forKey: key)
            return .nested(.object(nested, nested.allKeys[...], [:]))
        case .pending:
            preconditionFailure("a pending member is completed by append(_:) before the next advance()")
        }
    }

    /// Stores `value` as the element just read.
    mutating func append(_ value: JSONValue) {
        switch self {
        case .array(let container, var elements):
            self = .array(container, [])
            elements.append(value)
            self = .array(container, elements)
        case .pending(let container, let keys, var members, let key):
            self = .object(container, keys, [:])
            members[key.stringValue] = value
            self = .object(container, keys, members)
        case .object:
            preconditionFailure("an object's value is appended after its key was read")
        }
    }
}
