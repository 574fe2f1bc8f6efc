import Foundation
import Synchronization
import Testing

@testable import AIYouMockServer

@Suite("Shared quota", .timeLimit(TestTiming.limit(minutes: 2)))
struct SharedQuotaTests {
    /// A window no test outlives.
    static let longWindow: Duration = .seconds(3600)

    static func configuration(_ quota: MockSharedQuota?) -> MockServerConfiguration {
        var configuration = MockServerConfiguration()
        configuration.sharedQuota = quota
        return configuration
    }

    static func int(_ response: RawResponse, _ name: String) -> Int? {
        response.header(name).flatMap { Int($0) }
    }

    /// The number of milliseconds of a reset header such as `734ms`.
    static func resetMilliseconds(_ response: RawResponse, _ name: String) -> Int? {
        guard let value = response.header(name), value.hasSuffix("ms") else { return nil }
        return Int(value.dropLast(2))
    }

    @Test("5 requests per window: 5 admitted counting down 4…0, the 6th refused with 429, Retry-After and the headers")
    func exactCounts() async throws {
        let quota = MockSharedQuota(requests: 5, window: Self.longWindow)
        try await MockAIYouServer.withRunning(configuration: Self.configuration(quota)) { server in
            let http = TestHTTP(server)
            var remaining: [Int?] = []
            for index in 0..<5 {
                // Both services draw on the same quota.
                let response =
                    try await (index.isMultiple(of: 2) ? http.send(.GET, "/api/v1/user/assistants") : http.send(.GET, "/v1/models"))
                try #require(response.status == 200, "\(response.text)")
                #expect(Self.int(response, "X-RateLimit-Limit-Requests") == 5)
                remaining.append(Self.int(response, "X-RateLimit-Remaining-Requests"))
                let reset = try #require(Self.resetMilliseconds(response, "X-RateLimit-Reset-Requests"))
                #expect((1...3_600_000).contains(reset))
                #expect(response.header("X-RateLimit-Limit-Tokens") == nil)
                #expect(response.header("Retry-After") == nil)
                // One value per name: the quota's replace LLMaaS's fixed ones.
                #expect(response.headers["X-RateLimit-Limit-Requests"].count == 1)
                #expect(response.headers["X-RateLimit-Remaining-Requests"].count == 1)
                #expect(response.headers["X-RateLimit-Reset-Requests"].count == 1)
            }
            #expect(remaining == [4, 3, 2, 1, 0])

            let refused = try await http.send(.GET, "/api/v1/user/assistants")
            #expect(refused.status == 429)
            #expect(try refused.object()["code"] as? Int == 429)
            #expect(try refused.object()["message"] as? String == "Too Many Requests")
            let retryAfter = try #require(Self.int(refused, "Retry-After"))
            let retryAfterMilliseconds = try #require(Self.int(refused, "retry-after-ms"))
            #expect((1...3600).contains(retryAfter))
            #expect((1...3_600_000).contains(retryAfterMilliseconds))
            #expect(retryAfter == (retryAfterMilliseconds + 999) / 1000)
            #expect(Self.int(refused, "X-RateLimit-Limit-Requests") == 5)
            #expect(Self.int(refused, "X-RateLimit-Remaining-Requests") == 0)
            #expect(Self.resetMilliseconds(refused, "X-RateLimit-Reset-Requests") == retryAfterMilliseconds)

            // An LLMaaS refusal is an OpenAI error object.
            let refusedLLMaaS = try await http.send(.POST, "/v1/embeddings", json: #"{"model":"bge-m3:567m","input":"Bonjour"}"#)
            #expect(refusedLLMaaS.status == 429)
            let error = try LLMaaS.error(refusedLLMaaS)
            #expect(error["message"] as? String == "Too Many Requests")
            #expect(refusedLLMaaS.headers["X-RateLimit-Remaining-Requests"] == ["0"])
            #expect(refusedLLMaaS.header("retry-after-ms") != nil)

            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.quota == quota)
            #expect(usage.admittedRequests == 5)
            #expect(usage.refusedRequests == 2)
            #expect(usage.outputTokens == 0)
            #expect(usage.windowsStarted == 1)
            // Refused requests reached their route's counter all the same.
            #expect(server.requestCount(.assistants) == 4)
        }
    }

