import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The ways a server may echo a secret, written here independently of the redactor.
enum EchoEncoding: String, CaseIterable, Sendable {
    case raw
    case jsonEscaped
    case unicodeEscapedLower
    case unicodeEscapedUpper
    case unicodeEscapedSome
    case pythonEnsureASCII
    case goHTMLSafe
    case percentUpper
    case percentLower
    case formEncoded
    case base64Standard
    case base64StandardUnpadded
    case base64URL
    case base64URLUnpadded

    /// `text` as a server would write it in this encoding.
    func encode(_ text: String) -> String {
        switch self {
        case .raw:
            return text
        case .jsonEscaped:
            return Self.json(text) { $0 == "/" ? "\\/" : nil }
        case .unicodeEscapedLower:
            return Self.unicodeEscaped(text, uppercase: false) { _ in true }
        case .unicodeEscapedUpper:
            return Self.unicodeEscaped(text, uppercase: true) { _ in true }
        case .unicodeEscapedSome:
            var flip = false
            return Self.unicodeEscaped(text, uppercase: false) { _ in
                flip.toggle()
                return flip
            }
        case .pythonEnsureASCII:
            return Self.json(text) { $0.value > 0x7E ? Self.unicodeEscaped(String($0), uppercase: false) { _ in true } : nil }
        case .goHTMLSafe:
            return Self.json(text) {
                "<>&".unicodeScalars.contains($0) ? Self.unicodeEscaped(String($0), uppercase: false) { _ in true } : nil
            }
        case .percentUpper, .percentLower:
            return text.utf8.map { String(format: self == .percentUpper ? "%%%02X" : "%%%02x", $0) }.joined()
        case .formEncoded:
            return text.utf8.map { byte -> String in
                let scalar = Unicode.Scalar(byte)
                if byte < 0x80,
                    scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "-._~".unicodeScalars.contains(scalar)
                {
                    return String(scalar)
                }
                return byte == 0x20 ? "+" : String(format: "%%%02X", byte)
            }.joined()
        case .base64Standard, .base64StandardUnpadded, .base64URL, .base64URLUnpadded:
            var encoded = Data(text.utf8).base64EncodedString()
            if self == .base64URL || self == .base64URLUnpadded {
                encoded = String(encoded.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
            }
            if self == .base64StandardUnpadded || self == .base64URLUnpadded {
                encoded = String(encoded.prefix { $0 != "=" })
            }
            return encoded
        }
    }

    var isBase64: Bool { rawValue.hasPrefix("base64") }

    /// JSON string escaping, with `special` deciding first for each scalar.
    private static func json(_ text: String, special: (Unicode.Scalar) -> String?) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if let replacement = special(scalar) {
                output += replacement
                continue
            }
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// Each scalar for which `escapes` says so as `\uXXXX` (UTF-16 units, so surrogate pairs
    /// beyond the BMP); the others as JSON writes them.
    private static func unicodeEscaped(_ text: String, uppercase: Bool, escapes: (Unicode.Scalar) -> Bool) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if escapes(scalar) {
                for unit in String(scalar).utf16 {
                    output += "\\u" + String(format: uppercase ? "%04X" : "%04x", unit)
                }
            } else {
                output += json(String(scalar)) { _ in nil }
            }
        }
        return output
    }
}

@Suite("Redactor: every echo of a secret, in linear time")
struct RedactorTests {
    static let email = "zoé.martin+ops@exemple.fr"
    static let password = #"pâss "wörd"/\ 🔑 ok"#
    static let token = "tok_9f8e7d6c5b4a3921"
    static let apiKey = "ak-Zx+9/Qm=<w>&v=="
    static let secrets = [email, password, token, apiKey]
    static let redactor = Redactor(knownSecrets: secrets, emailAndPassword: (email, password))

    /// Every encoding of `secret` that must not survive in `output`, with its name.
    static func forms(of secret: String) -> [(String, String)] {
        EchoEncoding.allCases.map { ($0.rawValue, $0.encode(secret)) }
    }

    @Test("each kind of secret, in each encoding, is masked by redact and clean", arguments: EchoEncoding.allCases)
    func everyEncoding(_ encoding: EchoEncoding) {
        for secret in Self.secrets {
            let echoed = encoding.encode(secret)
            let text = "before: " + echoed + " :after"
            let redacted = Self.redactor.redact(text)
            #expect(redacted == "before: [REDACTED] :after", "\(encoding) of \(secret): \(redacted)")
            let cleaned = Self.redactor.clean(text, limit: 600)
            #expect(!cleaned.contains(echoed) && cleaned.contains("[REDACTED]"), "\(encoding): \(cleaned)")
        }
    }

