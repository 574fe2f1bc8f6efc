import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The tasks a client starts outside its callers' tasks (a shared login, the rate limiter's
/// timer) end before `shutdown()` returns.
@Suite("No task outlives the client's shutdown")
struct OwnedTasksTests {
    @Test("the rate limiter's timer, sleeping towards a token far away, ends with the shutdown")
    func limiterTimer() async throws {
        try await MockAIYouServer.withRunning { server in
            var configuration = Fixture.configuration(server, credentials: Fixture.apiKey)
            configuration.rateLimit = .init(requestsPerSecond: 0.001, burst: 1, maxWait: .seconds(3600))
            // The real clock: the fixture's clock jumps over sleeps, and this timer must stay asleep.
            configuration.timeSource = .system
            try await withAIYouClient(configuration) { client in
                _ = try await client.assistants()
                let waiting = Task { try await client.assistants() }
                try await eventually { client.pipeline.rateLimiter.waitingCount == 1 && client.pipeline.tasks.runningCount == 1 }
                try await client.shutdown()
                #expect(client.pipeline.tasks.runningCount == 0, "the timer was cancelled and awaited")
                await expectAIYouError(.clientShutdown) { try await waiting.value }
                #expect(server.requestCount(.assistants) == 1)
            }
        }
    }

    @Test("a login the server never answers ends with the shutdown; its callers get clientShutdown")
    func hungLogin() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.hang], for: .login)
            try await withAIYouClient(Fixture.configuration(server)) { client in
                let caller = Task { try await client.assistants() }
                try await eventually { server.requestCount(.login) == 1 && client.pipeline.tasks.runningCount == 1 }
                try await client.shutdown()
                #expect(client.pipeline.tasks.runningCount == 0, "the shared login's task has ended")
                let error = await expectAIYouError(.clientShutdown) { try await caller.value }
                #expect(error?.operation == .login)
                let after = await expectAIYouError(.clientShutdown) { try await client.assistants() }
                #expect(after?.operation == .assistants)
            }
        }
    }

    @Test("once closed, nothing new starts")
    func closedRefuses() async {
        let tasks = OwnedTasks()
        let ran = Locked(false)
        await tasks.cancelAndJoin()
        #expect(!tasks.start { ran.withLock { $0 = true } })
        #expect(tasks.runningCount == 0 && !ran.withLock { $0 })
    }
}