    @Test("output tokens: each chat answer's completion_tokens, whole and streamed, then 429 with Remaining-Tokens 0")
    func tokenLimit() async throws {
        let quota = MockSharedQuota(outputTokens: 30, window: Self.longWindow)
        try await MockAIYouServer.withRunning(configuration: Self.configuration(quota)) { server in
            let http = TestHTTP(server)
            // Other routes count as requests but charge no tokens.
            let models = try await http.send(.GET, "/v1/models")
            #expect(models.status == 200)
            #expect(Self.int(models, "X-RateLimit-Limit-Tokens") == 30)
            #expect(Self.int(models, "X-RateLimit-Remaining-Tokens") == 30)
            #expect(Self.resetMilliseconds(models, "X-RateLimit-Reset-Tokens") != nil)
            // Requests are not limited: no request headers, not even LLMaaS's fixed ones.
            #expect(models.header("X-RateLimit-Limit-Requests") == nil)
            #expect(models.header("X-RateLimit-Remaining-Requests") == nil)
            #expect(models.header("x-request-id") != nil)

            let whole = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss"))
            try #require(whole.status == 200)
            #expect(try AssembledAnswer(answer: whole.object()).usage["completion_tokens"] == 10)
            #expect(Self.int(whole, "X-RateLimit-Remaining-Tokens") == 20)

            let streamed = try await http.send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss", stream: true)
            )
            try #require(streamed.status == 200)
            #expect(try AssembledAnswer(stream: streamed.text).usage["completion_tokens"] == 10)
            #expect(streamed.header("Content-Type") == "text/event-stream")
            #expect(Self.int(streamed, "X-RateLimit-Remaining-Tokens") == 10)
            #expect(streamed.headers["X-RateLimit-Remaining-Tokens"].count == 1)

            // The AI.YOU chat route charges its answers too: 8 tokens (one per chunk).
            let aiyouStream = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("Bonjour", stream: true))
            try #require(aiyouStream.status == 200)
            #expect(aiyouStream.text.contains(#""completion_tokens":8"#))
            #expect(Self.int(aiyouStream, "X-RateLimit-Remaining-Tokens") == 2)

