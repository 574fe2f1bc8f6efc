import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// One test per class of hostile answer the embedded server can play: the outcome is a typed error
/// or a bounded success, memory stays bounded, request counts are exact, and no secret reaches an
/// error or a log line at `trace` level. Serialized: two of them measure the process's peak memory.
@Suite("A hostile server cannot crash, hang, bloat or leak through the client", .serialized, .timeLimit(TestTiming.limit(minutes: 2)))
struct HostileServerTests {
    /// Runs `body` against a server, with a bearer token unless `login` is set, and fails the
    /// test if a secret or an escape sequence appears in anything the client logged at `trace`.
    func withHostileServer(
        login: Bool = false,
        server configure: (inout MockServerConfiguration) -> Void = { _ in },
        client adjust: (inout Configuration) -> Void = { _ in },
        _ body: (MockAIYouServer, AIYouClient) async throws -> Void
    ) async throws {
        let capture = LogCapture()
        try await withServerAndClient(
            server: configure,
            client: {
                if !login { $0.credentials = Fixture.apiKey }
                $0.logger = capture.logger
                adjust(&$0)
            }
        ) { server, client in
            try await body(server, client)
            Self.expectNoSecrets(in: capture.text, server: server)
        }
    }

    /// Fails the test when `text` holds a secret: any the server saw (every bearer value received,
    /// e-mail and password logged in with, token issued) — what the server knows leaked, not what
    /// the client believes it holds — or the account's own credentials.
    /// A secret the answer itself carries in clear (`answer`, e.g. a token in a login answer too
    /// mangled to be read as one) is none the client could know to hide.
    static func expectNoSecrets(
        in text: String,
        server: MockAIYouServer,
        answer: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let secrets = ([MockAccount.demo.email, MockAccount.demo.password, MockAccount.demoAPIKey] + server.secretsSeen).filter {
            answer.isEmpty || !answer.contains($0)
        }
        for secret in secrets where text.contains(secret) {
            Issue.record("a secret reached the output: \(text.prefix(200))…", sourceLocation: sourceLocation)
        }
        if text.unicodeScalars.contains(where: { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D || $0.value == 0x9B }) {
            Issue.record("a control character reached the output", sourceLocation: sourceLocation)
        }
    }

    static func errorTexts(_ error: AIYouError?) -> String {
        guard let error else { return "" }
        return [
            error.description, error.debugDescription, error.message, error.errorType ?? "", error.requestID ?? "", error.bodyExcerpt ?? "",
        ]
        .joined(separator: "\n")
    }

    @Test("a 200 MB stream line is cut at the 1 MiB limit: limitExceeded, connection closed, memory flat")
    func oversizedStreamLine() async throws {
        try await withHostileServer { server, client in
            _ = try await client.chatCompletionStream(chatRequest()).collect()  // warm up
            var error: AIYouError?
            let growth = await ProcessMemory.peakGrowth {
                server.enqueueFaults([.oversizedStreamLine(bytes: 200_000_000)], for: .chatCompletions)
                error = await expectAIYouError(.limitExceeded) { try await client.chatCompletionStream(chatRequest()).collect() }
            }
            #expect(error?.message.contains("maxStreamEventBytes") == true)
            // Far below the 200 MB sent; the margin is for ThreadSanitizer's shadow memory.
            #expect(growth < 64 << 20, "peak RSS grew by \(growth >> 20) MiB for a 200 MB line")
            #expect(server.requestCount(.chatCompletions) == 2, "not retried: a line that long will not get shorter")
            try await eventually { server.openConnections <= 1 }
            print("200 MB stream line: peak RSS growth \(growth >> 10) KiB")
        }
    }

    @Test("a 200 MB JSON answer is refused at maxResponseBodyBytes; memory stays within the limit")
    func oversizedBody() async throws {
        try await withHostileServer(client: { $0.limits.maxResponseBodyBytes = 4 << 20 }) { server, client in
            _ = try await client.assistants()
            var error: AIYouError?
            let growth = await ProcessMemory.peakGrowth {
                server.enqueueFaults([.oversizedStreamLine(bytes: 200_000_000)], for: .assistants)
                error = await expectAIYouError(.limitExceeded) { try await client.assistants() }
            }
            #expect(error?.message.contains("maxResponseBodyBytes") == true)
            #expect(growth < 32 << 20, "peak RSS grew by \(growth >> 20) MiB")
            #expect(server.requestCount(.assistants) == 2)
            print("200 MB JSON answer, 4 MiB limit: peak RSS growth \(growth >> 10) KiB")
        }
    }

    @Test("endless keep-alive comments do not keep a stream alive: a timeout after streamIdle, no retry")
    func endlessComments() async throws {
        try await withHostileServer(client: { $0.timeouts.streamIdle = .milliseconds(300) }) { server, client in
            server.enqueueFaults([.endlessComments(interval: .milliseconds(20))], for: .chatCompletions)
            let error = await expectAIYouError(.timeout) { try await client.chatCompletionStream(chatRequest()).collect() }
            #expect(error?.message.contains("no progress") == true)
            #expect(server.requestCount(.chatCompletions) == 1)
            try await eventually { server.openConnections == 0 }
        }
    }

