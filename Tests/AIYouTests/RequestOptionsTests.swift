import AIYouMockServer
import Foundation
import InMemoryLogging
import Logging
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Per-call options and response metadata")
struct RequestOptionsTests {
    @Test("a call's timeout replaces the configured one, for that call only")
    func timeout() async throws {
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.timeouts.request = .seconds(3600)
        }) { server, client in
            server.enqueueFaults([.hang], for: .assistants)
            let error = await expectAIYouError(.timeout) {
                try await client.assistants(options: RequestOptions(timeout: .milliseconds(200)))
            }
            #expect(error?.message.contains("timeout") == true)
            // The next call has the configured hour again. It asks another route: when a slow run
            // (ThreadSanitizer on two busy cores) times the first request out before it reaches
            // the server, the hang stays queued for the next assistants request, which then waited
            // its hour (the suite stalled so once).
            let models = try await client.models()
            #expect(!models.models.isEmpty)
        }
    }

    @Test("a call's retry policy replaces the configured one")
    func retry() async throws {
        try await withServerAndClient(client: { $0.credentials = Fixture.apiKey }) { server, client in
            server.enqueueFaults([.status(503), .status(503)], for: .assistants)
            await expectAIYouError(.apiError) { try await client.assistants(options: RequestOptions(retry: .disabled)) }
            #expect(server.requestCount(.assistants) == 1)
            // The configuration's two retries apply again to the next call.
            let assistants = try await client.assistants()
            #expect(assistants.count == 3)
            #expect(server.requestCount(.assistants) == 3)
        }
    }

    @Test("extra headers go with every attempt; headers the client sets cannot be replaced and bad ones are refused before sending")
    func headers() async throws {
        try await withServerAndClient(client: { $0.credentials = Fixture.apiKey }) { server, client in
            server.enqueueFaults([.status(503)], for: .assistants)
            _ = try await client.assistants(options: RequestOptions(headers: [("X-Tenant", "acme"), ("X-Trace", "1")]))
            let recorded = server.recordedRequests(.assistants)
            #expect(recorded.count == 2)
            #expect(recorded.allSatisfy { $0.header("X-Tenant") == "acme" && $0.header("X-Trace") == "1" })

            for bad in [
                ("Authorization", "Bearer other"), ("content-type", "text/plain"), ("Bad Name", "x"), ("X-Ok", "line\r\nInjected: 1"),
                ("", "x"),
            ] {
                let error = await expectAIYouError(.invalidRequest) { try await client.models(options: RequestOptions(headers: [bad])) }
                #expect(error?.message.contains("options.headers") == true)
            }
            await expectAIYouError(.invalidRequest) { try await client.models(options: RequestOptions(timeout: .zero)) }
            await expectAIYouError(.invalidRequest) { try await client.models(options: RequestOptions(retry: .init(maxRetries: -1))) }
            #expect(server.requestCount(.listModels) == 0, "nothing was sent")
        }
    }

    @Test("a call's logger receives that call's messages")
    func logger() async throws {
        try await withServerAndClient(client: { $0.credentials = Fixture.apiKey }) { _, client in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "call", factory: { _ in logs })
            logger.logLevel = .debug
            _ = try await client.models(options: RequestOptions(logger: logger))
            #expect(logs.entries.contains { $0.message.description == "sending request" })
        }
    }

    @Test("withResponse returns the value with its status, headers, request id, rate-limit state and attempts")
    func metadata() async throws {
        try await withServerAndClient(client: { $0.credentials = Fixture.apiKey }) { server, client in
            let body = #"{"models":[{"name":"m1","id":"m1","provider":"ct"}],"total":1}"#
            let headers = [
                "x-request-id": "req-42", "X-RateLimit-Remaining-Requests": "17", "X-RateLimit-Remaining-Tokens": "1e400",
                "X-RateLimit-Reset-Requests": "2.5",
            ]
            server.enqueueFaults([.status(503), .status(200, body: body, headers: headers)], for: .listModels)
            let response = try await client.withResponse { try await $0.models() }
            #expect(response.value.models.map(\.name) == ["m1"])
            let metadata = try #require(response.metadata)
            #expect(metadata.status == 200)
            #expect(metadata.attempts == 2)
            #expect(metadata.requestID == "req-42")
            #expect(metadata.rateLimit.remainingRequests == 17)
            #expect(metadata.rateLimit.remainingTokens == Int.max, "a huge value saturates")
            #expect(metadata.rateLimit.resetRequests == .milliseconds(2500))
            #expect(metadata.headers.first(name: "x-ratelimit-remaining-requests") == "17")
            #expect(metadata.duration >= .zero)
        }
    }

    @Test("withResponse: a stream's metadata is its opening answer's; a cache hit has none")
    func metadataOfStreamsAndCacheHits() async throws {
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.cache = .enabled
        }) { _, client in
            let stream = try await client.withResponse { try await $0.chatCompletionStream(chatRequest()) }
            #expect(stream.metadata?.status == 200)
            #expect(stream.metadata?.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            #expect(try await stream.value.collect().text.isEmpty == false)

            #expect(try await client.withResponse { try await $0.assistants() }.metadata?.status == 200)
            #expect(try await client.withResponse { try await $0.assistants() }.metadata == nil, "answered from the cache")
        }
    }
}

/// The closure-taking APIs run their closure in the caller's isolation: it may use and change
/// the caller's non-Sendable state (which a `@Sendable` or nonisolated closure could not).
@Suite("Closures from any isolation")
struct IsolationTests {
    /// Non-Sendable state a closure mutates.
    final class Tally {
        var calls: [String] = []
    }

    @MainActor
    @Test("withAIYouClient and withResponse from the main actor")
    func mainActor() async throws {
        let tally = Tally()
        try await MockAIYouServer.withRunning { server in
            let configuration = Fixture.configuration(server, credentials: Fixture.apiKey)
            let count = try await withAIYouClient(configuration) { client in
                MainActor.assertIsolated()
                tally.calls.append("assistants")
                let response = try await client.withResponse { client in
                    MainActor.assertIsolated()
                    tally.calls.append("models")
                    return try await client.models()
                }
                return try await client.assistants().count + response.value.models.count - response.value.models.count
            }
            #expect(count == 3)
        }
        #expect(tally.calls == ["assistants", "models"])
    }

    actor Recorder {
        var names: [String] = []

        /// The closure changes the actor's state synchronously: it runs on the actor.
        func run(_ server: MockAIYouServer) async throws -> Int {
            try await withAIYouClient(Fixture.configuration(server, credentials: Fixture.apiKey)) { client in
                self.assertIsolated()
                names.append("inside")
                let count = try await client.assistants().count
                names.append("assistants")
                return count
            }
        }
    }

    @Test("withAIYouClient from an actor")
    func actor() async throws {
        try await MockAIYouServer.withRunning { server in
            let recorder = Recorder()
            let count = try await recorder.run(server)
            #expect(count == 3)
            #expect(await recorder.names == ["inside", "assistants"])
        }
    }
}
