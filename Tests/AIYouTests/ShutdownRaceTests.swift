import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Shutting a client down right after a call returned must not race with AsyncHTTPClient putting
/// that call's connection back into its pool (AsyncHTTPClient traps on "a connection that we don't
/// know was released"). Seen in the load tool about once in six runs before the fix.
@Suite("Shutdown right after a call")
struct ShutdownRaceTests {
    @Test("300 clients each make a call and shut down at once, from the pool and from the event loop")
    func shutdownAfterCall() async throws {
        try await runShutdownAfterCall()
    }

    private func runShutdownAfterCall() async throws {
        try await MockAIYouServer.withRunning { server in
            let configuration = Fixture.configuration(server, credentials: Fixture.apiKey)
            // Heavy on memory: never beside a memory measurement, which waits for one batch of 25
            // clients at most.
            for batch in stride(from: 0, to: 300, by: 25) {
                try await ProcessMemory.whileNotMeasuring {
                    for round in batch..<batch + 25 {
                        let client = try AIYouClient(configuration: configuration)
                        if round.isMultiple(of: 2) {
                            _ = try await client.models()
                        } else {
                            _ = try await Task(executorPreference: client.eventLoopExecutor()) { try await client.models() }.value
                        }
                        try await client.shutdown()
                    }
                }
            }
            #expect(server.requestCount(.listModels) == 300)
        }
    }
}
