import AIYouMockServer
import AsyncHTTPClient
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Retries")
struct RetryTests {
    @Test("503, 503, 200 succeeds after exactly three requests, with growing delays")
    func transientFailures() async throws {
        let time = ManualTime()
        try await withServerAndClient(client: {
            $0.timeSource = time.source
            $0.retry = .init(maxRetries: 2, initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        }) { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(503), .status(503)], for: .assistants)
            #expect(try await client.assistants().count == 3)
            #expect(server.requestCount(.assistants) == 4)
            #expect(time.sleeps == [.milliseconds(100), .milliseconds(200)])
        }
    }

    @Test("400 is not retried and surfaces as an API error")
    func clientErrors() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(400, body: #"{"message":"bad input","code":400}"#)], for: .assistants)
            let error = await expectAIYouError(.apiError) { try await client.assistants() }
            #expect(error?.status == 400)
            #expect(error?.message.contains("bad input") == true)
            #expect(server.requestCount(.assistants) == 2)
        }
    }

    @Test("after the retry budget, the last error is thrown")
    func exhausted() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(502), .status(502), .status(502), .status(502)], for: .assistants)
            let error = await expectAIYouError(.apiError) { try await client.assistants() }
            #expect(error?.status == 502)
            #expect(server.requestCount(.assistants) == 4, "one success, then 1 + 2 retries")
        }
    }

    @Test("a 429 honours Retry-After and carries it when retries run out")
    func rateLimited() async throws {
        let time = ManualTime()
        try await withServerAndClient(client: { $0.timeSource = time.source }) { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.rateLimited(retryAfter: "2")], for: .assistants)
            _ = try await client.assistants()
            #expect(time.sleeps == [.seconds(2)])
            server.enqueueFaults(Array(repeating: .rateLimited(retryAfter: "3"), count: 3), for: .assistants)
            let error = await expectAIYouError(.rateLimited) { try await client.assistants() }
            #expect(error?.retryAfter == .seconds(3))
            #expect(error?.status == 429)
        }
    }

    @Test("a dropped connection is retried; decoding errors are not")
    func networkAndDecoding() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.dropConnection], for: .assistants)
            #expect(try await client.assistants().count == 3)
            #expect(server.requestCount(.assistants) == 3)
            server.enqueueFaults([.malformedJSON], for: .assistants)
            let error = await expectAIYouError(.decoding) { try await client.assistants() }
            #expect(error?.bodyExcerpt?.isEmpty == false)
            #expect(server.requestCount(.assistants) == 4)
        }
    }

    @Test("the client refuses calls after shutdown")
    func afterShutdown() async throws {
        try await MockAIYouServer.withRunning { server in
            let client = try AIYouClient(configuration: Fixture.configuration(server))
            try await client.shutdown()
            try await client.shutdown()
            await expectAIYouError(.clientShutdown) { try await client.assistants() }
        }
    }
}

@Suite("Borrowed HTTP client")
struct BorrowedClientTests {
    @Test("a client borrowing an HTTPClient works and leaves it running after its own shutdown")
    func borrowed() async throws {
        try await MockAIYouServer.withRunning { server in
            try await withHTTPClient { http in
                let client = try AIYouClient(configuration: Fixture.configuration(server, credentials: Fixture.apiKey), httpClient: http)
                #expect(try await client.assistants().count == 3)
                try await client.shutdown()
                await expectAIYouError(.clientShutdown) { try await client.assistants() }
                let response = try await http.execute(HTTPClientRequest(url: server.baseURL + "/api/v1/models"), timeout: .seconds(5))
                #expect(response.status.code == 401, "the borrowed HTTPClient still works (401: no token sent)")
            }
        }
    }
}
