import Foundation
import NIOCore
import NIOHTTP1
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Every number from the wire passes one bounded reading: extreme values (0, negative, huge,
/// `inf`, `nan`, 30 digits, exponents, dates before 1970 and after 9999) are clamped or refused,
/// never trapped on.
@Suite("Wire values: extreme numbers are clamped or refused, never trapped on")
struct WireValueTests {
    static let extremes = [
        "0", "-1", "-0", "1", "1.5", "1e19", "1E300", "1e-400", "inf", "-inf", "infinity", "nan", "NaN", "+5",
        "999999999999999999999999999999", "0x10", "1_000", " 7 ", "", "1e", "..", "9223372036854775807",
        "18446744073709551616", "-9223372036854775808", String(repeating: "9", count: 400),
    ]

    @Test("server delays are clamped to 0…1 day whatever the header says")
    func delays() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for text in Self.extremes {
            for name in ["Retry-After", "retry-after-ms"] {
                let delay = RetryPolicy.serverDelay(in: HTTPHeaders([(name, text)]), now: now)
                if let delay { #expect(delay >= .zero && delay <= WireValue.maxServerDelay, "\(name): \(text) → \(delay)") }
            }
            if let reset = RetryPolicy.resetDelay(text, now: now) {
                #expect(reset >= .zero && reset <= WireValue.maxServerDelay, "reset \(text) → \(reset)")
            }
        }
        let headers = { (value: String) in HTTPHeaders([("Retry-After", value)]) }
        #expect(RetryPolicy.serverDelay(in: headers("1e19"), now: now) == .seconds(86_400))
        #expect(RetryPolicy.serverDelay(in: headers("-1"), now: now) == nil, "not a non-negative decimal")
        #expect(RetryPolicy.serverDelay(in: headers("inf"), now: now) == nil)
        #expect(RetryPolicy.serverDelay(in: headers("nan"), now: now) == nil)
        #expect(RetryPolicy.serverDelay(in: headers("2.5"), now: now) == .milliseconds(2500))
        #expect(RetryPolicy.serverDelay(in: HTTPHeaders([("retry-after-ms", "1e30")]), now: now) == .seconds(86_400))
        #expect(RetryPolicy.serverDelay(in: headers("Fri, 31 Dec 9999 23:59:59 GMT"), now: now) == .seconds(86_400))
        #expect(RetryPolicy.serverDelay(in: headers("Thu, 01 Jan 1970 00:00:00 GMT"), now: now) == .zero)
        #expect(RetryPolicy.serverDelay(in: headers("Mon, 01 Jan 0001 00:00:00 GMT"), now: now) == .zero)
        #expect(RetryPolicy.serverDelay(in: headers("Mon, 01 Jan 99999999999999999999 00:00:00 GMT"), now: now) == nil)
        #expect(RetryPolicy.resetDelay("1e300", now: now) == .seconds(86_400))
        #expect(RetryPolicy.resetDelay("9999999999999999h", now: now) == .seconds(86_400))
        #expect(RetryPolicy.resetDelay("1800000010", now: now) == .seconds(10), "a Unix timestamp")
        #expect(RetryPolicy.resetDelay("1000000001", now: now) == .zero, "a timestamp in the past")
    }

    @Test("integers saturate, sums saturate, dates stay within the years 1…9999")
    func numbers() {
        #expect(WireValue.integer(1e300) == .max)
        #expect(WireValue.integer(-1e300) == .min)
        #expect(WireValue.integer(.infinity) == .max)
        #expect(WireValue.integer(.nan) == nil)
        #expect(WireValue.integer(1.5) == nil)
        #expect(WireValue.integer(9.2e18) == 9_200_000_000_000_000_000)
        #expect(WireValue.sum(.max, .max) == .max)
        #expect(WireValue.sum(.min, -1) == .min)
        #expect(WireValue.sum(2, 3) == 5)
        #expect(WireValue.date(unixSeconds: 1e300) == WireValue.latestDate)
        #expect(WireValue.date(unixSeconds: -1e300) == WireValue.earliestDate)
        #expect(WireValue.date(unixSeconds: .nan) == nil)
        #expect(WireValue.wholeSeconds(from: WireValue.earliestDate, to: WireValue.latestDate) > 0)
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
        #expect(Duration.seconds(Int64.max).formattedSeconds.isEmpty == false)
    }

    @Test("absurd counts and dates in answers decode, on the fast path and through JSONDecoder alike")
    func absurdAnswers() throws {
        let completion = #"""
            {"id": "c", "created": 1e300, "choices": [{"index": 9223372036854775807, "message": {"role": "assistant", "content": "x"}}],
             "usage": {"prompt_tokens": 9223372036854775807, "completion_tokens": 9223372036854775807}}
            """#
        let decoded = try JSONCoding.decoder.decode(ChatCompletion.self, from: Data(completion.utf8))
        #expect(decoded.usage?.totalTokens == .max, "saturated, not trapped")
        #expect(decoded.created == WireValue.latestDate)
        let bigCounts =
            #"{"id":"c","created":999999999999999,"choices":[],"usage":{"prompt_tokens":999999999999999,"completion_tokens":999999999999999}}"#
        let fast = Data(bigCounts.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) }
        let slow = try JSONCoding.decoder.decode(ChatCompletion.self, from: Data(bigCounts.utf8))
        #expect(fast == slow)
        #expect(fast?.created == WireValue.latestDate)

        let page = try JSONCoding.decoder.decode(
            ThreadPage.self,
            from: Data(#"{"threads": [], "totalItems": 9223372036854775807, "itemsPerPage": 1, "currentPage": -3}"#.utf8)
        )
        #expect(page.totalPages == .max)
        #expect(page.isLast(requested: ThreadQuery(page: 1, itemsPerPage: 10)), "an empty page ends the walk whatever the total")
        let huge = try JSONCoding.decoder.decode(
            ThreadPage.self,
            from: Data(#"{"threads": [], "totalItems": 9223372036854775807, "itemsPerPage": 9223372036854775807}"#.utf8)
        )
        #expect(huge.totalPages == 1)
        let negative = try JSONCoding.decoder.decode(
            ThreadPage.self,
            from: Data(#"{"threads": [], "totalItems": -5, "itemsPerPage": -1}"#.utf8)
        )
        #expect(negative.totalPages == 0)

        let login = try JSONCoding.decoder.decode(LoginResponse.self, from: Data(#"{"token": "t", "expires_at": 1e300}"#.utf8))
        #expect(login.expiresAt == WireValue.latestDate)
        let ancient = try JSONCoding.decoder.decode(LoginResponse.self, from: Data(#"{"token": "t", "expires_at": -1e300}"#.utf8))
        #expect(ancient.expiresAt == WireValue.earliestDate)
        let models = try JSONCoding.decoder.decode(
            ModelList.self,
            from: Data(
                #"{"models": [{"name": "a", "context_window": 1e300}, {"name": "b", "context_window": "99999999999999999999999999999"}], "total": 1e300}"#
                    .utf8
            )
        )
        #expect(models.models.map(\.contextWindow) == [nil, nil])
    }

    @Test("ids that would become dot segments or carry control characters are refused; others are percent-encoded")
    func identifiers() throws {
        for id in ["", "  ", ".", "..", "a\u{1B}[31m", "a\nb", "a\u{7F}", "\u{9B}x"] {
            #expect(throws: AIYouError.self, "\(id.debugDescription)") { try PercentEncoding.pathSegment(id, operation: .deleteThread) }
        }
        #expect(try PercentEncoding.pathSegment("a/b c", operation: .deleteThread) == "a%2Fb%20c")
        #expect(try PercentEncoding.pathSegment("...", operation: .deleteThread) == "...")
        #expect(try PercentEncoding.pathSegment("é", operation: .deleteThread) == "%C3%A9")
    }

    @Test("loopback is decided by parsing the address")
    func loopback() {
        for host in [
            "localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1",
            "0:0:0:0:0:0:0:1",
        ] {
            #expect(Configuration.isLoopback(host), "\(host)")
        }
        for host in [
            "127.evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "evil.localhost", "128.0.0.1", "::2", "10.0.0.1",
            "0.0.0.0", "1270.0.0.1", "[::ffff:10.0.0.1]", "",
        ] {
            #expect(!Configuration.isLoopback(host), "\(host)")
        }
    }

    @Test("control characters from the wire are escaped before anyone sees them")
    func controlCharacters() {
        let hostile = "ok\u{1B}[31mRED\u{1B}[0m\u{1B}]0;pwned\u{07}\r\u{08}\u{9B}x\ty\nz"
        let escaped = SafeText.escapingControlCharacters(hostile)
        #expect(
            !escaped.unicodeScalars.contains {
                $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D || $0.value == 0x08 || $0.value == 0x9B
            }
        )
        #expect(escaped.contains("\\u{1B}[31mRED"))
        #expect(escaped.contains("\ty\nz"), "tabs and line feeds are kept for multi-line text")
        #expect(SafeText.escapingControlCharacters(hostile, keepingLineBreaks: false).contains(" y z"))
        #expect(SafeText.escapingControlCharacters("Café ☕️ 日本語") == "Café ☕️ 日本語")
        var error = AIYouError(.apiError, "x\u{1B}[2J", errorType: "t\u{07}", bodyExcerpt: "b\r", requestID: "r\u{1B}")
        error.status = 500
        for text in [error.description, error.debugDescription, "\(error)"] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 }, "\(text)")
        }
    }
}
