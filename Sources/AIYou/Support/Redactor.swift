/// Removes secrets from text before it reaches a log line or an error description.
///
/// Two layers: the exact secrets this client knows (email, password, tokens it holds) are replaced
/// wherever they appear, and generic shapes of secrets are masked even when their value is not
/// known here: `Bearer …` credentials, JSON Web Tokens, e-mail addresses and the values of JSON
/// fields named like credentials (`password`, `token`, `email`, …).
@_spi(Benchmarks)
public struct Redactor: Sendable {
    static let mask = "[REDACTED]"

    /// Exact strings to hide; empty strings are ignored.
    var knownSecrets: [String]

    /// A redactor that also hides the exact strings in `knownSecrets` (3 characters or more),
    /// also where they appear JSON-escaped (a server echoing the request body back).
    public init(knownSecrets: [String] = []) {
        var secrets: [String] = []
        for secret in knownSecrets where secret.utf8.count >= 3 {
            for variant in [secret, JSONWriter.escaped(secret), JSONWriter.escaped(secret).replacingAll("/", with: "\\/")]
            where !secrets.contains(variant) {
                secrets.append(variant)
            }
        }
        // Longest first, so that a secret containing another one is masked whole.
        self.knownSecrets = secrets.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// The length in bytes of the longest exact secret (0 when none is known).
    var longestSecretLength: Int { knownSecrets.first?.utf8.count ?? 0 }

    /// `text` redacted, with control characters escaped and line breaks turned into spaces, then
    /// cut to `limit` characters (with `…`): in that order, so that no secret survives half-cut
    /// and no escape sequence from the wire reaches a terminal or a log.
    public func clean(_ text: String, limit: Int) -> String {
        let safe = SafeText.escapingControlCharacters(redact(text), keepingLineBreaks: false)
        return safe.count > limit ? String(safe.prefix(limit)) + "…" : safe
    }

    /// Returns `text` with every secret masked.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in knownSecrets where result.contains(secret) {
            result = result.replacingAll(secret, with: Self.mask)
        }
        return Self.redactPatterns(in: result)
    }

    /// Masks secret-shaped substrings (no knowledge of the actual values needed).
    public static func redactPatterns(in text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        changed = maskSensitiveJSONFields(&bytes) || changed
        changed = maskBearerCredentials(&bytes) || changed
        changed = maskJWTs(&bytes) || changed
        changed = maskEmails(&bytes) || changed
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    // MARK: - Patterns

    private static let sensitiveFieldNames: [[UInt8]] = [
        "password", "token", "access_token", "refresh_token", "email", "apikey", "api_key", "authorization", "secret",
    ].map { Array($0.utf8) }

    /// `"password": "value"` → `"password": "[REDACTED]"` (case-insensitive on the name).
    private static func maskSensitiveJSONFields(_ bytes: inout [UInt8]) -> Bool {
        var changed = false
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            // Read a quoted key.
            let keyStart = index + 1
            var keyEnd = keyStart
            while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\"") { keyEnd += 1 }
            guard keyEnd < bytes.count else { break }
            let key = bytes[keyStart..<keyEnd].map(asciiLowercased)
            var cursor = keyEnd + 1
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":"),
                sensitiveFieldNames.contains(where: { $0.elementsEqual(key) })
            else {
                index = keyEnd + 1
                continue
            }
            cursor += 1
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else {
                index = cursor
                continue
            }
            let valueStart = cursor + 1
            var valueEnd = valueStart
            while valueEnd < bytes.count, bytes[valueEnd] != UInt8(ascii: "\"") {
                valueEnd += bytes[valueEnd] == UInt8(ascii: "\\") ? 2 : 1
            }
            valueEnd = min(valueEnd, bytes.count)
            bytes.replaceSubrange(valueStart..<valueEnd, with: mask.utf8)
            changed = true
            index = valueStart + mask.utf8.count + 1
        }
        return changed
    }

    /// `Bearer abc.def` → `Bearer [REDACTED]`.
    private static func maskBearerCredentials(_ bytes: inout [UInt8]) -> Bool {
        let prefix = Array("bearer ".utf8)
        var changed = false
        var index = 0
        while index + prefix.count <= bytes.count {
            if bytes[index..<index + prefix.count].map(asciiLowercased).elementsEqual(prefix) {
                let valueStart = index + prefix.count
                var valueEnd = valueStart
                while valueEnd < bytes.count, isTokenByte(bytes[valueEnd]) { valueEnd += 1 }
                if valueEnd > valueStart, !bytes[valueStart..<valueEnd].elementsEqual(mask.utf8) {
                    bytes.replaceSubrange(valueStart..<valueEnd, with: mask.utf8)
                    changed = true
                }
                index = valueStart + mask.utf8.count
            } else {
                index += 1
            }
        }
        return changed
    }

    /// Three base64url segments starting with `eyJ` (a JSON header) → masked.
    private static func maskJWTs(_ bytes: inout [UInt8]) -> Bool {
        let prefix = Array("eyJ".utf8)
        var changed = false
        var index = 0
        while index + prefix.count <= bytes.count {
            guard bytes[index..<index + prefix.count].elementsEqual(prefix),
                index == 0 || !isBase64URLByte(bytes[index - 1])
            else {
                index += 1
                continue
            }
            var end = index
            var dots = 0
            while end < bytes.count, isBase64URLByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") {
                if bytes[end] == UInt8(ascii: ".") { dots += 1 }
                end += 1
            }
            if dots >= 2 {
                bytes.replaceSubrange(index..<end, with: mask.utf8)
                changed = true
                index += mask.utf8.count
            } else {
                index = end
            }
        }
        return changed
    }

    /// `someone@example.com` → `[REDACTED]`.
    private static func maskEmails(_ bytes: inout [UInt8]) -> Bool {
        var changed = false
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "@") else {
                index += 1
                continue
            }
            var start = index
            while start > 0, isEmailLocalByte(bytes[start - 1]) { start -= 1 }
            var end = index + 1
            var sawDot = false
            while end < bytes.count, isDomainByte(bytes[end]) {
                if bytes[end] == UInt8(ascii: ".") { sawDot = true }
                end += 1
            }
            // Trailing dots belong to the sentence, not the domain.
            while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
            if start < index, end > index + 1, sawDot {
                bytes.replaceSubrange(start..<end, with: mask.utf8)
                changed = true
                index = start + mask.utf8.count
            } else {
                index += 1
            }
        }
        return changed
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
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

extension String {
    /// Replaces every occurrence of `target` (non-empty) without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var remainder = self[...]
        while let range = remainder.firstRange(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}
