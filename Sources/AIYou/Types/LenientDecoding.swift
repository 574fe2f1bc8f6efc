import Foundation

/// A coding key made from any string, for decoding objects whose keys vary.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue) }
}

/// Decoding helpers that accept every shape the service has been seen to send for a field: ids as
/// numbers or strings, counts as numbers or numeric strings, dates as ISO 8601 (with or without
/// fractional seconds and offsets) or Unix seconds. Optional fields that hold something unexpected
/// decode as `nil` instead of failing the whole answer.
extension KeyedDecodingContainer {
    /// A string, or a number/bool rendered as a string; `nil` when absent, null or another type.
    func lenientString(_ key: Key) -> String? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(String.self, forKey: key) { return value }
        if let value = try? decode(Int64.self, forKey: key) { return String(value) }
        if let value = try? decode(Double.self, forKey: key) { return String(value) }
        if let value = try? decode(Bool.self, forKey: key) { return String(value) }
        return nil
    }

    /// A reasoning text: the string under `primary` (`reasoning_content`), else under
    /// `secondary` (`reasoning`); anything but a string is no reasoning.
    func reasoning(_ primary: Key, _ secondary: Key) -> String? {
        (try? decodeIfPresent(String.self, forKey: primary)) ?? (try? decodeIfPresent(String.self, forKey: secondary)) ?? nil
    }

    /// Like ``lenientString(_:)`` but required: throws when absent or not string-like.
    func requiredLenientString(_ key: Key) throws -> String {
        if let value = lenientString(key) { return value }
        throw DecodingError.keyNotFound(
            key,
            .init(codingPath: codingPath, debugDescription: "expected a string or number for \"\(key.stringValue)\"")
        )
    }

    /// An integer, or a string holding one (`"8192"`); `nil` otherwise.
    func lenientInt(_ key: Key) -> Int? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(Int.self, forKey: key) { return value }
        if let value = try? decode(Double.self, forKey: key), value.rounded() == value, abs(value) < 9e15 { return Int(value) }
        if let text = try? decode(String.self, forKey: key), text.utf8.count <= 32 { return Int(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    /// A floating-point number, or a string holding one.
    func lenientDouble(_ key: Key) -> Double? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(Double.self, forKey: key) { return value }
        if let text = try? decode(String.self, forKey: key) { return Double(text) }
        return nil
    }

    /// A boolean, or `0`/`1`, or `"true"`/`"false"`.
    func lenientBool(_ key: Key) -> Bool? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let value = try? decode(Bool.self, forKey: key) { return value }
        if let value = try? decode(Int.self, forKey: key) { return value != 0 }
        if let text = try? decode(String.self, forKey: key) {
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        }
        return nil
    }

    /// A date from ISO 8601 text or Unix seconds (integer or fractional), clamped to the years
    /// 1…9999 (``WireValue/date(unixSeconds:)``).
    func lenientDate(_ key: Key) -> Date? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        if let seconds = try? decode(Double.self, forKey: key) {
            // Milliseconds since 1970 are > 1e11 for any date after 1973.
            return WireValue.date(unixSeconds: seconds > 1e11 ? seconds / 1000 : seconds)
        }
        if let text = try? decode(String.self, forKey: key), text.utf8.count <= 64 { return LenientDate.parse(text).map(WireValue.clamped) }
        return nil
    }

    /// An array whose unreadable elements are skipped instead of failing the whole array.
    func lenientArray<Element: Decodable>(_ key: Key, of type: Element.Type = Element.self) -> [Element] {
        guard contains(key), var nested = try? nestedUnkeyedContainer(forKey: key) else { return [] }
        return nested.decodeSkippingFailures(Element.self)
    }
}

extension UnkeyedDecodingContainer {
    /// Decodes every element that decodes, skipping the others.
    mutating func decodeSkippingFailures<Element: Decodable>(_ type: Element.Type) -> [Element] {
        var result: [Element] = []
        if let count { result.reserveCapacity(count) }
        while !isAtEnd {
            if let element = try? decode(Element.self) {
                result.append(element)
            } else if (try? decode(SkippedJSONValue.self)) == nil {
                break
            }
        }
        return result
    }
}

/// Decodes (and discards) any JSON value, to step over an element that failed to decode.
struct SkippedJSONValue: Decodable {
    init(from decoder: any Decoder) throws {}
}

/// ISO 8601 parsing in the variants the service sends.
enum LenientDate {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = try? withoutFraction.parse(trimmed) { return date }
        if let date = try? withFraction.parse(trimmed) { return date }
        // "2024-05-01 10:00:00" (no T, no zone): read as UTC.
        if trimmed.count == 19, trimmed.dropFirst(10).first == " " {
            var replaced = trimmed
            replaced.replaceSubrange(
                replaced.index(replaced.startIndex, offsetBy: 10)...replaced.index(replaced.startIndex, offsetBy: 10),
                with: "T"
            )
            return try? withoutFraction.parse(replaced + "Z")
        }
        return nil
    }
}