    @Test("after [DONE] the stream is finished: the call returns, the endless tail is not read")
    func tailAfterDone() async throws {
        try await withHostileServer { server, client in
            server.enqueueFaults([.tailAfterDone], for: .chatCompletions)
            let completion = try await client.chatCompletionStream(chatRequest()).collect()
            #expect(completion.text == "Bonjour ! Vous avez dit : Bonjour")
            try await eventually { server.openConnections == 0 }
            // The client still works afterwards, on a new connection.
            #expect(try await client.chatCompletion(chatRequest()).text == "Bonjour ! Vous avez dit : Bonjour")
        }
    }

    @Test("an error body dripped one byte at a time ends at its size limit, or at the request timeout, on both paths")
    func drip() async throws {
        // At its size limit: deterministic, whatever the machine's load — the status and what
        // arrived, as soon as 256 bytes have.
        try await withHostileServer(client: { $0.limits.maxErrorBodyBytes = 256 }) { server, client in
            server.enqueueFaults([.drip(status: 500, interval: .milliseconds(1))], for: .chatCompletions)
            let streamed = await expectAIYouError(.apiError) { try await client.chatCompletionStream(chatRequest()) }
            #expect(streamed?.status == 500, "what arrived of the error answer, with its status")
            server.enqueueFaults([.drip(status: 400, interval: .milliseconds(1))], for: .assistants)
            let plain = await expectAIYouError(.apiError) { try await client.assistants() }
            #expect(plain?.status == 400)
            #expect(server.requestCount(.chatCompletions) == 1 && server.requestCount(.assistants) == 1)
        }
        // At the request timeout, long before the limit: the call ends, with the status when the
        // head arrived in time (on a starved machine it may not have: then a timeout).
        try await withHostileServer(client: { $0.timeouts.request = .milliseconds(400) }) { server, client in
            server.enqueueFaults([.drip(status: 500, interval: .milliseconds(20))], for: .chatCompletions)
            server.enqueueFaults([.drip(status: 400, interval: .milliseconds(20))], for: .assistants)
            for (call, status) in [
                ({ _ = try await client.chatCompletionStream(chatRequest()) }, 500), ({ _ = try await client.assistants() }, 400),
            ]
                as [(() async throws -> Void, Int)]
            {
                do {
                    try await call()
                    Issue.record("a dripped error answer was taken for a success")
                } catch let error as AIYouError {
                    #expect(error.code == .apiError ? error.status == status : error.code == .timeout, "\(error)")
                }
            }
            #expect(server.requestCount(.chatCompletions) == 1 && server.requestCount(.assistants) == 1)
            try await eventually { server.openConnections <= 1 }
        }
    }

    @Test("absurd numbers in every answer decode to clamped values; no trap, walks end")
    func absurdNumbers() async throws {
        try await withHostileServer(login: true, client: { $0.logger.logLevel = .trace }) { server, client in
            server.enqueueFaults([.absurdNumbers], for: .login)
            server.enqueueFaults([.absurdNumbers], for: .chatCompletions)
            let completion = try await client.chatCompletion(chatRequest())
            #expect(completion.usage?.totalTokens == .max)
            #expect(completion.created == WireValue.latestDate)
            server.enqueueFaults([.absurdNumbers], for: .chatCompletions)
            let streamed = try await client.chatCompletionStream(chatRequest()).collect()
            #expect(streamed.usage?.totalTokens == .max)
            server.setPersistentFault(.absurdNumbers, for: .threads)
            let all = try await client.fetchAllThreads(itemsPerPage: 10)
            #expect(all.count == 23, "the real threads, whatever the totals claim")
            var walked = 0
            for try await _ in try client.allThreads(itemsPerPage: 10) { walked += 1 }
            #expect(walked == 23)
            server.setPersistentFault(nil, for: .threads)
            server.shape = .alternate
            server.enqueueFaults([.absurdNumbers], for: .assistants)
            _ = try await client.assistants()
            server.enqueueFaults([.absurdNumbers], for: .listModels)
            let models = try await client.models()
            #expect(models.models.allSatisfy { $0.contextWindow == nil || $0.contextWindow! < 1 << 53 })
            server.enqueueFaults([.absurdNumbers], for: .save)
            let saved = try await client.saveConversation(.init(assistantID: "602", conversation: "c"))
            #expect(saved.createdAt.map { $0 <= WireValue.latestDate } ?? true)
        }
    }

