import AIYouMockServer
import AsyncHTTPClient
import NIOPosix
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Calls made from a task that prefers the client's event-loop executor stay on that event loop
/// (no thread hop), and keep cancellation, task-local values and structured concurrency intact.
@Suite("Calls from the client's event-loop executor")
struct ExecutorTests {
    @TaskLocal static var traceID: String?

    @Test("a call stays on the event loop from start to end; task-local values are visible")
    func staysOnTheLoop() async throws {
        try await withServerAndClient(client: { $0.credentials = Fixture.apiKey }) { server, client in
            let executor = client.eventLoopExecutor()
            let (text, before, after, local) = try await Self.$traceID.withValue("trace-42") {
                try await Task(executorPreference: executor) {
                    let before = MultiThreadedEventLoopGroup.currentEventLoop
                    let text = try await client.chatCompletion(chatRequest()).text
                    let after = MultiThreadedEventLoopGroup.currentEventLoop
                    return (text, before, after, Self.traceID)
                }.value
            }
            #expect(text == "Bonjour ! Vous avez dit : Bonjour")
            #expect(before != nil && before === after, "resumed on the same event loop: no hop back")
            #expect(before === executor.eventLoop)
            #expect(local == "trace-42")
            // Streams too, and structured child tasks.
            let collected = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask(executorPreference: client.eventLoopExecutor()) {
                        try await client.chatCompletionStream(chatRequest()).collect().text
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(collected.count == 4 && collected.allSatisfy { $0 == "Bonjour ! Vous avez dit : Bonjour" })
            #expect(server.requestCount(.chatCompletions) == 5)
        }
    }

    @Test("cancelling a task on the event loop ends its call at once", .timeLimit(TestTiming.limit(minutes: 1)))
    func cancellation() async throws {
        // A deadline far beyond the test's time limit: only the cancellation can end the call.
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.timeouts.request = .seconds(3600)
        }) { server, client in
            server.enqueueFaults([.hang], for: .assistants)
            let task = Task(executorPreference: client.eventLoopExecutor()) { try await client.assistants() }
            try await eventually { server.requestCount(.assistants) == 1 }
            task.cancel()
            await expectAIYouError(.cancelled) { try await task.value }
            try await eventually { server.openConnections == 0 }
        }
    }

    @Test("with a borrowed HTTPClient, the executor is on that client's event loops, which outlive the AIYou client")
    func borrowedHTTPClient() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withHTTPClient(on: group) { http in
            try await MockAIYouServer.withRunning { server in
                let client = try AIYouClient(configuration: Fixture.configuration(server, credentials: Fixture.apiKey), httpClient: http)
                let executor = client.eventLoopExecutor()
                #expect(group.makeIterator().contains { $0 === executor.eventLoop })
                let models = try await Task(executorPreference: executor) { try await client.models() }.value
                #expect(!models.models.isEmpty)
                try await client.shutdown()
                let response = try await http.execute(HTTPClientRequest(url: server.baseURL + "/api/v1/models"), timeout: .seconds(10))
                #expect(response.status == .unauthorized, "the borrowed client still works after the AIYou client's shutdown")
            }
        }
        try await group.shutdownGracefully()
    }

    @Test(
        "calls from the cooperative pool: one after another on one loop and one connection, concurrent ones spread over the loops; none left counted after answers, errors and cancellations",
        .timeLimit(TestTiming.limit(minutes: 1))
    )
    func loopChoiceFromThePool() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        try await withHTTPClient(on: group) { http in
            try await MockAIYouServer.withRunning { server in
                var configuration = Fixture.configuration(server, credentials: Fixture.apiKey)
                configuration.retry.maxRetries = 0
                configuration.timeouts.request = .seconds(3600)
                let client = try AIYouClient(configuration: configuration, httpClient: http)
                let transport = try #require(client.pipeline.transport as? HTTPClientTransport)
                let inFlight = { transport.executors.map { $0.callsInFlight.load(ordering: .relaxed) } }

                // One caller: every call goes to the first loop, where its one connection is.
                for _ in 0..<20 { _ = try await Task.detached { try await client.assistants() }.value }
                #expect(server.connectionsOpened == 1)
                #expect(inFlight() == [0, 0])

                // An error answer and a call cancelled before it starts are not left counted.
                server.enqueueFaults([.status(500)], for: .assistants)
                await expectAIYouError(.apiError) { try await Task.detached { try await client.assistants() }.value }
                let cancelledEarly = Task.detached {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await client.assistants()
                }
                await expectAIYouError(.cancelled) { try await cancelledEarly.value }
                #expect(inFlight() == [0, 0])

                // Two concurrent callers: one call in flight on each loop; cancelled, none is left.
                server.enqueueFaults([.hang, .hang], for: .assistants)
                let hung = (0..<2).map { _ in Task.detached { try await client.assistants() } }
                try await eventually { inFlight() == [1, 1] }
                for task in hung { task.cancel() }
                for task in hung { await expectAIYouError(.cancelled) { try await task.value } }
                #expect(inFlight() == [0, 0])
                try await client.shutdown()
            }
        }
        try await group.shutdownGracefully()
    }
}
