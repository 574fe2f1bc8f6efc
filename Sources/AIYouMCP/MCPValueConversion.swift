import AIYou
import Foundation
import MCP

/// Conversions between the SDK's `Value` and the client's ``JSONValue``. The SDK's values come
/// from the network: the conversion stops at ``maxDepth`` levels instead of recursing without
/// bound.
enum MCPValueConversion {
    static let maxDepth = 64

    struct TooDeep: Error {}

    /// `value` as a ``JSONValue``; throws ``TooDeep`` past ``maxDepth`` levels.
    static func json(_ value: Value, depth: Int = 0) throws -> JSONValue {
        guard depth < maxDepth else { throw TooDeep() }
        switch value {
        case .null: return .null
        case .bool(let bool): return .bool(bool)
        case .int(let int): return .int(int)
        case .double(let double): return .double(double)
        case .string(let string): return .string(string)
        case .data(let mimeType, let data):
            return .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let values): return .array(try values.map { try json($0, depth: depth + 1) })
        case .object(let members): return .object(try members.mapValues { try json($0, depth: depth + 1) })
        }
    }

    /// `value` as the SDK's `Value` (a model's arguments, already bounded in depth by
    /// `ToolCall.argumentsJSON()`).
    static func value(_ json: JSONValue) -> Value {
        switch json {
        case .null: .null
        case .bool(let bool): .bool(bool)
        case .int(let int): .int(int)
        case .double(let double): .double(double)
        case .string(let string): .string(string)
        case .array(let values): .array(values.map(value))
        case .object(let members): .object(members.mapValues(value))
        }
    }
}
