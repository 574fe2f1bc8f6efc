/// How ``MockFault/echoSecretsEncoded(status:encoding:)`` writes the secrets it echoes into the
/// JSON text of its error message: the encodings in which real servers and proxies have been
/// seen to echo a credential.
public enum MockSecretEncoding: Sendable, CaseIterable {
    /// Every character as a JSON `\uXXXX` escape with lowercase hex digits (UTF-16 code units,
    /// so a character beyond the BMP is a surrogate pair), as Python's
    /// `json.dumps(ensure_ascii=True)` writes non-ASCII characters — here every character. A
    /// JSON decoder gives the secret back in clear.
    case unicodeEscaped
    /// The JSON escaping of Go's `encoding/json`: `<`, `>` and `&` as `\u003c`, `\u003e` and
    /// `\u0026`, U+2028 and U+2029 as `\u2028` and `\u2029`, `"`, `\` and control characters
    /// escaped as JSON requires, every other character as is.
    case htmlSafeEscaped
    /// RFC 3986 percent-encoding of the UTF-8 bytes, uppercase hex: every byte but the letters,
    /// digits, `-`, `_` and `~` (so `.`, `@` and `:` are encoded too).
    case percentEncoded
    /// The standard base64 (with padding) of each secret's UTF-8 bytes, separately.
    case base64
    /// The base64 of an HTTP Basic credential: `email:password` on login, `token:` for the
    /// bearer token otherwise.
    case basicAuth
}
