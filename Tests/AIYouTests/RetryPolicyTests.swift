import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The retry policy as a table (status × idempotency × attempt × Retry-After, and every kind of
/// wire failure), then the same rules through the real pipeline over a scripted transport,
/// counting the requests sent. No sockets.
@Suite("Retry policy: the table, and the pipeline over a scripted transport")
struct RetryPolicyTests {
    enum Expected: CustomStringConvertible {
        case retry(Duration)
        case fail

        var description: String {
            switch self {
            case .retry(let delay): "retry after \(delay)"
            case .fail: "fail"
            }
        }
    }

    struct Row: CustomStringConvertible {
        var outcome: RetryPolicy.Outcome
        var idempotent: Bool
        var optIn = false
        var used = 0
        var expected: Expected

        var description: String { "\(outcome), idempotent \(idempotent), opt-in \(optIn), used \(used) → \(expected)" }
    }

    static func status(_ code: Int, after delay: Duration? = nil) -> RetryPolicy.Outcome { .status(code, serverDelay: delay) }
    static func failure(_ kind: TransportError.Kind, sent: Bool) -> RetryPolicy.Outcome {
        .failure(TransportError(kind, "test", requestSent: sent))
    }

    static let rows: [Row] = {
        var rows: [Row] = []
        // Reads and deletions: every transient status, then backoff doubles, until the budget is spent.
        for code in [408, 429, 500, 502, 503, 504] {
            rows.append(Row(outcome: status(code), idempotent: true, expected: .retry(.milliseconds(100))))
        }
        rows.append(Row(outcome: status(500), idempotent: true, used: 1, expected: .retry(.milliseconds(200))))
        rows.append(Row(outcome: status(500), idempotent: true, used: 2, expected: .fail))
        for code in [400, 401, 403, 404, 409, 422, 501] {
            rows.append(Row(outcome: status(code), idempotent: true, expected: .fail))
        }
        // The server's delay replaces the backoff, up to maxRetryAfter (60 s); beyond it, fail now.
        rows.append(Row(outcome: status(429, after: .seconds(5)), idempotent: true, expected: .retry(.seconds(5))))
        rows.append(Row(outcome: status(503, after: .zero), idempotent: true, expected: .retry(.zero)))
        rows.append(Row(outcome: status(429, after: .seconds(60)), idempotent: true, expected: .retry(.seconds(60))))
        rows.append(Row(outcome: status(429, after: .seconds(61)), idempotent: true, expected: .fail))
        rows.append(Row(outcome: status(429, after: .seconds(61)), idempotent: false, optIn: true, expected: .fail))
        // Wire failures of a read: retried whether or not the request left.
        for (kind, sent) in [(TransportError.Kind.connectionFailed, false), (.connectTimeout, false), (.broken, true), (.broken, false)] {
            rows.append(Row(outcome: failure(kind, sent: sent), idempotent: true, expected: .retry(.milliseconds(100))))
        }
        for kind in [TransportError.Kind.requestTimeout, .idleTimeout, .tooLarge, .cancelled, .shutdown, .invalidRequest] {
            rows.append(Row(outcome: failure(kind, sent: true), idempotent: true, expected: .fail))
            rows.append(Row(outcome: failure(kind, sent: false), idempotent: false, optIn: true, expected: .fail))
        }
        // Requests that create or generate: only when not processed. 408, 429 and 503 (with or
        // without Retry-After: "not handled") say so; 500, 502 and 504 may follow the work.
        rows.append(Row(outcome: status(408), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: status(429), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: status(429, after: .seconds(2)), idempotent: false, expected: .retry(.seconds(2))))
        rows.append(Row(outcome: status(503, after: .seconds(1)), idempotent: false, expected: .retry(.seconds(1))))
        rows.append(Row(outcome: status(503), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: status(503), idempotent: false, used: 1, expected: .retry(.milliseconds(200))))
        rows.append(Row(outcome: status(503), idempotent: false, used: 2, expected: .fail))
        rows.append(Row(outcome: status(503, after: .seconds(61)), idempotent: false, expected: .fail))
        for code in [500, 502, 504] {
            rows.append(Row(outcome: status(code), idempotent: false, expected: .fail))
            rows.append(Row(outcome: status(code, after: .seconds(1)), idempotent: false, expected: .fail))
        }
        for code in [400, 404, 409, 422, 501] {
            rows.append(Row(outcome: status(code), idempotent: false, expected: .fail))
            rows.append(Row(outcome: status(code), idempotent: false, optIn: true, expected: .fail))
        }
        rows.append(Row(outcome: failure(.connectionFailed, sent: false), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: failure(.connectTimeout, sent: false), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: failure(.broken, sent: false), idempotent: false, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: failure(.broken, sent: true), idempotent: false, expected: .fail))
        rows.append(Row(outcome: status(429), idempotent: false, used: 2, expected: .fail))
        // …unless the configuration opts in: then like reads.
        for code in [500, 502, 503, 504] {
            rows.append(Row(outcome: status(code), idempotent: false, optIn: true, expected: .retry(.milliseconds(100))))
        }
        rows.append(Row(outcome: failure(.broken, sent: true), idempotent: false, optIn: true, expected: .retry(.milliseconds(100))))
        rows.append(Row(outcome: failure(.broken, sent: true), idempotent: false, optIn: true, used: 2, expected: .fail))
        return rows
    }()

    @Test("every row of the policy table", arguments: rows)
    func table(_ row: Row) {
        var retry = Configuration.Retry(maxRetries: 2, initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        retry.retriesNonIdempotent = row.optIn
        let decision = RetryPolicy(configuration: retry).decide(row.outcome, idempotent: row.idempotent, retriesUsed: row.used)
        switch (row.expected, decision) {
        case (.retry(let expected), .retry(let delay)): #expect(delay == expected, "\(row)")
        case (.fail, .fail): break
        default: Issue.record("\(row): got \(decision)")
        }
    }

    @Test("operations know whether they are idempotent")
    func idempotency() {
        let idempotent = AIYouOperation.allCases.filter(\.isIdempotent)
        #expect(
            Set(idempotent) == [
                .login, .assistants, .models, .threads, .deleteThread, .embeddings, .rerank, .rerankV2, .fileInfo, .fileContent, .batch,
                .batches, .cancelBatch,
            ]
        )
    }

    @Test("a save whose answer was lost is sent once; one that never left is sent again")
    func lostAnswerToSave() async throws {
        let transport = ScriptedTransport([.failure(.broken, requestSent: true)])
        let client = try AIYouClient.scripted(transport)
        let request = SaveConversationRequest(assistantID: "602", conversation: "c")
        await expectAIYouError(.network) { try await client.saveConversation(request) }
        #expect(transport.sent.count == 1, "the service may have saved it: never a second thread")

        transport.script(
            .failure(.connectionFailed, requestSent: false),
            .failure(.broken, requestSent: false),
            .answer(201, body: #"{"id": "t1", "object": "thread"}"#)
        )
        #expect(try await client.saveConversation(request).id == "t1")
        #expect(transport.sent.count == 4)
    }

    @Test("reads are retried after any transient failure, within maxRetries + 1 requests")
    func readsRetried() async throws {
        let transport = ScriptedTransport([
            .failure(.broken, requestSent: true), .answer(502), .answer(200, body: "[]"),
        ])
        let time = ManualTime()
        let client = try AIYouClient.scripted(transport, time: time)
        #expect(try await client.assistants().isEmpty)
        #expect(transport.sent.count == 3)
        #expect(time.sleeps == [.milliseconds(100), .milliseconds(200)])

        transport.script(.answer(503), .answer(503), .answer(503), .answer(503))
        await expectAIYouError(.apiError) { try await client.assistants() }
        #expect(transport.sent.count == 6, "3 more requests: maxRetries (2) + 1")
    }

    @Test("a chat completion is retried on 429 and 503 (with or without Retry-After), never on 500, 502, 504 or a lost answer")
    func chatRetries() async throws {
        let completion = #"{"id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]}"#
        let transport = ScriptedTransport([
            .answer(503), .answer(503, headers: [("Retry-After", "1")]), .answer(200, body: completion),
        ])
        let time = ManualTime()
        let client = try AIYouClient.scripted(transport, time: time)
        let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "m")
        #expect(try await client.chatCompletion(request).text == "ok")
        #expect(time.sleeps == [.milliseconds(100), .seconds(1)], "the backoff, then the service's delay")
        #expect(transport.sent.count == 3)
        for status in [500, 502, 504] {
            transport.script(.answer(status))
            let error = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
            #expect(error?.status == status)
        }
        transport.script(.failure(.broken, requestSent: true))
        await expectAIYouError(.network) { try await client.chatCompletion(request) }
        #expect(transport.sent.count == 7, "one request for each of the last four calls")
        transport.script(.answer(503), .answer(503), .answer(503), .answer(503))
        let exhausted = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
        #expect(exhausted?.status == 503)
        #expect(transport.sent.count == 10, "maxRetries (2) + 1 requests, then the 503 is the caller's")
    }

    @Test("a 401 on a bearer token is final; with a login it is sent again once after logging in")
    func unauthorized() async throws {
        let transport = ScriptedTransport([.answer(401)])
        let client = try AIYouClient.scripted(transport)
        await expectAIYouError(.unauthorized) { try await client.assistants() }
        #expect(transport.sent.count == 1)

        let login = #"{"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-one", "expires_at": "2999-01-01T00:00:00Z"}"#
        let relogin = #"{"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-two", "expires_at": "2999-01-01T00:00:00Z"}"#
        let withLogin = ScriptedTransport([
            .answer(200, body: login), .answer(401), .answer(200, body: relogin), .answer(200, body: "[]"),
        ])
        let client2 = try AIYouClient.scripted(withLogin) {
            $0.credentials = .emailPassword(email: "me@example.com", password: "s3cret-pass")
        }
        #expect(try await client2.assistants().isEmpty)
        #expect(withLogin.sent.map(\.target) == ["/api/login", "/api/v1/user/assistants", "/api/login", "/api/v1/user/assistants"])
        #expect(withLogin.sent.last?.headers.first(name: "authorization")?.hasSuffix("sig-two") == true)
    }

    @Test("a 429 asking for more than maxRetryAfter fails fast for every caller during the ceiling, then the client sends again")
    func serverPauseCeiling() async throws {
        let transport = ScriptedTransport([.answer(429, headers: [("Retry-After", "86400")])])
        let time = ManualTime()
        let client = try AIYouClient.scripted(transport, time: time) { $0.retry.maxRetryAfter = .seconds(60) }
        let first = await expectAIYouError(.rateLimited) { try await client.assistants() }
        #expect(first?.retryAfter == .seconds(86_400))
        for _ in 0..<5 {
            let next = await expectAIYouError(.rateLimited) { try await client.assistants() }
            #expect(next?.retryAfter.map { $0 > .seconds(86_000) } == true, "the service's delay, not the ceiling")
        }
        #expect(transport.sent.count == 1, "nobody hammers the service while it asked to wait")
        time.advance(by: .seconds(60))
        #expect(try await client.assistants().isEmpty, "after the ceiling the client recovers by itself")
        #expect(transport.sent.count == 2)
        #expect(time.sleeps.isEmpty, "nobody slept a day")
    }

    @Test("shutdown ends a call waiting in its backoff and one waiting in a server pause")
    func shutdownEndsWaits() async throws {
        let clock = SteppedClock()
        let transport = ScriptedTransport([.answer(503), .answer(429, headers: [("Retry-After", "30")])])
        var configuration = Configuration(baseURL: "http://127.0.0.1:9", credentials: .bearerToken("scripted-token"))
        configuration.retry = .init(maxRetries: 2, initialDelay: .seconds(30), maxDelay: .seconds(60), jitter: 0)
        configuration.timeSource = clock.source
        let client = AIYouClient(configuration: configuration, transport: transport)
        let inBackoff = Task { try await client.assistants() }
        try await eventually { clock.sleeperCount == 1 }
        let inPause = Task { try await client.models() }
        try await eventually { transport.sent.count == 2 && clock.sleeperCount >= 2 }
        let waiting = Task { try await client.assistants() }
        try await eventually { client.pipeline.rateLimiter.waitingCount >= 1 }
        try await client.shutdown()
        for task in [inBackoff, waiting] {
            await expectAIYouError(.clientShutdown) { try await task.value }
        }
        await expectAIYouError(.clientShutdown) { try await inPause.value }
        await expectAIYouError(.clientShutdown) { try await client.assistants() }
        #expect(clock.elapsed == .zero, "no wait ran out: shutdown ended them")
        #expect(transport.sent.count == 2)
    }
}

extension RetryPolicy.Outcome: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status(let code, let delay): "status \(code)" + (delay.map { " (Retry-After \($0))" } ?? "")
        case .failure(let error): "\(error.kind)\(error.requestSent ? "" : " (not sent)")"
        }
    }
}
