/// Finds secret-shaped substrings without knowing their values, in one pass: `Bearer …`
/// credentials, JSON Web Tokens, e-mail addresses and the string values of JSON fields named
/// like credentials (`password`, `token`, `email`, …, also inside a JSON-escaped document:
/// `\"password\": \"…\"`).
///
/// Every byte is looked at a bounded number of times: a field value, a token or an address is
/// read once and the scan goes on after it; a run that starts like a JWT but is not one is not
/// read again for a JWT; an address is read back from `@` only to the previous byte that cannot
/// be in one (so at most to the previous `@`).
enum SecretShapes {
    /// Field names (lowercase) whose string value is masked, whatever their case in the text.
    static let sensitiveFieldNames: [[UInt8]] = [
        "password", "passwd", "token", "access_token", "refresh_token", "id_token", "email", "apikey", "api_key", "api-key",
        "x-api-key", "authorization", "secret", "client_secret",
    ].map { Array($0.utf8) }
    private static let longestFieldName = sensitiveFieldNames.map(\.count).max() ?? 0

    /// Adds the ranges of secret-shaped substrings of `bytes` to `spans`.
    static func find(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout MaskedSpans) {
        var index = 0
        var noTokenBefore = 0
        while index < bytes.count {
            var next: Int?
            switch bytes[index] {
            case UInt8(ascii: "\""):
                next = credentialField(in: bytes, quoteAt: index, into: &spans)
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                next = bearerCredential(in: bytes, at: index, into: &spans)
            case UInt8(ascii: "e") where index >= noTokenBefore:
                let (matched, end) = webToken(in: bytes, at: index, into: &spans)
                if matched { next = end } else { noTokenBefore = end }
            case UInt8(ascii: "@"):
                next = emailAddress(in: bytes, at: index, into: &spans)
            default:
                break
            }
            index = next ?? index + 1
        }
    }

    /// `"password": "value"` (or `\"password\": \"value\"`): masks the value, to its closing
    /// quote or the end of the text. Returns where to go on, `nil` when the key is not one.
    private static func credentialField(in bytes: UnsafeBufferPointer<UInt8>, quoteAt quote: Int, into spans: inout MaskedSpans) -> Int? {
        let count = bytes.count
        let escaped = quote > 0 && bytes[quote - 1] == UInt8(ascii: "\\")
        let nameStart = quote + 1
        var nameEnd = nameStart
        while nameEnd < count, nameEnd - nameStart <= longestFieldName, bytes[nameEnd] != UInt8(ascii: "\""),
            bytes[nameEnd] != UInt8(ascii: "\\")
        {
            nameEnd += 1
        }
        guard nameEnd - nameStart <= longestFieldName, isSensitiveName(bytes, nameStart..<nameEnd) else { return nil }
        var cursor = nameEnd
        guard skipQuote(in: bytes, at: &cursor, escaped: escaped) else { return nil }
        skipSpaces(in: bytes, at: &cursor)
        guard cursor < count, bytes[cursor] == UInt8(ascii: ":") else { return nil }
        cursor += 1
        skipSpaces(in: bytes, at: &cursor)
        guard skipQuote(in: bytes, at: &cursor, escaped: escaped) else { return nil }
        let valueStart = cursor
        var valueEnd = valueStart
        if escaped {
            // Inside an escaped document the value ends at `\"`; its own quotes are `\\\"` and
            // its backslashes `\\\\`: a run of backslashes before a quote closes it when it
            // counts 1 modulo 4.
            while valueEnd < count {
                guard bytes[valueEnd] == UInt8(ascii: "\\") else {
                    valueEnd += 1
                    continue
                }
                var runEnd = valueEnd
                while runEnd < count, bytes[runEnd] == UInt8(ascii: "\\") { runEnd += 1 }
                if runEnd < count, bytes[runEnd] == UInt8(ascii: "\""), (runEnd - valueEnd) % 4 == 1 {
                    valueEnd = runEnd - 1
                    break
                }
                valueEnd = runEnd + 1
            }
        } else {
            while valueEnd < count, bytes[valueEnd] != UInt8(ascii: "\"") {
                valueEnd += bytes[valueEnd] == UInt8(ascii: "\\") ? 2 : 1
            }
        }
        valueEnd = min(valueEnd, count)
        spans.add(valueStart, valueEnd)
        return max(valueEnd, valueStart)
    }

