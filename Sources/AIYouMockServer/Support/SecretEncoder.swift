import Foundation

/// The encodings of ``MockSecretEncoding``: each gives the text written between the quotes of a
/// JSON string (so the JSON escapes of ``MockSecretEncoding/unicodeEscaped`` and
/// ``MockSecretEncoding/htmlSafeEscaped`` are part of it).
enum SecretEncoder {
    /// The secrets of `secrets`, each encoded (for ``MockSecretEncoding/basicAuth`` the one
    /// credential), in the order token(s), email, password.
    static func encoded(_ secrets: RequestSecrets, as encoding: MockSecretEncoding) -> [String] {
        switch encoding {
        case .unicodeEscaped: secrets.all.map(Self.unicodeEscaped)
        case .htmlSafeEscaped: secrets.all.map(Self.htmlSafeEscaped)
        case .percentEncoded: secrets.all.map(Self.percentEncoded)
        case .base64: secrets.all.map { Data($0.utf8).base64EncodedString() }
        case .basicAuth: Self.basicCredential(secrets).map { [Data($0.utf8).base64EncodedString()] } ?? []
        }
    }

    /// `email:password` when both are known, else `token:` for the first bearer token.
    static func basicCredential(_ secrets: RequestSecrets) -> String? {
        if let email = secrets.email, let password = secrets.password { return email + ":" + password }
        return secrets.bearerTokens.first.map { $0 + ":" }
    }

    /// Every UTF-16 code unit as `\uXXXX`, lowercase hex.
    static func unicodeEscaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf16.count * 6)
        for unit in text.utf16 {
            output += "\\u" + Self.hex4(unit)
        }
        return output
    }

    /// JSON string escaping as Go's `encoding/json` writes it (HTML-safe).
    static func htmlSafeEscaped(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                output += "\\u" + Self.hex4(UInt16(scalar.value))
            default:
                if scalar.value < 0x20 {
                    output += "\\u" + Self.hex4(UInt16(scalar.value))
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// RFC 3986 percent-encoding of every UTF-8 byte but `A-Z`, `a-z`, `0-9`, `-`, `_` and `~`.
    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    /// Four lowercase hex digits.
    private static func hex4(_ value: UInt16) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}
