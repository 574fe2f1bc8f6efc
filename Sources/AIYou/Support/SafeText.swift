/// Makes text from the network safe to show on a terminal or in a log.
///
/// A server (or a model) can send control characters: ANSI escape sequences that recolour or
/// retitle a terminal, BEL, a bare carriage return that overwrites what was printed before, C1
/// controls. The client passes every piece of wire text in an error or a log line through
/// ``escapingControlCharacters(_:keepingLineBreaks:)``; the `aiyou` tool does the same for
/// everything it prints. Package-wide, not public: printing to a terminal is the tool's concern.
package enum SafeText {
    /// `text` with every control character (U+0000–U+001F, U+007F, U+0080–U+009F) written as a
    /// visible `\u{…}` escape, e.g. ESC as `\u{1B}`. With `keepingLineBreaks`, `\n` and `\t` are
    /// kept as they are; without it they become a space, for one-line messages. A carriage return
    /// is always escaped, because it lets later text overwrite earlier text.
    package static func escapingControlCharacters(_ text: String, keepingLineBreaks: Bool = true) -> String {
        // Fast path: nothing to do for the usual text (one pass over the bytes, no allocation).
        guard mayHoldControlCharacters(text) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || (0x7F...0x9F).contains(value)
            guard isControl else {
                result.unicodeScalars.append(scalar)
                continue
            }
            if scalar == "\n" || scalar == "\t" {
                result.append(keepingLineBreaks ? Character(scalar) : " ")
            } else {
                result += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// `true` when `text` holds a control character, line breaks and tabs included.
    package static func containsControlCharacters(_ text: String) -> Bool {
        mayHoldControlCharacters(text) && text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// `true` when a byte of `text` may begin a control character: below 0x20, DEL (0x7F), or
    /// 0xC2 (the first byte of U+0080…U+00BF, the C1 controls among them). Eight bytes at a time:
    /// this runs over every piece of a streamed answer the tool prints.
    static func mayHoldControlCharacters(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            let ones: UInt64 = 0x0101_0101_0101_0101
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
                if anyByteBelow(0x20, in: word) || anyByteZero(in: word ^ (ones &* 0x7F)) || anyByteZero(in: word ^ (ones &* 0xC2)) {
                    return true
                }
                offset += 8
            }
            while offset < bytes.count {
                if isControlStart(base[offset]) { return true }
                offset += 1
            }
            return false
        } ?? text.utf8.contains(where: isControlStart)
    }

    private static func isControlStart(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == 0xC2
    }

    /// Whether a byte of `word` is zero (exact: a borrow only starts at a zero byte).
    @inline(__always)
    private static func anyByteZero(in word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Whether a byte of `word` is below `limit` (at most 0x80; exact for the same reason).
    @inline(__always)
    private static func anyByteBelow(_ limit: UInt8, in word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101 &* UInt64(limit)) & ~word & 0x8080_8080_8080_8080 != 0
    }
}
