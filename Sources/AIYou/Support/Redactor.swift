/// Removes secrets from text before it reaches a log line or an error description.
///
/// Two layers: the exact secrets this client knows (email, password, tokens it holds) are masked
/// wherever they appear, also as a server may echo them — JSON-escaped (`\"`, `\\`, `\/`, any
/// character as `\uXXXX`, as Python's `ensure_ascii` and Go's `\u003c` write them),
/// percent-encoded, or base64-encoded (the secret alone, or `email:password` as in HTTP Basic);
/// and generic shapes of secrets are masked even when their value is not known here: `Bearer …`
/// credentials, JSON Web Tokens, e-mail addresses and the values of JSON fields named like
/// credentials (`password`, `token`, `email`, …).
///
/// The text is read a fixed number of times (the known secrets through one automaton per
/// reading, the shapes in one scan) and the result written once: the cost is linear in the text,
/// whatever the number of secrets in it.
@_spi(Benchmarks)
public struct Redactor: Sendable {
    static let mask = "[REDACTED]"
    private static let maskBytes = Array(mask.utf8)

    private let matcher: SecretMatcher?

    /// A redactor that also hides the exact strings in `knownSecrets` (3 bytes or more) in every
    /// form listed above, and the base64 of `email:password` when `emailAndPassword` is given.
    public init(knownSecrets: [String] = [], emailAndPassword: (email: String, password: String)? = nil) {
        matcher = SecretMatcher(secrets: knownSecrets, emailAndPassword: emailAndPassword)
    }

    /// How many bytes at the end of a text that was cut may hold the beginning of a secret that
    /// redaction would not recognise: the longest secret in its longest encoded form, at least
    /// 4 KiB.
    var cutMargin: Int { max(4096, (matcher?.longestPattern ?? 0) * SecretMatcher.maxExpansion) }

    /// `text` redacted, with control characters escaped and line breaks turned into spaces, then
    /// cut to `limit` characters (with `…`): in that order, so that no secret survives half-cut
    /// and no escape sequence from the wire reaches a terminal or a log. Only the beginning of
    /// `text` that can be shown is read (see ``clean(_:truncated:limit:)``).
    public func clean(_ text: String, limit: Int) -> String {
        var text = text
        return text.withUTF8 { clean($0, truncated: false, limit: limit) }
    }

    /// `bytes` cleaned as ``clean(_:limit:)`` does. `truncated` says that `bytes` are the
    /// beginning of a longer text (a body cut at its limit), so that they may end in the middle
    /// of a secret: their last ``cutMargin`` bytes are then read, so that a secret across the
    /// cut is recognised, but not shown. A text longer than `limit` characters can take is read
    /// only that far, with the same care.
    func clean(_ bytes: UnsafeBufferPointer<UInt8>, truncated: Bool, limit: Int) -> String {
        let margin = cutMargin
        let limit = max(0, limit)
        // 4 bytes at most per character shown, and the margin read but not shown.
        let window = limit > (Int.max - 2 * margin) / 4 ? Int.max : 4 * limit + 2 * margin
        var cut = truncated
        var end = bytes.count
        if end > window {
            end = window
            cut = true
        }
        let read = UnsafeBufferPointer(rebasing: bytes[..<end])
        let shown = cut ? Self.scalarStart(in: read, atOrBefore: end - margin) : end
        let redacted = Self.write(read, masking: spans(in: read), keepingFirst: shown)
        let safe = SafeText.escapingControlCharacters(redacted, keepingLineBreaks: false)
        let prefix = safe.prefix(limit)
        return prefix.endIndex < safe.endIndex || cut ? String(prefix) + "…" : safe
    }

    /// Returns `text` with every secret masked (`text` itself when there is none).
    public func redact(_ text: String) -> String {
        var copy = text
        let redacted = copy.withUTF8 { bytes -> String? in
            let spans = spans(in: bytes)
            return spans.isEmpty ? nil : Self.write(bytes, masking: spans, keepingFirst: bytes.count)
        }
        return redacted ?? text
    }

    /// Masks secret-shaped substrings (no knowledge of the actual values needed).
    public static func redactPatterns(in text: String) -> String {
        var copy = text
        let redacted = copy.withUTF8 { bytes -> String? in
            var shapes = MaskedSpans()
            SecretShapes.find(in: bytes, into: &shapes)
            return shapes.isEmpty ? nil : write(bytes, masking: shapes.spans, keepingFirst: bytes.count)
        }
        return redacted ?? text
    }

    /// The sorted, disjoint ranges of `bytes` to mask: known secrets in every reading, and shapes.
    private func spans(in bytes: UnsafeBufferPointer<UInt8>) -> [MaskedSpans.Span] {
        var lists: [MaskedSpans] = []
        matcher?.find(in: bytes, into: &lists)
        var shapes = MaskedSpans()
        SecretShapes.find(in: bytes, into: &shapes)
        lists.append(shapes)
        return MaskedSpans.union(lists)
    }

    /// The first `keep` bytes of `bytes` with each span replaced by the mask, written once (a
    /// span that begins before `keep` is masked whole).
    private static func write(_ bytes: UnsafeBufferPointer<UInt8>, masking spans: [MaskedSpans.Span], keepingFirst keep: Int) -> String {
        var length = 0
        var cursor = 0
        for span in spans {
            guard span.start < keep else { break }
            length += span.start - cursor + maskBytes.count
            cursor = span.end
        }
        length += max(0, keep - cursor)
        return String(unsafeUninitializedCapacity: length) { output in
            var written = 0
            func copy(_ source: UnsafeBufferPointer<UInt8>) {
                guard let base = source.baseAddress, !source.isEmpty else { return }
                (output.baseAddress! + written).update(from: base, count: source.count)
                written += source.count
            }
            var cursor = 0
            for span in spans {
                guard span.start < keep else { break }
                copy(UnsafeBufferPointer(rebasing: bytes[cursor..<span.start]))
                maskBytes.withUnsafeBufferPointer { copy($0) }
                cursor = span.end
            }
            if cursor < keep { copy(UnsafeBufferPointer(rebasing: bytes[cursor..<keep])) }
            return written
        }
    }

    /// `index` moved back to the first byte of a character (never below 0).
    private static func scalarStart(in bytes: UnsafeBufferPointer<UInt8>, atOrBefore index: Int) -> Int {
        var index = max(0, index)
        while index > 0, index < bytes.count, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        return index
    }
}
