import Foundation

/// The JSON the tool prints: pretty-printed (two spaces, `"key" : value`), keys sorted, slashes
/// not escaped — the layout `JSONSerialization` gives — but with every control character escaped
/// as `\uXXXX`: C0 (U+0000–U+001F, also the usual `\n`, `\t`, …), DEL (U+007F), the C1 controls
/// (U+0080–U+009F, among them CSI U+009B and NEL U+0085) and the line and paragraph separators
/// (U+2028, U+2029). Whatever the service sends, the printed JSON holds no byte that a terminal
/// acts on.
enum JSONOutput {
    /// `value` (dictionaries with `String` keys, arrays, strings, numbers, booleans, `NSNull`,
    /// optionals) as JSON text indented from `level`; `nil` when it holds something else or a
    /// number that JSON cannot write (infinity, NaN).
    static func encode(_ value: Any, level: Int = 0) -> String? {
        var output = ""
        guard write(value, level: level, to: &output) else { return nil }
        return output
    }

    /// Appends `text` to `output` as it goes inside a JSON string's quotes.
    static func appendEscaped(_ text: String, to output: inout String) {
        guard mayNeedEscapes(text) else {
            output += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += "\\\""
            case 0x5C: output += "\\\\"
            case 0x0A: output += "\\n"
            case 0x0D: output += "\\r"
            case 0x09: output += "\\t"
            case 0x08: output += "\\b"
            case 0x0C: output += "\\f"
            case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    /// `text` as it goes inside a JSON string's quotes (`text` itself when it needs no escape).
    static func escaped(_ text: String) -> String {
        guard mayNeedEscapes(text) else { return text }
        var output = ""
        appendEscaped(text, to: &output)
        return output
    }

    /// `text` as a quoted JSON string.
    static func quoted(_ text: String) -> String {
        var output = "\""
        appendEscaped(text, to: &output)
        output += "\""
        return output
    }

    /// A byte that starts something to escape: a quote, a backslash, a C0 control or DEL, or the
    /// lead byte of a C1 control (0xC2) or of U+2028/U+2029 (0xE2, checked precisely later).
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }

    /// Whether a byte of `text` is one of ``needsEscape(_:)``'s, eight bytes at a time (every
    /// piece of a streamed answer passes here).
    private static func mayNeedEscapes(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            // A byte is zero in `word ^ (ones * b)` where it equals b; below 0x20 where `word - ones * 0x20`
            // borrows. Both tests are exact: a borrow only starts at a byte that matches.
            func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                if (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
                    || hasZero(word ^ (ones &* 0x7F)) || hasZero(word ^ (ones &* 0xC2)) || hasZero(word ^ (ones &* 0xE2))
                {
                    return true
                }
                offset += 8
            }
            while offset < bytes.count {
                if needsEscape(base[offset]) { return true }
                offset += 1
            }
            return false
        } ?? text.utf8.contains(where: needsEscape)
    }

    private static func indentation(_ level: Int) -> String { String(repeating: "  ", count: level) }

    private static func write(_ value: Any, level: Int, to output: inout String) -> Bool {
        switch value {
        case let string as String:
            output += quoted(string)
        case let bool as Bool:
            output += bool ? "true" : "false"
        case let number as Int:
            output += String(number)
        case let number as Int64:
            output += String(number)
        case let number as UInt64:
            output += String(number)
        case let number as Double:
            guard number.isFinite else { return false }
            output += "\(number)"
        case let number as Float:
            guard number.isFinite else { return false }
            output += "\(number)"
        case is NSNull:
            output += "null"
        case let date as Date:
            output += quoted(ISO8601DateFormatter().string(from: date))
        case let dictionary as [String: Any]:
            guard !dictionary.isEmpty else {
                output += "{}"
                return true
            }
            output += "{\n"
            for (offset, key) in dictionary.keys.sorted().enumerated() {
                if offset > 0 { output += ",\n" }
                output += indentation(level + 1) + quoted(key) + " : "
                guard write(dictionary[key]!, level: level + 1, to: &output) else { return false }
            }
            output += "\n" + indentation(level) + "}"
        case let array as [Any]:
            guard !array.isEmpty else {
                output += "[]"
                return true
            }
            output += "[\n"
            for (offset, element) in array.enumerated() {
                if offset > 0 { output += ",\n" }
                output += indentation(level + 1)
                guard write(element, level: level + 1, to: &output) else { return false }
            }
            output += "\n" + indentation(level) + "]"
        default:
            // An optional inside an `Any`: its value, or null.
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return false }
            guard let wrapped = mirror.children.first?.value else {
                output += "null"
                return true
            }
            return write(wrapped, level: level, to: &output)
        }
        return true
    }
}