            // Admitted with 2 tokens left: its 8 take the window past its budget; never negative.
            let aiyouWhole = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("Bonjour"))
            try #require(aiyouWhole.status == 200)
            let usageObject = try #require((try aiyouWhole.object()["response"] as? [String: Any])?["usage"] as? [String: Any])
            #expect(usageObject["completion_tokens"] as? Int == 8)
            #expect(Self.int(aiyouWhole, "X-RateLimit-Remaining-Tokens") == 0)

            let refused = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Encore ?"))
            #expect(refused.status == 429)
            #expect(try LLMaaS.error(refused)["message"] as? String == "Too Many Requests")
            #expect(Self.int(refused, "X-RateLimit-Remaining-Tokens") == 0)
            #expect(Self.int(refused, "X-RateLimit-Limit-Tokens") == 30)
            #expect(Self.int(refused, "Retry-After") != nil)
            #expect(Self.int(refused, "retry-after-ms") != nil)
            let refusedModels = try await http.send(.GET, "/api/v1/models")
            #expect(refusedModels.status == 429)

            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.admittedRequests == 5)
            #expect(usage.refusedRequests == 2)
            #expect(usage.outputTokens == 36)
        }
    }

    @Test("a new window restores the budget")
    func newWindow() async throws {
        let quota = MockSharedQuota(requests: 2, window: .milliseconds(200))
        try await MockAIYouServer.withRunning(configuration: Self.configuration(quota)) { server in
            let http = TestHTTP(server)
            // Spend a window's budget: the first refusal comes once 2 requests arrived in one window.
            var refused: RawResponse?
            for _ in 0..<100 where refused == nil {
                let response = try await http.send(.GET, "/v1/models")
                if response.status == 429 { refused = response }
            }
            let refusal = try #require(refused)
            let wait = try #require(Self.int(refusal, "retry-after-ms"))
            #expect((1...200).contains(wait))
            #expect(refusal.header("Retry-After") == "1")
            #expect(Self.int(refusal, "X-RateLimit-Remaining-Requests") == 0)

            try await Task.sleep(for: .milliseconds(wait))
            let restored = try await http.send(.GET, "/v1/models")
            #expect(restored.status == 200)
            #expect(Self.int(restored, "X-RateLimit-Remaining-Requests") == 1)

            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.refusedRequests == 1)
            #expect(usage.windowsStarted >= 2)
            #expect(usage.admittedRequests >= 3)
            #expect(usage.elapsed >= .milliseconds(200))
        }
    }

    @Test("usage: counts, shares, reset by resetCounters, replaced by setting the quota on a running server")
    func usageInspection() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            #expect(server.sharedQuota == nil)
            #expect(server.sharedQuotaUsage == nil)

            let quota = MockSharedQuota(requests: 3, outputTokens: 100, window: Self.longWindow)
            server.sharedQuota = quota
            #expect(server.sharedQuota == quota)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(
                    try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss")).status
                )
            }
            #expect(statuses == [200, 200, 200, 429])
            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.quota == quota)
            #expect(usage.admittedRequests == 3)
            #expect(usage.refusedRequests == 1)
            #expect(usage.outputTokens == 30)
            #expect(usage.windowsStarted == 1)
            #expect(usage.elapsed > .zero)
            // 3 requests in a fraction of an hour's window: far above the average rate, clamped.
            #expect(usage.requestShareUsed == 1)
            #expect(usage.tokenShareUsed == 1)

            server.resetCounters()
            let reset = try #require(server.sharedQuotaUsage)
            #expect(reset.quota == quota)
            let counts: [Int] = [reset.admittedRequests, reset.refusedRequests, reset.outputTokens, reset.windowsStarted]
            #expect(counts == [0, 0, 0, 0])
            #expect(try await http.send(.GET, "/v1/models").status == 200)
            #expect(server.sharedQuotaUsage?.admittedRequests == 1)

            // Setting a quota starts again; removing it brings LLMaaS's fixed headers back.
            server.sharedQuota = MockSharedQuota(requests: 1, window: Self.longWindow)
            #expect(try await http.send(.GET, "/v1/models").status == 200)
            #expect(try await http.send(.GET, "/v1/models").status == 429)
            server.sharedQuota = nil
            #expect(server.sharedQuotaUsage == nil)
            let free = try await http.send(.GET, "/v1/models")
            #expect(free.status == 200)
            #expect(free.header("X-RateLimit-Limit-Requests") == "1000")
        }
    }

    @Test("50 concurrent requests against a quota of 20: exactly 20 admitted, 30 refused")
    func concurrency() async throws {
        let quota = MockSharedQuota(requests: 20, window: Self.longWindow)
        try await MockAIYouServer.withRunning(configuration: Self.configuration(quota)) { server in
            let http = TestHTTP(server)
            let answers = try await withThrowingTaskGroup(of: (status: Int, remaining: Int?).self) {
                group -> [(status: Int, remaining: Int?)] in
                for index in 0..<50 {
                    group.addTask {
                        let response =
                            index.isMultiple(of: 2)
                            ? try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Bonjour \(index)"))
                            : try await http.send(.GET, "/api/v1/user/assistants")
                        return (response.status, Self.int(response, "X-RateLimit-Remaining-Requests"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.status == 200 }.count == 20)
            #expect(answers.filter { $0.status == 429 }.count == 30)
            // Each admitted request saw its own place in the window.
            #expect(answers.filter { $0.status == 200 }.compactMap(\.remaining).sorted() == Array(0..<20))
            #expect(answers.filter { $0.status == 429 }.allSatisfy { $0.remaining == 0 })
            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.admittedRequests == 20)
            #expect(usage.refusedRequests == 30)
        }
    }

    @Test("logins and unauthenticated requests are not counted")
    func loginNotCounted() async throws {
        let quota = MockSharedQuota(requests: 1, window: Self.longWindow)
        try await MockAIYouServer.withRunning(configuration: Self.configuration(quota)) { server in
            let http = TestHTTP(server)
            let token = try await http.login()
            _ = try await http.login()
            let login = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"\#(MockAccount.demo.email)","password":"\#(MockAccount.demo.password)"}"#,
                token: nil
            )
            #expect(login.status == 200)
            #expect(login.header("X-RateLimit-Limit-Requests") == nil)
            #expect(try await http.send(.GET, "/api/v1/user/assistants", token: "not-a-token").status == 401)
            #expect(try await http.send(.GET, "/v1/models", token: nil).status == 401)

            let admitted = try await http.send(.GET, "/api/v1/user/assistants", token: token)
            #expect(admitted.status == 200)
            #expect(Self.int(admitted, "X-RateLimit-Remaining-Requests") == 0)
            #expect(try await http.send(.GET, "/api/v1/user/assistants", token: token).status == 429)
            // Logging in still works once the quota is spent.
            _ = try await http.login()

            let usage = try #require(server.sharedQuotaUsage)
            #expect(usage.admittedRequests == 1)
            #expect(usage.refusedRequests == 1)
        }
    }

    @Test("without a quota the headers do not change: LLMaaS keeps its fixed ones, AI.YOU has none")
    func noQuota() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            #expect(server.sharedQuotaUsage == nil)
            let models = try await http.send(.GET, "/v1/models")
            #expect(models.header("X-RateLimit-Limit-Requests") == "1000")
            #expect(models.header("X-RateLimit-Remaining-Requests") == "999")
            let reset = try #require(Self.int(models, "X-RateLimit-Reset-Requests"))
            #expect(reset > 1_700_000_000)
            #expect(models.header("X-RateLimit-Limit-Tokens") == nil)
            #expect(models.header("retry-after-ms") == nil)
            let stream = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Bonjour", stream: true))
            #expect(stream.header("X-RateLimit-Remaining-Requests") == "998")
            let assistants = try await http.send(.GET, "/api/v1/user/assistants")
            #expect(assistants.status == 200)
            #expect(assistants.headers.allSatisfy { !$0.name.lowercased().hasPrefix("x-ratelimit") })
            for _ in 0..<30 {
                #expect(try await http.send(.GET, "/api/v1/user/assistants").status == 200)
            }
        }
    }

    @Test("the configuration's initializers: with a quota, and without as before")
    func configurationInitializers() {
        let quota = MockSharedQuota(requests: 7, outputTokens: 70, window: .milliseconds(500))
        #expect(MockServerConfiguration(port: 0, shutdownGracePeriod: .seconds(1), sharedQuota: quota).sharedQuota == quota)
        #expect(MockServerConfiguration(port: 0, shutdownGracePeriod: .seconds(1)).sharedQuota == nil)
        #expect(MockServerConfiguration(host: "127.0.0.1").sharedQuota == nil)
        #expect(MockServerConfiguration().sharedQuota == nil)
        #expect(MockSharedQuota().window == .seconds(1))
        #expect(MockSharedQuota().requests == nil && MockSharedQuota().outputTokens == nil)
    }

    @Test("the ledger on a stepped clock: window boundaries, resets, tokens of an ended window, shares")
    func ledgerOnSteppedClock() throws {
        let clock = SteppedInstant()
        let ledger = SharedQuotaLedger(quota: MockSharedQuota(requests: 2, outputTokens: 10, window: .seconds(1)), now: clock.now)
        clock.advance(.milliseconds(250))
        let first = try #require(ledger.admit())
        #expect(first.isAdmitted)
        #expect(first.requestsUsed == 1)
        #expect(first.nanosecondsToReset == 750_000_000)
        #expect(ledger.charge(6, to: first.ticket) == 6)
        let second = try #require(ledger.admit())
        #expect(second.isAdmitted)
        #expect(second.requestsUsed == 2)
        #expect(second.tokensUsed == 6)
        clock.advance(.milliseconds(749))
        let third = try #require(ledger.admit())
        #expect(!third.isAdmitted)
        #expect(third.nanosecondsToReset == 1_000_000)

        // The next window: the budget is back; tokens of a request of the last window count in
        // the total, not in this window.
        clock.advance(.milliseconds(1))
        let fourth = try #require(ledger.admit())
        #expect(fourth.isAdmitted)
        #expect(fourth.requestsUsed == 1)
        #expect(fourth.tokensUsed == 0)
        #expect(fourth.nanosecondsToReset == 1_000_000_000)
        #expect(ledger.charge(5, to: second.ticket) == nil)
        #expect(ledger.charge(10, to: fourth.ticket) == 10)
        // Tokens spent: refused although a request is left.
        let fifth = try #require(ledger.admit())
        #expect(!fifth.isAdmitted)
        #expect(fifth.requestsUsed == 1)

        // Two windows later, nobody having called in between.
        clock.advance(.milliseconds(2500))
        #expect(ledger.admit()?.isAdmitted == true)
        let usage = try #require(ledger.usage)
        #expect(usage.admittedRequests == 4)
        #expect(usage.refusedRequests == 2)
        #expect(usage.outputTokens == 21)
        #expect(usage.windowsStarted == 3)
        #expect(usage.elapsed == .milliseconds(3500))
        // 4 / (2 × 3.5) and 21 / (10 × 3.5).
        #expect(abs((usage.requestShareUsed ?? 0) - 4.0 / 7.0) < 1e-9)
        #expect(abs((usage.tokenShareUsed ?? 0) - 0.6) < 1e-9)

        // A restart forgets the counts and the tickets of before.
        ledger.restart()
        #expect(ledger.charge(3, to: fourth.ticket) == nil)
        #expect(ledger.usage?.outputTokens == 0)
        #expect(ledger.usage?.requestShareUsed == nil)
        ledger.set(nil)
        #expect(ledger.admit() == nil)
        #expect(ledger.usage == nil)
    }

    @Test("shares: nil without a positive limit or elapsed time; a negative limit refuses everything")
    func sharesAndOddLimits() throws {
        let clock = SteppedInstant()
        let ledger = SharedQuotaLedger(quota: MockSharedQuota(requests: -3, window: .zero), now: clock.now)
        let refused = try #require(ledger.admit())
        #expect(!refused.isAdmitted)
        #expect(refused.requestLimit == 0)
        #expect(refused.nanosecondsToReset == 1_000_000)  // the shortest window, 1 ms
        clock.advance(.seconds(1))
        let usage = try #require(ledger.usage)
        #expect(usage.requestShareUsed == nil)
        #expect(usage.tokenShareUsed == nil)
        #expect(usage.windowsStarted == 1)
    }
}

/// A monotonic instant moved by hand, in whole milliseconds.
private final class SteppedInstant: Sendable {
    private let base = ContinuousClock.now
    private let milliseconds = Atomic<Int64>(0)

    var now: @Sendable () -> ContinuousClock.Instant {
        { self.base + .milliseconds(self.milliseconds.load(ordering: .relaxed)) }
    }

    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.milliseconds.add(seconds * 1000 + attoseconds / 1_000_000_000_000_000, ordering: .relaxed)
    }
}
