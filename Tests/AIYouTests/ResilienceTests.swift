import AIYouMockServer
import Foundation
import Synchronization
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Resilience under injected faults")
struct ResilienceTests {
    @Test("a 429 with Retry-After pauses every caller: 64 callers make no request until it has passed")
    func pauseOn429() async throws {
        let clock = SteppedClock()
        try await withServerAndClient(client: {
            $0.timeSource = clock.source
            $0.credentials = Fixture.apiKey
        }) { server, client in
            server.enqueueFaults([.rateLimited(retryAfter: "1")], for: .assistants)
            let first = Task { try await client.assistants() }
            // The first caller got its 429 and now waits out Retry-After.
            try await eventually { server.requestCount(.assistants) == 1 && clock.sleeperCount == 1 }
            let others = (0..<63).map { _ in Task { try await client.assistants() } }
            try await eventually { client.pipeline.rateLimiter.waitingCount == 63 }
            // The backoff and the limiter's timer both sleep before time moves: a timer that read
            // the time before a step and went to sleep after it would wake a step late, and the
            // test would never move the clock again (it hung so under load, issue 15).
            try await eventually { clock.sleeperCount == 2 }
            #expect(server.requestCount(.assistants) == 1, "nobody hammers the server during the pause")
            clock.advance(by: .milliseconds(999))
            #expect(server.requestCount(.assistants) == 1)
            #expect(clock.sleeperCount == 2, "nobody woke before the second was over")
            clock.advance(by: .milliseconds(1))
            #expect(try await first.value.count == 3)
            for task in others { #expect(try await task.value.count == 3) }
            #expect(server.requestCount(.assistants) == 65)
            #expect(clock.elapsed == .seconds(1), "the client waited exactly what the server asked")
        }
    }

    @Test("a Retry-After beyond maxRetryAfter fails at once with the server's delay")
    func retryAfterCeiling() async throws {
        let time = ManualTime()
        try await withServerAndClient(client: {
            $0.timeSource = time.source
            $0.retry.maxRetryAfter = .seconds(5)
        }) { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.rateLimited(retryAfter: "120")], for: .assistants)
            let error = await expectAIYouError(.rateLimited) { try await client.assistants() }
            #expect(error?.retryAfter == .seconds(120))
            #expect(server.requestCount(.assistants) == 2, "no retry")
            #expect(time.sleeps.isEmpty)
        }
    }

    @Test("cancelling a call during its backoff ends it at once")
    func cancelDuringBackoff() async throws {
        let clock = SteppedClock()
        try await withServerAndClient(client: {
            $0.timeSource = clock.source
            $0.retry = .init(maxRetries: 2, initialDelay: .seconds(30), maxDelay: .seconds(60), jitter: 0)
        }) { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(503)], for: .assistants)
            let call = Task { try await client.assistants() }
            try await eventually { clock.sleeperCount == 1 }
            call.cancel()
            let result = await call.result
            guard case .failure(let error as AIYouError) = result else {
                Issue.record("expected a cancelled error, got \(result)")
                return
            }
            #expect(error.code == .cancelled)
            #expect(clock.elapsed == .zero, "returned on cancellation: the virtual backoff of 30 s never elapsed")
            #expect(server.requestCount(.assistants) == 2, "no retry was sent")
        }
    }

    @Test("a stream dropped after K events fails after exactly K chunks; dropped before the first, it is not sent again by default")
    func droppedStreams() async throws {
        try await withServerAndClient(server: { $0.streamChunkCount = 10 }) { server, client in
            server.enqueueFaults([.dropStreamAfter(events: 4)], for: .chatCompletions)
            var received = 0
            let error = await expectAIYouError(.network) {
                for try await _ in try await client.chatCompletionStream(chatRequest()) { received += 1 }
            }
            #expect(received == 4)
            #expect(error?.message.contains("after 4 chunk") == true)
            #expect(server.requestCount(.chatCompletions) == 1, "never silently restarted after delivering chunks")

            // The request was sent whole: the generation may be under way (and billed).
            server.enqueueFaults([.dropStreamAfter(events: 0)], for: .chatCompletions)
            await expectAIYouError(.network) { try await client.chatCompletionStream(chatRequest()).collect() }
            #expect(server.requestCount(.chatCompletions) == 2)

            server.enqueueFaults([.dropConnection], for: .chatCompletions)
            await expectAIYouError(.network) { try await client.chatCompletionStream(chatRequest()).collect() }
            #expect(server.requestCount(.chatCompletions) == 3)
        }
    }

    @Test("with retriesNonIdempotent, a stream dropped before its first chunk is reopened, within one budget shared with the retries")
    func droppedStreamsReopened() async throws {
        try await withServerAndClient(server: { $0.streamChunkCount = 10 }, client: { $0.retry.retriesNonIdempotent = true }) {
            server,
            client in
            server.enqueueFaults([.dropStreamAfter(events: 0)], for: .chatCompletions)
            let completion = try await client.chatCompletionStream(chatRequest()).collect()
            #expect(completion.text == "Bonjour ! Vous avez dit : Bonjour")
            #expect(server.requestCount(.chatCompletions) == 2)

            server.enqueueFaults([.dropConnection], for: .chatCompletions)
            #expect(try await client.chatCompletionStream(chatRequest()).collect().text.isEmpty == false)
            #expect(server.requestCount(.chatCompletions) == 4)

            // Breaks of every kind, more than the budget: maxRetries (2) + 1 requests, no more.
            server.resetCounters()
            server.enqueueFaults([.status(503), .dropStreamAfter(events: 0), .dropConnection, .status(503)], for: .chatCompletions)
            await expectAIYouError(.network) { try await client.chatCompletionStream(chatRequest()).collect() }
            #expect(server.requestCount(.chatCompletions) == 3, "one budget for the pipeline's retries and the stream's reopenings")
        }
    }

    @Test("malformed JSON, malformed SSE, wrong content type and empty bodies are decoding errors with an excerpt")
    func malformedAnswers() async throws {
        try await withServerAndClient { server, client in
            for fault in [MockFault.malformedJSON, .wrongContentType, .emptyBody] {
                server.enqueueFaults([fault], for: .assistants)
                let error = await expectAIYouError(.decoding) { try await client.assistants() }
                #expect(error?.bodyExcerpt != nil, "\(fault)")
            }
            let html = await expectAIYouError(.decoding) {
                server.enqueueFaults([.wrongContentType], for: .chatCompletions)
                return try await client.chatCompletionStream(chatRequest())
            }
            #expect(html?.bodyExcerpt?.contains("<html>") == true)
            server.enqueueFaults([.malformedSSE], for: .chatCompletions)
            let sse = await expectAIYouError(.decoding) { try await client.chatCompletionStream(chatRequest()).collect() }
            #expect(sse?.bodyExcerpt?.isEmpty == false)
            server.enqueueFaults([.emptyBody], for: .chatCompletions)
            await expectAIYouError(.decoding) { try await client.chatCompletionStream(chatRequest()).collect() }
            server.enqueueFaults([.malformedJSON], for: .chatCompletions)
            await expectAIYouError(.decoding) { try await client.chatCompletion(chatRequest()) }
        }
    }

    @Test("a hung server yields a timeout error within the configured time; a silent stream too", .timeLimit(TestTiming.limit(minutes: 1)))
    func timeouts() async throws {
        try await withServerAndClient(
            server: {
                $0.streamChunkCount = 3
                $0.streamChunkInterval = .seconds(5)
            },
            client: {
                // A bearer token: no login, so only the faulted requests can time out.
                $0.credentials = Fixture.apiKey
                $0.timeouts = .init(connect: .seconds(5), request: .milliseconds(500), streamIdle: .milliseconds(500))
                $0.retry = .disabled
            }
        ) { server, client in
            // The hang lasts until the client leaves: the call ends only because of its timeout.
            server.enqueueFaults([.hang], for: .assistants)
            await expectAIYouError(.timeout) { try await client.assistants() }
            await expectAIYouError(.timeout) { try await client.chatCompletionStream(chatRequest()).collect() }
        }
    }

    @Test("cancelling the task that reads a stream closes its connection", .timeLimit(TestTiming.limit(minutes: 2)))
    func cancelStream() async throws {
        try await withServerAndClient(
            server: {
                $0.streamChunkCount = 10_000
                $0.streamChunkInterval = .milliseconds(5)
            },
            client: { $0.credentials = Fixture.apiKey }
        ) { server, client in
            let reader = Task {
                var count = 0
                for try await _ in try await client.chatCompletionStream(chatRequest()) { count += 1 }
                return count
            }
            try await eventually { server.openConnections == 1 }
            try await Task.sleep(for: .milliseconds(30))
            reader.cancel()
            let result = await reader.result
            #expect(throws: AIYouError.self, "the reader ends with an error, not with the stream's end: \(result)") { try result.get() }
            try await eventually { server.openConnections == 0 }
            #expect(server.openConnections == 0, "the server saw the connection close")
        }
    }

    @Test(
        "a reader slower than the server stops as soon as it is cancelled, although parts are always waiting",
        .timeLimit(TestTiming.limit(minutes: 2))
    )
    func cancelSlowReader() async throws {
        try await withServerAndClient(
            server: {
                $0.streamChunkCount = 10_000
                $0.streamChunkInterval = .zero
            },
            client: { $0.credentials = Fixture.apiKey }
        ) { server, client in
            let read = Atomic<Int>(0)
            let reader = Task {
                for try await _ in try await client.chatCompletionStream(chatRequest()) {
                    read.add(1, ordering: .relaxed)
                    // Slower than the server, and deaf to cancellation: only the stream can stop it.
                    usleep(2_000)
                }
            }
            try await eventually { read.load(ordering: .relaxed) >= 20 }
            reader.cancel()
            let result = await reader.result
            #expect(throws: AIYouError.self, "cancelled, not read to the end (\(read.load(ordering: .relaxed)) chunks)") {
                try result.get()
            }
            #expect(read.load(ordering: .relaxed) < 10_000)
            try await eventually { server.openConnections == 0 }
        }
    }

    @Test("each attempt is logged at debug with its number, status and delay")
    func attemptLogs() async throws {
        let capture = LogCapture()
        try await withServerAndClient(client: { $0.logger = capture.logger }) { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(502), .status(503)], for: .assistants)
            _ = try await client.assistants()
            let retries = capture.handler.entries.filter { $0.message.description == "retrying" }
            #expect(retries.count == 2)
            #expect(retries.map { $0.metadata["aiyou.attempt"]?.description } == ["1", "2"])
            #expect(retries.map { $0.metadata["aiyou.status"]?.description } == ["502", "503"])
            #expect(retries.allSatisfy { $0.metadata["aiyou.retry.delay_ms"] != nil })
        }
    }
}
