import AIYouMockServer
import Foundation
import Synchronization
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A store that cannot be reached: every call throws.
final class UnreachableQuotaStore: QuotaStore {
    struct Down: Error {}
    let calls = Atomic<Int>(0)

    func reserve(_ cost: QuotaCost, key: String, limits: QuotaLimits, maxWait: Duration) async throws -> QuotaDecision {
        calls.add(1, ordering: .relaxed)
        throw Down()
    }

    func refund(_ cost: QuotaCost, key: String, limits: QuotaLimits) async throws {
        throw Down()
    }
}

@Suite("Quotas: GCRA in a store, token budgets settled to usage, shared by clients", .timeLimit(TestTiming.limit(minutes: 2)))
struct QuotaTests {
    static let model = "gpt-oss:120b"

    static func request(maxTokens: Int? = nil, model: String = model) -> ChatCompletionRequest {
        ChatCompletionRequest(messages: [.text("Bonjour")], model: model, maxTokens: maxTokens)
    }

    // MARK: The store's arithmetic

    @Test("GCRA: a burst goes at once, then places are spaced by window ÷ requests, reserved ahead up to maxWait")
    func gcraRequests() {
        let time = ManualTime()
        let store = InMemoryQuotaStore(timeSource: time.source)
        let limits = QuotaLimits(requests: 10, requestWindow: .seconds(1), requestBurst: 3)
        let one = QuotaCost(requests: 1, tokens: 0)
        for _ in 0..<3 { #expect(store.reserve(one, key: "k", limits: limits, maxWait: .zero) == .admitted(after: .zero)) }
        #expect(store.reserve(one, key: "k", limits: limits, maxWait: .zero) == .refused(retryAfter: .milliseconds(100)))
        // Reserved ahead: each next place is 100 ms later.
        #expect(store.reserve(one, key: "k", limits: limits, maxWait: .seconds(1)) == .admitted(after: .milliseconds(100)))
        #expect(store.reserve(one, key: "k", limits: limits, maxWait: .seconds(1)) == .admitted(after: .milliseconds(200)))
        // Another key is not affected.
        #expect(store.reserve(one, key: "other", limits: limits, maxWait: .zero) == .admitted(after: .zero))
        time.advance(by: .seconds(1))
        for _ in 0..<3 { #expect(store.reserve(one, key: "k", limits: limits, maxWait: .zero) == .admitted(after: .zero)) }
    }

    @Test("token budget: spent whole at once, refilled over the window; a refund gives tokens back, a negative one charges")
    func gcraTokens() {
        let time = ManualTime()
        let store = InMemoryQuotaStore(timeSource: time.source)
        let limits = QuotaLimits(tokens: 1000, tokenWindow: .seconds(3600))
        #expect(store.reserve(QuotaCost(requests: 0, tokens: 600), key: "k", limits: limits, maxWait: .zero) == .admitted(after: .zero))
        // 200 tokens short: they refill in 200 × 3.6 s.
        #expect(
            store.reserve(QuotaCost(requests: 0, tokens: 600), key: "k", limits: limits, maxWait: .zero)
                == .refused(retryAfter: .seconds(720))
        )
        store.refund(QuotaCost(requests: 0, tokens: 400), key: "k", limits: limits)
        #expect(store.reserve(QuotaCost(requests: 0, tokens: 800), key: "k", limits: limits, maxWait: .zero) == .admitted(after: .zero))
        // 10 more charged: one token then waits for 11 to refill.
        store.refund(QuotaCost(requests: 0, tokens: -10), key: "k", limits: limits)
        #expect(
            store.reserve(QuotaCost(requests: 0, tokens: 1), key: "k", limits: limits, maxWait: .zero)
                == .refused(retryAfter: .milliseconds(39_600))
        )
    }

    @Test("absurd costs under a huge maxWait: the times saturate, never wrap around into 'admitted at once'")
    func saturates() {
        let store = InMemoryQuotaStore(timeSource: ManualTime().source)
        let limits = QuotaLimits(tokens: 1, tokenWindow: .seconds(86_400 * 365 * 100))
        let huge = Duration.seconds(Int64.max / 2_000_000_000)
        for _ in 0..<100 {
            _ = store.reserve(QuotaCost(requests: 0, tokens: 1_000_000_000), key: "k", limits: limits, maxWait: huge)
        }
        guard case .refused = store.reserve(QuotaCost(requests: 0, tokens: 1), key: "k", limits: limits, maxWait: .zero) else {
            Issue.record("the theoretical arrival time wrapped around")
            return
        }
    }

