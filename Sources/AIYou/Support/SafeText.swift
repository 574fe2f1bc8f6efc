/// Makes text from the network safe to show on a terminal or in a log.
///
/// A server (or a model) can send control characters: ANSI escape sequences that recolour or
/// retitle a terminal, BEL, a bare carriage return that overwrites what was printed before, C1
/// controls. The client passes every piece of wire text in an error or a log line through
/// ``escapingControlCharacters(_:keepingLineBreaks:)``; the `aiyou` tool does the same for
/// everything it prints. Use it yourself before printing model output to a terminal.
public enum SafeText {
    /// `text` with every control character (U+0000–U+001F, U+007F, U+0080–U+009F) written as a
    /// visible `\u{…}` escape, e.g. ESC as `\u{1B}`. With `keepingLineBreaks`, `\n` and `\t` are
    /// kept as they are; without it they become a space, for one-line messages. A carriage return
    /// is always escaped, because it lets later text overwrite earlier text.
    public static func escapingControlCharacters(_ text: String, keepingLineBreaks: Bool = true) -> String {
        // Fast path: nothing to do for the usual text (one pass over the bytes, no allocation).
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return text }
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
    public static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}