    private static func isSensitiveName(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        sensitiveFieldNames.contains { name in
            name.count == range.count && zip(name, bytes[range]).allSatisfy { $0 == asciiLowercased($1) }
        }
    }

    /// Steps over `"` (or `\"` when `escaped`) at `cursor`; `false` when it is not there.
    private static func skipQuote(in bytes: UnsafeBufferPointer<UInt8>, at cursor: inout Int, escaped: Bool) -> Bool {
        if escaped {
            guard cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "\\"), bytes[cursor + 1] == UInt8(ascii: "\"") else {
                return false
            }
            cursor += 2
        } else {
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { return false }
            cursor += 1
        }
        return true
    }

    private static func skipSpaces(in bytes: UnsafeBufferPointer<UInt8>, at cursor: inout Int) {
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
    }

    /// `Bearer abc.def` → masks `abc.def`. Returns the end of the credential, `nil` when there is none.
    private static func bearerCredential(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, into spans: inout MaskedSpans) -> Int? {
        let prefix = "bearer ".utf8
        guard index + prefix.count < bytes.count,
            zip(prefix, bytes[index..<index + prefix.count]).allSatisfy({ $0 == asciiLowercased($1) })
        else { return nil }
        let valueStart = index + prefix.count
        var valueEnd = valueStart
        while valueEnd < bytes.count {
            if isTokenByte(bytes[valueEnd]) {
                valueEnd += 1
            } else if bytes[valueEnd] == UInt8(ascii: "\\"), valueEnd + 1 < bytes.count, bytes[valueEnd + 1] == UInt8(ascii: "/") {
                valueEnd += 2
            } else {
                break
            }
        }
        guard valueEnd > valueStart else { return nil }
        spans.add(valueStart, valueEnd)
        return valueEnd
    }

    /// Three base64url segments starting with `eyJ` (a JSON header). Returns whether one was
    /// masked, and where the run of token characters read ends.
    private static func webToken(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, into spans: inout MaskedSpans) -> (Bool, Int) {
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "y"), bytes[index + 2] == UInt8(ascii: "J"),
            index == 0 || !isBase64URLByte(bytes[index - 1])
        else { return (false, index) }
        var end = index
        var dots = 0
        while end < bytes.count, isBase64URLByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") {
            if bytes[end] == UInt8(ascii: ".") { dots += 1 }
            end += 1
        }
        var masked = end
        while bytes[masked - 1] == UInt8(ascii: ".") {
            masked -= 1
            dots -= 1
        }
        guard dots >= 2 else { return (false, end) }
        spans.add(index, masked)
        return (true, masked)
    }

    /// `someone@example.com` → masked whole. Returns the end of the address, `nil` when there is none.
    private static func emailAddress(in bytes: UnsafeBufferPointer<UInt8>, at sign: Int, into spans: inout MaskedSpans) -> Int? {
        var start = sign
        while start > 0, isEmailLocalByte(bytes[start - 1]) { start -= 1 }
        guard start < sign else { return nil }
        var end = sign + 1
        while end < bytes.count, isDomainByte(bytes[end]) { end += 1 }
        // Trailing dots belong to the sentence, not the domain.
        while end > sign + 1, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard end > sign + 1, bytes[(sign + 1)..<end].contains(UInt8(ascii: ".")) else { return nil }
        spans.add(start, end)
        return end
    }

    // MARK: - Bytes

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte + 32 : byte
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isBase64URLByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isBase64URLByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    private static func isEmailLocalByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "%")
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}