    @Test("limits and quotas that cannot work are refused when the client is made")
    func validation() {
        let bad: [Configuration.Quota] = [
            .init(limits: QuotaLimits()),
            .init(limits: QuotaLimits(requests: 0)),
            .init(limits: QuotaLimits(requests: 5, requestBurst: 6)),
            .init(limits: QuotaLimits(tokens: 100), tokenEstimate: 101),
            .init(limits: QuotaLimits(requests: 5), key: ""),
            .init(limits: QuotaLimits(requests: 5), whenStoreFails: .useLocalLimit(localShare: 0)),
        ]
        for quota in bad {
            var configuration = Configuration(api: .llmaas, credentials: .apiKey("k"))
            configuration.quota = quota
            #expect(throws: AIYouError.self) { try AIYouClient(configuration: configuration) }
        }
        var configuration = Configuration(api: .llmaas, credentials: .apiKey("k"))
        configuration.adaptivePacing = .init(headroom: 1.5)
        #expect(throws: AIYouError.self) { try AIYouClient(configuration: configuration) }
    }

    // MARK: Through the client

    @Test("a spent request quota refuses the call before sending, with the time it refills")
    func requestQuota() async throws {
        try await withLLMaaS(client: {
            $0.quota = .init(
                limits: QuotaLimits(requests: 3, requestWindow: .seconds(60), requestBurst: 3),
                store: InMemoryQuotaStore(timeSource: $0.timeSource),
                maxWait: .zero
            )
        }) { server, client in
            for _ in 0..<3 { _ = try await client.chatCompletion(Self.request()) }
            let error = await expectAIYouError(.rateLimited) { try await client.chatCompletion(Self.request()) }
            #expect(error?.retryAfter == .seconds(20))
            #expect(error?.operation == .chatCompletion)
            #expect(error?.message.contains("quota \"default\"") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
        }
    }

    @Test("a call waits for its place up to maxWait, on the client's clock")
    func waitsForItsPlace() async throws {
        let time = ManualTime()
        try await withLLMaaS(client: {
            $0.timeSource = time.source
            $0.quota = .init(
                limits: QuotaLimits(requests: 2, requestWindow: .seconds(1)),
                store: InMemoryQuotaStore(timeSource: time.source),
                maxWait: .seconds(5)
            )
        }) { server, client in
            for _ in 0..<3 { _ = try await client.chatCompletion(Self.request()) }
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
            // The first goes at once; the next two each wait half a second (sleeps move the manual clock).
            #expect(time.sleeps.filter { $0 == .milliseconds(500) }.count == 2)
        }
    }

    @Test("output tokens: max_tokens reserved, settled to the answer's usage, whole and streamed")
    func tokenBudget() async throws {
        let time = ManualTime()
        let store = InMemoryQuotaStore(timeSource: time.source)
        let limits = QuotaLimits(tokens: 1000, tokenWindow: .seconds(3600))
        try await withLLMaaS(client: {
            $0.timeSource = time.source
            $0.quota = .init(limits: limits, store: store, tokenEstimate: 100, maxWait: .zero)
        }) { _, client in
            let whole = try await client.chatCompletion(Self.request(maxTokens: 900))
            let billedWhole = try #require(whole.usage?.completionTokens)
            // Settled: only the billed tokens are spent, so a second call reserving 900 fits when they are few.
            var billed = billedWhole
            let stream = try await client.chatCompletionStream(Self.request(maxTokens: 1000 - billed))
            var streamedUsage: Int?
            for try await chunk in stream { if let usage = chunk.usage { streamedUsage = usage.completionTokens } }
            billed += try #require(streamedUsage)
            #expect(billed < 1000)
            // Exactly `billed` tokens are spent: what is left fits, one more does not.
            let rest = QuotaCost(requests: 0, tokens: 1000 - billed)
            #expect(store.reserve(rest, key: "default", limits: limits, maxWait: .zero) == .admitted(after: .zero))
            guard case .refused = store.reserve(QuotaCost(requests: 0, tokens: 1), key: "default", limits: limits, maxWait: .zero) else {
                Issue.record("one token more than the budget was admitted")
                return
            }
        }
    }

    @Test("a request whose max_tokens exceeds the whole budget fails before sending")
    func beyondTheBudget() async throws {
        try await withLLMaaS(client: {
            $0.quota = .init(limits: QuotaLimits(tokens: 500, tokenWindow: .seconds(3600)), tokenEstimate: 100, maxWait: .seconds(10))
        }) { server, client in
            let error = await expectAIYouError(.invalidRequest) { try await client.chatCompletion(Self.request(maxTokens: 501)) }
            #expect(error?.message.contains("500") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == 0)
        }
    }

