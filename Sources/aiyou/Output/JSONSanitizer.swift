import Foundation

/// Turns optionals into `NSNull` so `JSONSerialization` accepts the value.
enum JSONSanitizer {
    /// `value` with every optional unwrapped or made `NSNull`, and dates as ISO 8601 strings.
    static func sanitize(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any?]: dictionary.mapValues { $0.map(sanitize) ?? NSNull() }
        case let dictionary as [String: Any]: dictionary.mapValues(sanitize)
        case let array as [Any]: array.map(sanitize)
        case let date as Date: ISO8601DateFormatter().string(from: date)
        default: value
        }
    }
}
