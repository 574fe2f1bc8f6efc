/// The check every piece of JSON from the network passes before `JSONDecoder` (or any other
/// reader that recurses or builds a map of the whole text) sees it: one pass over the bytes, no
/// recursion, no allocation.
///
/// - Nesting deeper than ``maxDepth`` is refused: recursive readers (`JSONDecoder`, a
///   ``JSONValue``) would otherwise recurse once per level, and 100,000 levels overflow any
///   thread's stack (musl's threads have 128 KiB).
/// - More values than the budget is refused: `JSONDecoder` first builds a map of every value of
///   the text, ~48 bytes each whatever their size, so 32 MiB of `[0,0,…]` would take ~770 MB.
///   The budget (``valueBudget(forBytes:)``) keeps that map within about 1.5 times the text for
///   large answers, while no answer of the services comes near it (a 1,000-result rerank holds
///   7,000 values, a catalogue of models a few thousand).
///
/// It does not validate: text that passes may still be invalid JSON, which the decoder reports.
package enum JSONGuard {
    /// The deepest nesting of arrays and objects accepted from the network.
    package static let maxDepth = 128

    /// Why a text was refused.
    package enum Violation: Error, CustomStringConvertible {
        /// Arrays and objects nested deeper than ``JSONGuard/maxDepth``.
        case tooDeep(limit: Int)
        /// More values (strings, numbers, literals, arrays and objects) than the budget.
        case tooManyValues(limit: Int)

        package var description: String {
            switch self {
            case .tooDeep(let limit): "JSON nested deeper than \(limit) levels"
            case .tooManyValues(let limit): "more than \(limit) JSON values"
            }
        }
    }

    /// The most values accepted in a text of `count` bytes: 524,288, or one per 32 bytes for
    /// larger texts.
    package static func valueBudget(forBytes count: Int) -> Int {
        max(1 << 19, count / 32)
    }

    /// Throws when `bytes` nests deeper than `maxDepth` or holds more than `maxValues` values.
    package static func check(
        _ bytes: UnsafeRawBufferPointer,
        maxDepth: Int = maxDepth,
        maxValues: Int? = nil
    ) throws(Violation) {
        let maxValues = maxValues ?? valueBudget(forBytes: bytes.count)
        var depth = 0
        var values = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                values += 1
                index = endOfString(bytes, from: index + 1)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                values += 1
                depth += 1
                if depth > maxDepth { throw .tooDeep(limit: maxDepth) }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth = max(depth - 1, 0)
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: ":"):
                index += 1
            default:
                // A number or a literal (or garbage, which the decoder will refuse): one value.
                values += 1
                index += 1
                while index < count, !isDelimiter(bytes[index]) { index += 1 }
            }
            if values > maxValues { throw .tooManyValues(limit: maxValues) }
        }
    }

    /// The index after the closing quote of a string whose content starts at `start` (the end of
    /// the text when it is not closed).
    private static func endOfString(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return count
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: "["),
            UInt8(ascii: "{"), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
            true
        default:
            false
        }
    }
}