    @Test("an attempt the service refuses gives its tokens back")
    func refusedAttemptRefunds() async throws {
        let time = ManualTime()
        let store = InMemoryQuotaStore(timeSource: time.source)
        let limits = QuotaLimits(tokens: 1000, tokenWindow: .seconds(3600))
        try await withLLMaaS(client: {
            $0.timeSource = time.source
            $0.quota = .init(limits: limits, store: store, tokenEstimate: 100, maxWait: .zero)
        }) { server, client in
            server.enqueueFaults([.status(400)], for: .llmaasChatCompletions)
            await expectAIYouError(.apiError) { try await client.chatCompletion(Self.request(maxTokens: 800)) }
            #expect(
                store.reserve(QuotaCost(requests: 0, tokens: 1000), key: "default", limits: limits, maxWait: .zero)
                    == .admitted(after: .zero)
            )
        }
    }

    @Test("clients sharing one store share its quota exactly, under concurrency")
    func sharedByClients() async throws {
        let store = InMemoryQuotaStore()
        let limits = QuotaLimits(requests: 12, requestWindow: .seconds(600), requestBurst: 12)
        try await MockAIYouServer.withRunning { server in
            let outcomes = try await withThrowingTaskGroup(of: [Bool].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        var configuration = Fixture.configuration(server, credentials: .apiKey(MockAccount.demoAPIKey))
                        configuration.api = .llmaas
                        configuration.quota = .init(limits: limits, store: store, maxWait: .zero)
                        return try await withAIYouClient(configuration) { client in
                            await withTaskGroup(of: Bool.self) { calls in
                                for _ in 0..<10 { calls.addTask { (try? await client.chatCompletion(Self.request())) != nil } }
                                return await calls.reduce(into: []) { $0.append($1) }
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.filter { $0 }.count == 12)
            #expect(server.requestCount(.llmaasChatCompletions) == 12)
        }
    }

    @Test("a quota per model: each model has its own place under the key")
    func perModel() async throws {
        try await withLLMaaS(client: {
            $0.quota = .init(limits: QuotaLimits(requests: 1, requestWindow: .seconds(600)), keyPerModel: true, maxWait: .zero)
        }) { server, client in
            _ = try await client.chatCompletion(Self.request(model: "gpt-oss:120b"))
            _ = try await client.chatCompletion(Self.request(model: "qwen3.6:27b"))
            let error = await expectAIYouError(.rateLimited) { try await client.chatCompletion(Self.request(model: "gpt-oss:120b")) }
            #expect(error?.message.contains("default/gpt-oss:120b") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
        }
    }

    @Test("a store that fails: closed refuses the call, open decides with the local share of the quota")
    func storeFailure() async throws {
        let closedStore = UnreachableQuotaStore()
        try await withLLMaaS(client: {
            $0.quota = .init(limits: QuotaLimits(requests: 10), store: closedStore, maxWait: .zero, whenStoreFails: .refuse)
        }) { server, client in
            let error = await expectAIYouError(.rateLimited) { try await client.chatCompletion(Self.request()) }
            #expect(error?.message.contains("fails closed") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == 0)
        }
        let openStore = UnreachableQuotaStore()
        try await withLLMaaS(client: {
            $0.quota = .init(
                limits: QuotaLimits(requests: 4, requestWindow: .seconds(600), requestBurst: 4),
                store: openStore,
                maxWait: .zero,
                whenStoreFails: .useLocalLimit(localShare: 0.5)
            )
        }) { server, client in
            for _ in 0..<2 { _ = try await client.chatCompletion(Self.request()) }
            await expectAIYouError(.rateLimited) { try await client.chatCompletion(Self.request()) }
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
            #expect(openStore.calls.load(ordering: .relaxed) == 3)
        }
    }

    @Test("a call cancelled while it waits for its place gives the place back")
    func cancelledWaitGivesBack() async throws {
        let store = InMemoryQuotaStore()
        let limits = QuotaLimits(requests: 1, requestWindow: .seconds(600))
        try await withLLMaaS(client: {
            $0.timeSource = .system
            $0.quota = .init(limits: limits, store: store, maxWait: .seconds(3600))
        }) { server, client in
            _ = try await client.chatCompletion(Self.request())
            let waiting = Task { try await client.chatCompletion(Self.request()) }
            // Its place is taken (600 s ahead) once the next free one is more than 600 s away.
            let nextPlace = { () -> Duration in
                guard
                    case .refused(let retryAfter) = store.reserve(
                        QuotaCost(requests: 1, tokens: 0),
                        key: "default",
                        limits: limits,
                        maxWait: .zero
                    )
                else { return .zero }
                return retryAfter
            }
            try await eventually { nextPlace() > .seconds(700) }
            waiting.cancel()
            await expectAIYouError(.cancelled) { try await waiting.value }
            // The place 600 s ahead was given back: the next place is again 600 s away, not 1200 s.
            let retryAfter = nextPlace()
            #expect(retryAfter > .zero && retryAfter <= .seconds(600))
            #expect(server.requestCount(.llmaasChatCompletions) == 1)
        }
    }
}