    @Test("the HTTP Basic credential (base64 of email:password) is masked in every base64 form")
    func basicCredential() {
        let pair = Self.email + ":" + Self.password
        for encoding in EchoEncoding.allCases where encoding.isBase64 {
            let text = "Authorization: Basic " + encoding.encode(pair) + "\n"
            #expect(Self.redactor.redact(text) == "Authorization: Basic [REDACTED]\n", "\(encoding)")
        }
        // Without the pair, only the parts are known: the credential is not recognised.
        let partsOnly = Redactor(knownSecrets: ["someone@example.org", "long-password-value"])
        let basic = EchoEncoding.base64Standard.encode("someone@example.org:long-password-value")
        #expect(partsOnly.redact("Basic " + basic) == "Basic " + basic)
        #expect(
            Redactor(knownSecrets: [], emailAndPassword: ("someone@example.org", "long-password-value")).redact("Basic " + basic)
                == "Basic [REDACTED]"
        )
    }

    @Test("secret shapes are masked without knowing the values, also in a JSON-escaped document")
    func shapes() {
        let text =
            #"Authorization: Bearer abc.def-123 {"password": "p@ss", "Email":"x@y.fr", "api_key": "k\"ey"} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature bob.smith+tag@mail.example.org."#
        let redacted = Redactor.redactPatterns(in: text)
        for secret in ["abc.def-123", "p@ss", "x@y.fr", "k\\\"ey", "eyJhbGciOiJIUzI1NiJ9", "bob.smith"] {
            #expect(!redacted.contains(secret), "\(redacted)")
        }
        #expect(redacted.hasSuffix("[REDACTED]."))
        let escaped = #"{"message":"echo: {\"password\": \"hunter2 \\\"quoted\\\" x\", \"token\":\"t0k\"} end"}"#
        #expect(
            Redactor.redactPatterns(in: escaped)
                == #"{"message":"echo: {\"password\": \"[REDACTED]\", \"token\":\"[REDACTED]\"} end"}"#
        )
        // An unterminated value (a body cut at its limit) is masked to the end.
        #expect(Redactor.redactPatterns(in: #"{"token": "abcdef"#) == #"{"token": "[REDACTED]"#)
        #expect(Redactor.redactPatterns(in: "nothing to hide here") == "nothing to hide here")
    }

    @Test("adjacent, repeated, overlapping and nested secrets")
    func adjacentAndOverlapping() {
        let redactor = Redactor(knownSecrets: ["abcdef", "defghi", "secret", "my-secret-value", "aaa"])
        #expect(redactor.redact("x abcdefghi y") == "x [REDACTED] y", "overlapping: one mask")
        #expect(redactor.redact("abcdefabcdef") == "[REDACTED][REDACTED]", "adjacent: one mask each")
        #expect(redactor.redact("(my-secret-value)") == "([REDACTED])", "the longer one wins")
        #expect(redactor.redact("aaaaaaa.") == "[REDACTED].")
        #expect(redactor.redact(#"\u0061bcdefabcdef"#) == "[REDACTED][REDACTED]", "escaped beside raw")
        #expect(redactor.redact("%61%62%63def" + #"\u0064efghi"#) == "[REDACTED][REDACTED]")
        #expect(redactor.redact("secre") == "secre")
    }

    @Test("text without secrets comes back byte for byte (random strings of escape-like characters)")
    func unchangedWithoutSecrets() {
        var generator = SeededGenerator(seed: 0x5EC2E7)
        // No `@`, no `y`/`J` (JWT), no `r` (Bearer), no `s`/`p`/`k`/`o` (field names): only the
        // raw material of escapes, which must decode to nothing known.
        let alphabet = Array(#"0123456789abcdefABCDEF\\u%+/=":, xé😀"#.unicodeScalars) + ["\n", "\t", "\u{1B}"]
        let redactor = Redactor(
            knownSecrets: ["zyxwvut-Secret", "ak-Zx+9/Qm=<w>&v=="],
            emailAndPassword: ("zz@exemple.fr", "zyxwvut-Secret")
        )
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...300, using: &generator) {
                text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            let redacted = redactor.redact(text)
            #expect(Array(redacted.utf8) == Array(text.utf8), "\(text.debugDescription)")
        }
    }

    @Test("a secret in any encoding among random text is replaced by one mask and nothing else changes")
    func randomPlacement() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array(#"0123456789abcdefABCDEF\\u%+/=":xé😀"#.unicodeScalars)
        for _ in 0..<500 {
            func noise() -> String {
                var text = ""
                for _ in 0..<Int.random(in: 0...40, using: &generator) {
                    text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
                }
                return text
            }
            let secret = Self.secrets.randomElement(using: &generator)!
            let encoding = EchoEncoding.allCases.randomElement(using: &generator)!
            let (before, after) = (noise() + " ", " " + noise())
            let redacted = Self.redactor.redact(before + encoding.encode(secret) + after)
            #expect(redacted == before + "[REDACTED]" + after, "\(encoding) of \(secret)")
        }
    }

    @Test("a secret across the cut of a body at its limit is not shown in part")
    func secretAtTheCut() {
        let secret = "Cut-Here-S3cr3t-Value"
        let redactor = Redactor(knownSecrets: [secret])
        // The body reached its limit in the middle of the secret: its beginning is not shown.
        let mapping = ErrorMapping(credentials: nil, authenticator: nil, errorBodyLimit: 300)
        let body = ByteBuffer(string: String(repeating: "x", count: 290) + secret + " more")
        let excerpt = mapping.excerpt(of: body, redactor: redactor)
        #expect(!excerpt.contains("Cut-Here"), "\(excerpt)")
        // Where the shown part ends (the margin before the cut), a secret across it is masked whole.
        let margin = redactor.cutMargin
        let long = String(repeating: "y", count: 5000) + secret + String(repeating: "z", count: margin - 10)
        var bytes = Array(long.utf8)
        let cleaned = bytes.withUnsafeMutableBufferPointer { redactor.clean(UnsafeBufferPointer($0), truncated: true, limit: 100_000) }
        #expect(cleaned.hasSuffix("[REDACTED]…"), "\(cleaned.suffix(40))")
        #expect(!cleaned.contains("Cut-"))
        // A long text is read only as far as it can be shown.
        let message = String(repeating: "w", count: 1_000_000) + secret
        #expect(redactor.clean(message, limit: 20) == String(repeating: "w", count: 20) + "…")
    }

    @Test("a 2xx error object longer than maxErrorBodyBytes is cut before it is parsed or redacted")
    func successfulErrorObjectIsCapped() async throws {
        let secret = "Sup3r-S3cret-In-A-2xx"
        let filler = String(repeating: "\(secret) \\u0053up3r-S3cret-In-A-2xx ", count: 32 * 1024 * 1024 / 48)
        let body = ByteBuffer(string: #"{"error":{"message":""# + filler + #"","type":"x"}}"#)
        let mapping = ErrorMapping(credentials: .apiKey(secret), authenticator: nil, errorBodyLimit: 64 * 1024)
        var error: AIYouError?
        let growth = await ProcessMemory.peakGrowth {
            error = mapping.decodingError(
                body: body,
                status: 200,
                operation: .chatCompletion,
                expected: "ChatCompletion",
                underlying: DecodingError.keyNotFound(AnyCodingKey("choices"), .init(codingPath: [], debugDescription: ""))
            )
        }
        let mapped = try #require(error)
        // The object is cut at 64 KiB, so it does not parse: the error says what was expected.
        #expect(mapped.code == .decoding)
        #expect(mapped.message.contains("missing field \"choices\""))
        #expect(mapped.bodyExcerpt?.hasPrefix(#"{"error":{"message":"[REDACTED] [REDACTED] "#) == true, "\(mapped.bodyExcerpt ?? "")")
        #expect(!"\(mapped)".contains("Sup3r"))
        #expect(growth < 16 * 1024 * 1024, "parsing or redacting 32 MiB would take far more: \(growth)")
        // Within the limit, a 2xx error object is an API error with its message.
        let small = ByteBuffer(string: #"{"object":"error","message":"refused for \u0053up3r-S3cret-In-A-2xx","code":400}"#)
        let apiError = mapping.decodingError(
            body: small,
            status: 200,
            operation: .chatCompletion,
            expected: "ChatCompletion",
            underlying: mapped
        )
        #expect(apiError.code == .apiError && apiError.status == 400)
        #expect(apiError.message == "refused for [REDACTED]" && apiError.operation == .chatCompletion)
    }
}
