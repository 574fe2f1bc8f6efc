import Foundation
import NIOHTTP1
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Adaptive pacing: the share of what the headers say is left, and CUBIC after a 429")
struct AdaptivePacerTests {
    static let second: Int64 = 1_000_000_000
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    static func headers(remaining: Int, reset: String, limit: Int = 100, tokens: (remaining: Int, reset: String)? = nil) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "X-RateLimit-Limit-Requests": "\(limit)", "X-RateLimit-Remaining-Requests": "\(remaining)", "X-RateLimit-Reset-Requests": reset,
        ]
        if let tokens {
            headers.add(name: "X-RateLimit-Remaining-Tokens", value: "\(tokens.remaining)")
            headers.add(name: "X-RateLimit-Reset-Tokens", value: tokens.reset)
        }
        return headers
    }

    @Test("alone on the account: the rate spreads what is left over the time to the reset, with the headroom")
    func alone() throws {
        let pacer = AdaptivePacer(settings: .init(headroom: 0.9))
        var rate: Double?
        // Each answer takes one from Remaining: this client is all the traffic.
        for (index, remaining) in (50...60).reversed().enumerated() {
            let now = Int64(index) * 10_000_000
            rate =
                pacer.observe(
                    status: 200,
                    headers: Self.headers(remaining: remaining, reset: "10s"),
                    sentAt: now,
                    now: now,
                    wallClock: Self.date
                ).rate
        }
        // 50 left over 10 s: 5/s, times 0.9.
        #expect(abs(try #require(rate) - 4.5) < 0.1)
    }

    @Test("one client of four: each answer sees Remaining fall by four, so it takes a quarter")
    func shareOfFour() throws {
        let pacer = AdaptivePacer(settings: .init(headroom: 1))
        var rate: Double?
        for step in 0..<200 {
            let now = Int64(step) * 1_000_000
            rate =
                pacer.observe(
                    status: 200,
                    headers: Self.headers(remaining: 1000 - 4 * step, reset: "20s"),
                    sentAt: now,
                    now: now,
                    wallClock: Self.date
                ).rate
        }
        // 1000 - 796 = 204 left over 20 s: 10.2/s for the account, a quarter of it for this client.
        let expected = 204.0 / 20 / 4
        #expect(abs(try #require(rate) - expected) / expected < 0.1)
    }

    @Test("reset written as seconds, as a duration or as a Unix time gives the same pacing")
    func resetFormats() throws {
        var rates: [Double] = []
        for reset in ["90", "1m30s", "90000ms", "\(Int(Self.date.timeIntervalSince1970) + 90)"] {
            let pacer = AdaptivePacer(settings: .init(headroom: 1))
            let rate = pacer.observe(
                status: 200,
                headers: Self.headers(remaining: 90, reset: reset),
                sentAt: 0,
                now: 0,
                wallClock: Self.date
            ).rate
            rates.append(try #require(rate, "reset \(reset)"))
        }
        for rate in rates { #expect(abs(rate - 1) < 0.01) }
    }

    @Test("hostile headers are ignored: no pacing from values that do not parse or are out of range")
    func hostileHeaders() {
        let pacer = AdaptivePacer(settings: .init())
        for (remaining, reset) in [
            ("-5", "10s"), ("1e400", "10s"), ("12", "soon"), (String(repeating: "9", count: 500), "1s"), ("nan", "1s"),
        ] {
            let headers: HTTPHeaders = ["X-RateLimit-Remaining-Requests": remaining, "X-RateLimit-Reset-Requests": reset]
            #expect(pacer.observe(status: 200, headers: headers, sentAt: 0, now: 0, wallClock: Self.date).rate == nil)
        }
    }

    @Test("token headers: what is left in tokens, divided by the tokens a request uses, caps the rate")
    func tokens() throws {
        let pacer = AdaptivePacer(settings: .init(headroom: 1))
        var rate: Double?
        // Alone; each request uses 100 tokens; 100 requests but only 2,000 tokens left for 10 s.
        for step in 0..<50 {
            let now = Int64(step) * 1_000_000
            let headers = Self.headers(remaining: 150 - step, reset: "10s", tokens: (7000 - 100 * step, "10s"))
            rate = pacer.observe(status: 200, headers: headers, sentAt: now, now: now, wallClock: Self.date).rate
        }
        // Tokens: (7000 - 4900) / 10 s / 100 per request = 2.1/s; requests would allow 10.1/s.
        #expect(abs(try #require(rate) - 2.1) < 0.2)
    }

    @Test("a 429 cuts the measured rate to 70 %, counted once per round, then the rate climbs back along the cubic")
    func cubic() throws {
        let pacer = AdaptivePacer(settings: .init())
        // 20 answers per second for 3 s, no headers: no pacing.
        var now: Int64 = 0
        for _ in 0..<60 {
            #expect(pacer.observe(status: 200, headers: [:], sentAt: now, now: now, wallClock: Self.date).rate == nil)
            now += Self.second / 20
        }
        let cut = try #require(pacer.observe(status: 429, headers: [:], sentAt: now, now: now, wallClock: Self.date).rate)
        #expect(abs(cut - 14) < 1.5)
        // A 429 for a request sent before the cut does not cut again.
        let again = try #require(pacer.observe(status: 429, headers: [:], sentAt: now - 1, now: now + 1, wallClock: Self.date).rate)
        #expect(again >= cut * 0.99)
        // The climb: rising, back to the rate before the 429 after K = cbrt(20 × 0.3 / 0.4) ≈ 2.47 s.
        var previous = again
        var rate = again
        for _ in 0..<50 {
            now += Self.second / 20
            rate = try #require(pacer.observe(status: 200, headers: [:], sentAt: now, now: now, wallClock: Self.date).rate)
            #expect(rate >= previous - 1e-9)
            previous = rate
        }
        #expect(rate > 19)
    }

    @Test("with headers, a 429 scales their rate to 70 %, back to 100 % about 0.9 s later; the reset brings the whole window's share")
    func throttledWithHeaders() throws {
        let pacer = AdaptivePacer(settings: .init(headroom: 1))
        let before = try #require(
            pacer.observe(status: 200, headers: Self.headers(remaining: 50, reset: "10s"), sentAt: 0, now: 0, wallClock: Self.date).rate
        )
        let cut = pacer.observe(status: 429, headers: Self.headers(remaining: 50, reset: "10s"), sentAt: 0, now: 0, wallClock: Self.date)
        #expect(abs(try #require(cut.rate) - before * 0.7) < 0.01)
        let later = pacer.observe(
            status: 200,
            headers: Self.headers(remaining: 50, reset: "9s"),
            sentAt: Self.second,
            now: Self.second,
            wallClock: Self.date
        )
        // 50 over 9 s, the factor back at 1.
        #expect(abs(try #require(later.rate) - 50.0 / 9) < 0.01)
        // After the reset (10 s from the first answer), the limit of 100 per 10-second window.
        let then = try #require(later.then)
        #expect(then.at == 10 * Self.second)
        #expect(abs(try #require(then.perSecond) - 10) < 0.01)
    }

    @Test("a rate scheduled for the reset takes over then: tokens before it at the old rate, after it at the new")
    func scheduledRate() {
        let second: Int64 = 1_000_000_000
        var bucket = TokenBucket(ratePerSecond: nil, burst: 1, now: 0)
        bucket.setRate(perSecond: 1, now: 0, queued: 0, then: (at: second / 2, perSecond: 100))
        let first = bucket.tryTake(now: 0)
        #expect(first)
        // The next token: half a second at 1/s earns 0.5, the other half at 100/s takes 5 ms.
        #expect(bucket.delay(untilTokens: 1, now: 0) == second / 2 + 5_000_000)
        bucket.refill(now: second / 2 + 5_000_000)
        let second2 = bucket.tryTake(now: second / 2 + 5_000_000)
        #expect(second2)
        #expect(bucket.scheduled == nil)
        #expect(bucket.delay(untilTokens: 1, now: second / 2 + 5_000_000) == 10_000_000)
    }

    @Test("through the client: a 429 from the service paces the limiter, and later calls go at the paced rate")
    func throughTheClient() async throws {
        try await withLLMaaS(client: {
            $0.adaptivePacing = .init()
            $0.retry.maxRetries = 0
        }) { server, client in
            _ = try await client.chatCompletion(QuotaTests.request())
            server.enqueueFaults([.rateLimited(retryAfter: "0")], for: .llmaasChatCompletions)
            await expectAIYouError(.rateLimited) { try await client.chatCompletion(QuotaTests.request()) }
            // The limiter now holds a rate: it no longer takes the lock-free path.
            #expect(!client.pipeline.rateLimiter.isOnFastPath)
        }
    }
}
