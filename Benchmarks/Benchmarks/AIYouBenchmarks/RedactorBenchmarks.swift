@_spi(Benchmarks) import AIYou
import Benchmark
import Foundation

/// Redacting a message full of secrets, every encoding mixed (raw, JSON- and `\u`-escaped,
/// percent- and base64-encoded, an HTTP Basic credential, Bearer tokens, JWTs, addresses,
/// credential fields): 160 kB, 1.6 MB and 16 MB. Time per byte and mallocs must stay flat as the
/// message grows. The implementation before issue 15 (a `replacingAll` per known secret, a
/// `replaceSubrange` per pattern match) is kept below as the baseline.
func redactorBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 20
    )
    for (label, segments) in [
        ("160 kB", RedactorFixtures.segmentsPer160kB), ("1.6 MB", 10 * RedactorFixtures.segmentsPer160kB),
        ("16 MB", 100 * RedactorFixtures.segmentsPer160kB),
    ] {
        Benchmark("Redact a message full of secrets, \(label): Redactor", configuration: configuration) { benchmark in
            let message = RedactorFixtures.message(segments: segments)
            benchmark.startMeasurement()
            blackHole(RedactorFixtures.redactor.redact(message))
            benchmark.stopMeasurement()
        }
        // The old implementation takes about half a minute at 16 MB: one run of it is enough.
        var baselineConfiguration = configuration
        if segments > 10 * RedactorFixtures.segmentsPer160kB {
            baselineConfiguration.warmupIterations = 0
            baselineConfiguration.maxIterations = 1
        }
        Benchmark("Redact a message full of secrets, \(label): old implementation (baseline)", configuration: baselineConfiguration) {
            benchmark in
            let message = RedactorFixtures.message(segments: segments)
            benchmark.startMeasurement()
            blackHole(RedactorFixtures.baseline.redact(message))
            benchmark.stopMeasurement()
        }
    }
    // The usual case: a short error body, by the redactor the client builds and by the old one.
    let fast = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 10, scalingFactor: .kilo)
    Benchmark("Redact an error body: Redactor", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RedactorFixtures.errorBodyRedactor.redact(RedactorFixtures.errorBody)) }
    }
    Benchmark("Redact an error body: old implementation (baseline)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RedactorFixtures.errorBodyBaseline.redact(RedactorFixtures.errorBody)) }
    }
    // Built once per error (and per logged or recorded call): with the email, the password and the
    // tokens issued, 1 for a fresh client, up to 64 (Authenticator.rememberedTokens) after days.
    for tokens in [1, 64] {
        let secrets = Array(RedactorFixtures.manyTokens.prefix(tokens)) + [RedactorFixtures.email, RedactorFixtures.password]
        Benchmark(
            "Build a redactor: credentials and \(tokens) issued token(s)",
            configuration: .init(metrics: [.wallClock, .mallocCountTotal])
        ) {
            benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Redactor(knownSecrets: secrets, emailAndPassword: (RedactorFixtures.email, RedactorFixtures.password)))
            }
        }
    }
}

enum RedactorFixtures {
    static let email = "demo@aiyou.test"
    static let password = "demo-pässword+/=<>&"
    static let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"
    static let apiKey = "ak-Zx+9/Qm=<w>&v=="
    static let redactor = Redactor(knownSecrets: [email, password, token, apiKey], emailAndPassword: (email, password))
    static let baseline = OldRedactor(knownSecrets: [email, password, token, apiKey])
    /// The error body and secrets of the "Redact an error body" benchmark.
    static let errorBody =
        #"{"message":"Invalid credentials for demo@aiyou.test","type":"AuthenticationError","code":401,"detail":"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl expired"}"#
    static let errorBodySecrets = ["demo@aiyou.test", "demo-password", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"]
    static let errorBodyRedactor = Redactor(knownSecrets: errorBodySecrets, emailAndPassword: ("demo@aiyou.test", "demo-password"))
    static let errorBodyBaseline = OldRedactor(knownSecrets: errorBodySecrets)
    /// JWT-shaped session tokens, as the service issues them.
    static let manyTokens = (0..<64).map { "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLS\($0)In0.c2lnbmF0dXJlLSAj\($0)" }

    /// One segment: ~400 bytes holding 12 secrets in different forms.
    static let segment: String = {
        let unicode = password.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined()
        let percent = apiKey.utf8.map { String(format: "%%%02X", $0) }.joined()
        let base64 = Data(apiKey.utf8).base64EncodedString()
        let basic = Data((email + ":" + password).utf8).base64EncodedString()
        return "login \(email) refused; body {\\\"password\\\":\\\"\(unicode)\\\"} url ?key=\(percent)&x=1 "
            + "Authorization: Basic \(basic) key \(base64) token \(token) Bearer \(apiKey) "
            + #"{"email": "someone@example.org", "token": "t-123"} "# + "go \(apiKey.replacingOccurrences(of: "<", with: "\\u003c")) "
            + "and some words of text between the secrets, plain as a message is.\n"
    }()
    static let segmentsPer160kB = 160_000 / segment.utf8.count

    static func message(segments: Int) -> String {
        String(repeating: segment, count: segments)
    }
}

/// The redactor as it was before issue 15, kept as the baseline: one `replacingAll` per known
/// secret (and its JSON-escaped forms), then one `replaceSubrange` of the whole text per pattern
/// match, which makes it quadratic on a text full of secrets.
struct OldRedactor {
    static let mask = "[REDACTED]"
    var knownSecrets: [String]

    init(knownSecrets: [String] = []) {
        var secrets: [String] = []
        for secret in knownSecrets where secret.utf8.count >= 3 {
            for variant in [secret, Self.jsonEscaped(secret), Self.replacingAll(in: Self.jsonEscaped(secret), "/", with: "\\/")]
            where !secrets.contains(variant) {
                secrets.append(variant)
            }
        }
        self.knownSecrets = secrets.sorted { $0.utf8.count > $1.utf8.count }
    }

    func redact(_ text: String) -> String {
        var result = text
        for secret in knownSecrets where result.contains(secret) {
            result = Self.replacingAll(in: result, secret, with: Self.mask)
        }
        return Self.redactPatterns(in: result)
    }

    static func redactPatterns(in text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        changed = maskSensitiveJSONFields(&bytes) || changed
        changed = maskBearerCredentials(&bytes) || changed
        changed = maskJWTs(&bytes) || changed
        changed = maskEmails(&bytes) || changed
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    private static func jsonEscaped(_ value: String) -> String {
        var output = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 { output += String(format: "\\u%04x", scalar.value) } else { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    private static func replacingAll(in text: String, _ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return text }
        var result = ""
        var remainder = text[...]
        while let range = remainder.firstRange(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }

    private static let sensitiveFieldNames: [[UInt8]] = [
        "password", "token", "access_token", "refresh_token", "email", "apikey", "api_key", "authorization", "secret",
    ].map { Array($0.utf8) }

    private static func maskSensitiveJSONFields(_ bytes: inout [UInt8]) -> Bool {
        var changed = false
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
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

    private static func maskJWTs(_ bytes: inout [UInt8]) -> Bool {
        let prefix = Array("eyJ".utf8)
        var changed = false
        var index = 0
        while index + prefix.count <= bytes.count {
            guard bytes[index..<index + prefix.count].elementsEqual(prefix), index == 0 || !isBase64URLByte(bytes[index - 1]) else {
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
