import AIYou

/// Checks of what the caller configures (header names and values) and of what is shown from the
/// server (names, messages), before anything is sent or printed.
enum MCPHeaderCheck {
    /// An HTTP header name: one or more token characters.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    /// An HTTP header value: no control character but tab (no line break that would start a new
    /// header).
    static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// Whether `host` is a loopback address or `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `text` cut to `maxBytes` UTF-8 bytes (on a character boundary) on one line, control
    /// characters escaped: safe for an error message, a log line or a terminal.
    static func printable(_ text: String, maxBytes: Int = 120) -> String {
        var cut = Substring(text)
        if text.utf8.count > maxBytes {
            var end = text.startIndex
            var bytes = 0
            for index in text.indices {
                let size = text[index].utf8.count
                guard bytes + size <= maxBytes else { break }
                bytes += size
                end = text.index(after: index)
            }
            cut = text[..<end]
        }
        let escaped = SafeText.escapingControlCharacters(String(cut), keepingLineBreaks: false)
        return cut.endIndex == text.endIndex ? escaped : escaped + "…"
    }
}
