import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Load under failures")
struct LoadTests {
    @Test("10,000 mixed calls at concurrency 64 against 20 % 503s: every call ends, retries add up, no connection leaks")
    func mixedLoad() async throws {
        try await runMixedLoad()
    }

    private func runMixedLoad() async throws {
        let calls = 10_000
        let concurrency = 64
        let counter = MessageCounter()
        let time = ManualTime()
        try await MockAIYouServer.withRunning { server in
            var configuration = Fixture.configuration(server, credentials: Fixture.apiKey, time: time)
            configuration.logger = counter.logger
            // Every call is retried alike here, chat completions too: this test counts retries.
            configuration.retry.retriesNonIdempotent = true
            let client = try AIYouClient(configuration: configuration)
            server.setRandomFailureRate(0.2, status: 503, seed: 7)
            let outcomes = try await withThrowingTaskGroup(of: (successes: Int, failures: [AIYouError]).self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var successes = 0
                        var failures: [AIYouError] = []
                        let mine = Array(stride(from: worker, to: calls, by: concurrency))
                        // Heavy on memory: never beside a memory measurement, which waits at
                        // most for one batch of 20 calls per worker (not the whole load).
                        for batch in stride(from: 0, to: mine.count, by: 20) {
                            try await ProcessMemory.whileNotMeasuring {
                                for call in mine[batch..<min(batch + 20, mine.count)] {
                                    do {
                                        switch call % 5 {
                                        case 0: _ = try await client.assistants()
                                        case 1: _ = try await client.models()
                                        case 2: _ = try await client.threads(page: 1, itemsPerPage: 5)
                                        case 3: _ = try await client.chatCompletion(chatRequest())
                                        default: _ = try await client.chatCompletionStream(chatRequest()).collect()
                                        }
                                        successes += 1
                                    } catch let error as AIYouError {
                                        failures.append(error)
                                    }
                                }
                            }
                        }
                        return (successes, failures)
                    }
                }
                var total = (successes: 0, failures: [AIYouError]())
                for try await outcome in group {
                    total.successes += outcome.successes
                    total.failures += outcome.failures
                }
                return total
            }
            let retries = counter.count("retrying")
            let requests = MockRoute.allCases.filter { $0 != .login }.map { server.requestCount($0) }.reduce(0, +)
            let failed = outcomes.failures.count
            #expect(outcomes.successes + failed == calls, "every call ended")
            #expect(outcomes.failures.allSatisfy { $0.code == .apiError && $0.status == 503 }, "only exhausted 503s fail")
            // Every attempt the server answered 503 was a request it counted, and so was every
            // first attempt that ended the call; a retry after a pooled connection the server had
            // closed before reading the request (a keep-alive race, seen under ThreadSanitizer's
            // slowness) is one the server never saw. Nothing else adds requests.
            let retriesAfter503 = counter.count("retrying 503")
            #expect(retriesAfter503 > 0)
            #expect(requests >= calls + retriesAfter503 && requests <= calls + retries, "\(requests) requests, \(retries) retries")
            // A call fails only after 3 answers of 503 (p = 0.2³ = 0.8 %): about 80 of 10,000.
            #expect((20...200).contains(failed), "\(failed) calls failed")
            #expect(retries <= 2 * calls)
            #expect(server.openConnections <= configuration.connectionPool.maxConnectionsPerHost, "\(server.openConnections) open")
            try await client.shutdown()
            try await eventually { server.openConnections == 0 }
            print(
                "load: \(calls) calls, \(outcomes.successes) ok, \(failed) failed, \(retries) retries, \(server.connectionsOpened) connections opened"
            )
        }
    }
}