    @Test("secrets the server echoes (body, Authorization, request id, error type) never reach an error or a trace log")
    func echoedSecrets() async throws {
        try await withHostileServer(login: true) { server, client in
            _ = try await client.assistants()
            server.expireAllTokens()
            _ = try await client.assistants()  // a second token; both must stay hidden
            server.enqueueFaults([.echoSecrets(status: 422)], for: .assistants)
            let echoed = await expectAIYouError(.apiError) { try await client.assistants() }
            Self.expectNoSecrets(in: Self.errorTexts(echoed), server: server)
            #expect(echoed?.requestID?.contains("[REDACTED]") == true)
            server.expireAllTokens()
            server.enqueueFaults([.echoSecrets(status: 401)], for: .login)
            let login = await expectAIYouError(.unauthorized) { try await client.assistants() }
            Self.expectNoSecrets(in: Self.errorTexts(login), server: server)
            #expect(server.issuedTokenCount == 2)
        }
    }

    @Test("escape sequences in an error answer are escaped in every field and log line")
    func escapeSequences() async throws {
        try await withHostileServer { server, client in
            server.enqueueFaults([.escapeSequences(status: 422)], for: .assistants)
            let error = await expectAIYouError(.apiError) { try await client.assistants() }
            Self.expectNoSecrets(in: Self.errorTexts(error), server: server)
            #expect(error?.message.contains("\\u{1B}") == true, "visible, not executed")
            // Three: a 503 is retried (not handled), so the third one is the caller's error.
            server.enqueueFaults(Array(repeating: .escapeSequences(status: 503), count: 3), for: .chatCompletions)
            let streamed = await expectAIYouError(.apiError) { try await client.chatCompletionStream(chatRequest()) }
            Self.expectNoSecrets(in: Self.errorTexts(streamed), server: server)
        }
    }

    @Test("a save whose answer is lost is sent once: one thread, one request, a network error")
    func lostAnswerToSave() async throws {
        try await withHostileServer { server, client in
            let before = server.threadCount
            server.enqueueFaults([.dropAfterProcessing], for: .save)
            await expectAIYouError(.network) { try await client.saveConversation(.init(assistantID: "602", conversation: "c")) }
            #expect(server.requestCount(.save) == 1)
            #expect(server.threadCount == before + 1, "exactly one thread was created")
            server.enqueueFaults([.dropAfterProcessing], for: .chatCompletions)
            await expectAIYouError(.network) { try await client.chatCompletion(chatRequest()) }
            #expect(server.requestCount(.chatCompletions) == 1, "a billed generation is not run twice")
        }
    }

    @Test("lying page counts never size the walk: it ends at the first short page, or at maxPages")
    func lyingPageCounts() async throws {
        try await withHostileServer(client: { $0.limits.maxPages = 20 }) { server, client in
            // Each walk uses its own page size, so that its requests are told apart from a request
            // of an earlier walk that was cancelled in flight and reaches the server late.
            func pagesRead(size: Int) -> Int {
                server.recordedRequests(.threads).filter { $0.query?.split(separator: "&").contains("itemsPerPage=\(size)") == true }.count
            }
            server.setPersistentFault(.lyingPageCounts(totalItems: .max, fullPages: false), for: .threads)
            let all = try await client.fetchAllThreads(itemsPerPage: 10, maxConcurrentRequests: 4)
            #expect(all.count == 23)
            #expect(pagesRead(size: 10) <= 3 + 4, "3 pages hold the threads; at most 4 more were asked ahead")
            server.setPersistentFault(.lyingPageCounts(totalItems: .max, fullPages: true), for: .threads)
            let endless = await expectAIYouError(.limitExceeded) {
                try await client.fetchAllThreads(itemsPerPage: 40, maxConcurrentRequests: 4)
            }
            #expect(endless?.message.contains("maxPages") == true)
            #expect(pagesRead(size: 40) == 20, "pages 1…20, never one more")
            await expectAIYouError(.limitExceeded) { try await client.thread(id: "absent") }
            #expect(pagesRead(size: 50) == 20)
            var seen = 0
            await expectAIYouError(.limitExceeded) { for try await _ in try client.allThreads(itemsPerPage: 5) { seen += 1 } }
            #expect(seen == 100, "every thread of the 20 pages was delivered before the error")
            #expect(pagesRead(size: 5) == 20)
        }
    }

    @Test("ids that are empty, dot segments or hold control characters are refused before sending")
    func identifiers() async throws {
        try await withHostileServer { server, client in
            for id in ["", ".", "..", "a\u{1B}b", "x\r\ny"] {
                await expectAIYouError(.invalidRequest) { try await client.deleteThread(id: id) }
                await expectAIYouError(.invalidRequest) { try await client.thread(id: id) }
            }
            await expectAIYouError(.invalidRequest) { try await client.deleteThreads(ids: ["1", ".."]) }
            #expect(server.totalRequestCount == 0)
        }
    }

    @Test("plain http to a host that only looks like loopback is refused")
    func loopbackSpoof() {
        for url in ["http://127.evil.example", "http://localhost.evil.example:8080", "http://127.0.0.1.nip.io"] {
            #expect(throws: AIYouError.self, "\(url)") {
                try AIYouClient(configuration: Configuration(baseURL: url, credentials: Fixture.apiKey))
            }
        }
    }
}
