import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The LLMaaS Batch API end to end against the embedded server: files, batches, polling (on the
/// test clock, which never sleeps), typed results and the local checks.
@Suite("LLMaaS batches")
struct BatchAPITests {
    static let chatModel = "gpt-oss:120b"

    /// A JSONL file in the temporary directory, removed by the caller.
    static func file(_ lines: [String], name: String = "requests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    static func chatLine(_ id: String, _ text: String, model: String = chatModel) -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"\#(text)"}]}}"#
    }

    static func chat(_ id: String, _ text: String) -> BatchRequest {
        .chatCompletion(ChatCompletionRequest(messages: [.text(text)], model: chatModel), customID: id)
    }

    /// Every result of `job`, by custom id (or `line N` for a line without one).
    static func results(of job: BatchJob, _ client: AIYouClient) async throws -> [String: BatchResult] {
        var results: [String: BatchResult] = [:]
        for try await item in try await client.batchResults(of: job) {
            results[item.customID ?? "line \(item.lineNumber)"] = item
        }
        return results
    }

    @Test("a file from disk: uploaded, run, polled to completion, its results typed as chat, embeddings and errors")
    func fromDisk() async throws {
        let time = ManualTime()
        let url = try Self.file([
            Self.chatLine("greeting", "Salut"),
            #"{"custom_id":"vectors","method":"POST","url":"/v1/embeddings","body":{"model":"bge-m3","input":["first","second"]}}"#,
            "",
            Self.chatLine("unknown", "Salut", model: "no-such-model"),
            #"{"custom_id":"rerank","method":"POST","url":"/v1/rerank","body":{"query":"q"}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        try await withLLMaaS(client: { $0.timeSource = time.source }) { server, client in
            let uploaded = try await client.uploadBatchFile(at: url.path)
            #expect(uploaded.id.hasPrefix("file-") && uploaded.purpose == "batch")
            #expect(uploaded.filename == url.lastPathComponent)
            #expect(uploaded.bytes == (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue)
            #expect(try await client.uploadedFile(id: uploaded.id) == uploaded)

            let created = try await client.createBatch(inputFileID: uploaded.id, metadata: ["run": "nightly"])
            #expect(created.status == .validating && created.inputFileID == uploaded.id)
            #expect(created.endpoint == "/v1/chat/completions" && created.completionWindow == "24h")
            #expect(created.metadata == ["run": "nightly"])
            let sent = try jsonObject(server.recordedRequests(.createBatch).last?.body ?? [])
            #expect(sent["completion_window"] as? String == "24h" && sent["input_file_id"] as? String == uploaded.id)

            var seen: [BatchJob.Status] = []
            let done = try await client.waitForBatch(id: created.id) { seen.append($0.status) }
            #expect(seen == [.inProgress, .finalizing, .completed])
            #expect(time.sleeps == [.seconds(1), .seconds(2)], "a pause between polls, none after the last")
            #expect(server.requestCount(.batch) == 3)
            #expect(done.status.isTerminal && done.completedAt != nil)
            #expect(done.requestCounts == BatchJob.RequestCounts(total: 4, completed: 2, failed: 2))
            let output = try #require(done.outputFileID)
            let errors = try #require(done.errorFileID)

            let results = try await Self.results(of: done, client)
            #expect(results.count == 4)
            let greeting = try #require(results["greeting"]?.chatCompletion)
            #expect(greeting.text == "Bonjour ! Vous avez dit : Salut" && greeting.usage != nil)
            #expect(results["greeting"]?.fileID == output && results["greeting"]?.requestID?.hasPrefix("batch_req_") == true)
            let vectors = try #require(results["vectors"]?.embeddings)
            #expect(
                vectors.vectors == [
                    MockAIYouServer.embedding(for: "first", dimensions: 1024), MockAIYouServer.embedding(for: "second", dimensions: 1024),
                ]
            )
            let unknown = try #require(results["unknown"]?.error)
            #expect(unknown.code == .notFound && unknown.status == 404 && unknown.errorCode == "model_not_found")
            #expect(unknown.message.hasPrefix("batch result line 3 (custom_id unknown): "), "\(unknown.message)")
            let rerank = try #require(results["rerank"])
            #expect(rerank.fileID == errors && rerank.error?.code == .apiError && rerank.error?.errorCode == "invalid_url")
            #expect(throws: AIYouError.self) { try rerank.get() }
        }
    }

    @Test("typed requests from an AsyncSequence are written line by line, uploaded and answered in kind")
    func fromSequence() async throws {
        try await withLLMaaS { server, client in
            let (requests, continuation) = AsyncStream.makeStream(of: BatchRequest.self)
            for index in 0..<40 { continuation.yield(Self.chat("chat-\(index)", "Question \(index)")) }
            continuation.yield(.embeddings(model: "granite-embedding:278m", input: ["alpha"], customID: "embedding"))
            continuation.finish()
            let uploaded = try await client.uploadBatchFile(requests, fileName: "questions.jsonl")
            #expect(uploaded.filename == "questions.jsonl")
            var job = try await client.createBatch(inputFileID: uploaded.id)
            for _ in 0..<3 { job = try await client.batch(id: job.id) }
            #expect(job.status == .completed && job.requestCounts.completed == 41)
            let results = try await Self.results(of: job, client)
            #expect(results.count == 41)
            for index in 0..<40 {
                #expect(results["chat-\(index)"]?.chatCompletion?.text == "Bonjour ! Vous avez dit : Question \(index)")
            }
            #expect(results["embedding"]?.embeddings?.vectors == [MockAIYouServer.embedding(for: "alpha", dimensions: 768)])
            #expect(server.requestCount(.uploadFile) == 1)
        }
    }

    @Test("an array of requests uploads the same lines, each body as the single call sends it")
    func fromArray() async throws {
        try await withLLMaaS { server, client in
            let request = ChatCompletionRequest(messages: [.text("Hi")], model: Self.chatModel, temperature: 0.5, maxTokens: 7)
            let uploaded = try await client.uploadBatchFile([.chatCompletion(request, customID: "one")])
            var job = try await client.createBatch(inputFileID: uploaded.id)
            for _ in 0..<3 { job = try await client.batch(id: job.id) }
            #expect(job.requestCounts.completed == 1)
            // The line's body is the LLMaaS body of the single call, without "stream".
            var writer = JSONWriter()
            BatchRequest.chatCompletion(request, customID: "one").write(to: &writer)
            let line = try jsonObject(Array(writer.buffer.readableBytesView))
            #expect(line["custom_id"] as? String == "one" && line["method"] as? String == "POST")
            #expect(line["url"] as? String == "/v1/chat/completions")
            let body = try #require(line["body"] as? [String: Any])
            #expect(body["model"] as? String == Self.chatModel && body["max_tokens"] as? Int == 7 && body["stream"] == nil)
            _ = server
        }
    }

    @Test(
        "a batch can end failed, expired or cancelled; each keeps the results of what ran",
        arguments: ["failed", "expired", "cancelled"]
    )
    func outcomes(_ outcome: String) async throws {
        try await withLLMaaS { server, client in
            server.enqueueBatchOutcomes([outcome == "failed" ? .failed : outcome == "expired" ? .expired : .cancelled])
            let uploaded = try await client.uploadBatchFile((0..<5).map { Self.chat("r\($0)", "Q\($0)") })
            let job = try await client.createBatch(inputFileID: uploaded.id)
            var statuses: [BatchJob.Status] = []
            let done = try await client.waitForBatch(id: job.id) { statuses.append($0.status) }
            let results = try await Self.results(of: done, client)
            switch outcome {
            case "failed":
                #expect(statuses == [.failed])
                #expect(done.errors.first?.code == "mock_failure" && done.outputFileID == nil && done.errorFileID == nil)
                #expect(results.isEmpty)
            case "expired":
                #expect(statuses == [.inProgress, .expired])
                #expect(done.requestCounts == BatchJob.RequestCounts(total: 5, completed: 2, failed: 3))
                #expect(results.count == 5)
                #expect(results["r0"]?.chatCompletion != nil && results["r1"]?.chatCompletion != nil)
                for id in ["r2", "r3", "r4"] { #expect(results[id]?.error?.errorCode == "batch_expired") }
            default:
                #expect(statuses == [.inProgress, .cancelling, .cancelled])
                #expect(done.requestCounts == BatchJob.RequestCounts(total: 5, completed: 2, failed: 0))
                #expect(Set(results.keys) == ["r0", "r1"])
            }
        }
    }

    @Test("a batch over an unknown file, or for an endpoint the service does not batch, is refused by the service")
    func refusedCreate() async throws {
        try await withLLMaaS { _, client in
            let uploaded = try await client.uploadBatchFile([Self.chat("a", "x")])
            let endpoint = await expectAIYouError(.apiError) {
                try await client.createBatch(inputFileID: uploaded.id, endpoint: BatchEndpoint(path: "/v1/rerank"))
            }
            #expect(endpoint?.status == 400 && endpoint?.errorParameter == "endpoint")
            let missing = await expectAIYouError(.notFound) { try await client.createBatch(inputFileID: "file-missing") }
            #expect(missing?.errorCode == "file_not_found")
        }
    }

    @Test("cancel: cancelling, again cancelling (idempotent, retried after a lost answer), then cancelled; an ended batch refuses")
    func cancel() async throws {
        try await withLLMaaS { server, client in
            let uploaded = try await client.uploadBatchFile([Self.chat("a", "x"), Self.chat("b", "y")])
            let job = try await client.createBatch(inputFileID: uploaded.id)
            #expect(try await client.cancelBatch(id: job.id).status == .cancelling)
            server.enqueueFaults([.dropConnection], for: .cancelBatch)
            #expect(try await client.cancelBatch(id: job.id).status == .cancelling)
            #expect(server.requestCount(.cancelBatch) == 3, "the cancel whose answer was lost was sent again")
            let ended = try await client.batch(id: job.id)
            #expect(ended.status == .cancelled && ended.cancelledAt != nil && ended.outputFileID == nil)
            #expect(try await Self.results(of: ended, client).isEmpty)
            let refused = await expectAIYouError(.apiError) { try await client.cancelBatch(id: MockAIYouServer.demoBatchID) }
            #expect(refused?.status == 400)
            await expectAIYouError(.notFound) { try await client.cancelBatch(id: "batch_missing") }

            // Creating is not idempotent: a create whose answer was lost is not sent again.
            server.enqueueFaults([.dropConnection], for: .createBatch)
            await expectAIYouError(.network) { try await client.createBatch(inputFileID: uploaded.id) }
            #expect(server.requestCount(.createBatch) == 2)
        }
    }

    @Test("list: most recent first, a page at a time; the seeded demo batches are there")
    func list() async throws {
        try await withLLMaaS { server, client in
            let uploaded = try await client.uploadBatchFile([Self.chat("a", "x")])
            var created: [String] = []
            for _ in 0..<3 { created.append(try await client.createBatch(inputFileID: uploaded.id).id) }
            let first = try await client.batches(limit: 2)
            #expect(first.batches.map(\.id) == [created[2], created[1]] && first.hasMore)
            let rest = try await client.batches(limit: 100, after: first.lastID)
            #expect(rest.batches.map(\.id) == [created[0], MockAIYouServer.demoRunningBatchID, MockAIYouServer.demoBatchID])
            #expect(!rest.hasMore)
            #expect(server.recordedRequests(.listBatches).last?.query == "limit=100&after=\(created[1])")
            await expectAIYouError(.invalidRequest) { try await client.batches(limit: 0) }
            await expectAIYouError(.invalidRequest) { try await client.batches(limit: 101) }
            await expectAIYouError(.invalidRequest) { try await client.batches(after: " ") }
            await expectAIYouError(.notFound) { try await client.batch(id: "batch_missing") }
            await expectAIYouError(.notFound) { try await client.uploadedFile(id: "file-missing") }
            await expectAIYouError(.notFound) { try await client.batchResults(fileID: "file-missing") }
        }
    }

    @Test("a malformed line is an error result naming it, and the lines after it are read")
    func malformedLine() async throws {
        try await withLLMaaS { server, client in
            server.enqueueBatchOutcomes([.malformedLine(2)])
            let uploaded = try await client.uploadBatchFile((1...3).map { Self.chat("r\($0)", "Q\($0)") })
            let job = try await client.waitForBatch(id: try await client.createBatch(inputFileID: uploaded.id).id)
            var items: [BatchResult] = []
            for try await item in try await client.batchResults(of: job) { items.append(item) }
            #expect(items.map(\.lineNumber) == [1, 2, 3])
            #expect(items[0].customID == "r1" && items[2].customID == "r3" && items[2].chatCompletion != nil)
            let broken = try #require(items[1].error)
            #expect(items[1].customID == nil && broken.code == .decoding)
            #expect(broken.message.contains("line 2 of \(try #require(job.outputFileID))"), "\(broken.message)")
        }
    }

    @Test("a line longer than the limit is skipped without being held, as an error result naming it")
    func lineOverTheCap() async throws {
        try await withLLMaaS(client: { $0.limits.maxResponseBodyBytes = 4096 }) { _, client in
            let long = String(repeating: "long ", count: 2000)
            let uploaded = try await client.uploadBatchFile([Self.chat("short", "Hi"), Self.chat("long", long), Self.chat("after", "Bye")])
            let job = try await client.waitForBatch(id: try await client.createBatch(inputFileID: uploaded.id).id)
            var items: [BatchResult] = []
            for try await item in try await client.batchResults(of: job) { items.append(item) }
            #expect(items.map(\.lineNumber) == [1, 2, 3])
            #expect(items[0].chatCompletion?.text == "Bonjour ! Vous avez dit : Hi")
            #expect(items[1].customID == nil && items[1].error?.code == .limitExceeded)
            #expect(items[1].error?.message.contains("line 2") == true && items[1].error?.message.contains("4096 bytes") == true)
            #expect(items[2].customID == "after" && items[2].chatCompletion != nil)
        }
    }

    @Test("files the service would refuse are refused before anything is sent")
    func localChecks() async throws {
        let valid = Self.chatLine("a", "x")
        let cases: [(lines: [String], message: String)] = [
            ([], "holds no request"),
            ([valid, Self.chatLine("a", "y")], "the custom_id \"a\" is already used by line 1"),
            ([#"{"custom_id":"","method":"POST","url":"/v1/embeddings","body":{}}"#], "line 1: the custom_id is empty"),
            ([#"{"method":"POST","url":"/v1/embeddings","body":{}}"#], "line 1 has no custom_id"),
            ([valid, "not json"], "line 2 is not a JSON object"),
            ([#"{"custom_id":"b","method":"GET","url":"/v1/embeddings","body":{}}"#], "method must be \"POST\""),
            ([#"{"custom_id":"b","method":"POST","body":{}}"#], "url must be an endpoint path"),
            ([#"{"custom_id":"b","method":"POST","url":"/v1/embeddings","body":[]}"#], "body must be a JSON object"),
        ]
        try await withLLMaaS { server, client in
            for (lines, message) in cases {
                let url = try Self.file(lines)
                defer { try? FileManager.default.removeItem(at: url) }
                let error = await expectAIYouError(.invalidRequest) { try await client.uploadBatchFile(at: url.path) }
                #expect(error?.message.contains(message) == true, "\(String(describing: error?.message)) for \(lines)")
            }
            let missing = await expectAIYouError(.invalidRequest) { try await client.uploadBatchFile(at: "/nonexistent/requests.jsonl") }
            #expect(missing?.message.contains("does not exist") == true)

            // Over 100 MB: refused by its size, before a byte is read (the file is sparse).
            let large = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString).jsonl")
            #expect(FileManager.default.createFile(atPath: large.path, contents: nil))
            defer { try? FileManager.default.removeItem(at: large) }
            let handle = try FileHandle(forWritingTo: large)
            try handle.truncate(atOffset: UInt64(AIYouClient.maxBatchFileBytes + 1))
            try handle.close()
            let tooLarge = await expectAIYouError(.invalidRequest) { try await client.uploadBatchFile(at: large.path) }
            #expect(tooLarge?.message.contains("larger than 100000000 bytes") == true)

            // From a sequence: each request is checked as it is written.
            await expectAIYouError(.invalidRequest) { try await client.uploadBatchFile([BatchRequest]()) }
            let duplicate = await expectAIYouError(.invalidRequest) {
                try await client.uploadBatchFile([Self.chat("same", "x"), Self.chat("other", "y"), Self.chat("same", "z")])
            }
            #expect(duplicate?.message.contains("request 3: the custom_id \"same\" is already used by request 1") == true)
            await expectAIYouError(.invalidRequest) { try await client.uploadBatchFile([Self.chat(" ", "x")]) }
            let noModel = await expectAIYouError(.invalidRequest) {
                try await client.uploadBatchFile([.chatCompletion(ChatCompletionRequest(messages: [.text("x")]), customID: "m")])
            }
            #expect(noModel?.message.contains("batch request 1 (custom_id \"m\")") == true)
            await expectAIYouError(.invalidRequest) {
                try await client.uploadBatchFile([.embeddings(model: "bge-m3", input: [""], customID: "e")])
            }
            let tooMany = await expectAIYouError(.invalidRequest) {
                try await client.uploadBatchFile(
                    (0...AIYouClient.maxBatchRequests).map { .embeddings(model: "m", input: ["x"], customID: "\($0)") }
                )
            }
            #expect(tooMany?.message.contains("more than 50000 requests") == true)
            await expectAIYouError(.invalidRequest) { try await client.createBatch(inputFileID: " ") }
            await expectAIYouError(.invalidRequest) {
                try await client.createBatch(inputFileID: "f", endpoint: BatchEndpoint(path: "v1/x"))
            }
            await expectAIYouError(.invalidRequest) { try await client.batch(id: "..") }
            #expect(server.requestCount(.uploadFile) == 0 && server.requestCount(.createBatch) == 0 && server.requestCount(.batch) == 0)
        }
    }

    @Test("a sequence that throws ends the upload with its error, and nothing is sent")
    func failingSequence() async throws {
        struct Broken: Error {}
        let requests = AsyncThrowingStream<BatchRequest, any Error> { continuation in
            continuation.yield(Self.chat("a", "x"))
            continuation.finish(throwing: Broken())
        }
        try await withLLMaaS { server, client in
            await #expect(throws: Broken.self) { try await client.uploadBatchFile(requests) }
            #expect(server.requestCount(.uploadFile) == 0)
        }
    }

    @Test("waiting ends at the deadline with .timeout, after polls that never grew beyond maxInterval")
    func waitDeadline() async throws {
        let time = ManualTime()
        try await withLLMaaS(client: { $0.timeSource = time.source }) { server, client in
            let polling = BatchPolling(interval: .seconds(1), maxInterval: .seconds(2), timeout: .seconds(6))
            let error = await expectAIYouError(.timeout) {
                try await client.waitForBatch(id: MockAIYouServer.demoRunningBatchID, polling: polling)
            }
            #expect(error?.message.contains("still in_progress") == true, "\(String(describing: error))")
            #expect(time.sleeps == [.seconds(1), .seconds(2), .seconds(2), .seconds(1)])
            #expect(server.requestCount(.batch) == 5)
            await expectAIYouError(.invalidRequest) {
                try await client.waitForBatch(id: "b", polling: BatchPolling(interval: .zero))
            }
            await expectAIYouError(.invalidRequest) {
                try await client.waitForBatch(id: "b", polling: BatchPolling(interval: .seconds(2), maxInterval: .seconds(1)))
            }
        }
        #expect(BatchPolling().pause(after: 0) == .seconds(1) && BatchPolling().pause(after: 5) == .seconds(32))
        #expect(BatchPolling().pause(after: 6) == .seconds(60) && BatchPolling().pause(after: 1000) == .seconds(60))
    }

    @Test("cancelling the waiting task ends the wait at once with .cancelled")
    func waitCancelled() async throws {
        let clock = SteppedClock()
        try await withLLMaaS(client: { $0.timeSource = clock.source }) { _, client in
            let waiting = Task { try await client.waitForBatch(id: MockAIYouServer.demoRunningBatchID) }
            try await eventually { clock.sleeperCount == 1 }
            waiting.cancel()
            let outcome = await waiting.result
            guard case .failure(let error as AIYouError) = outcome else {
                Issue.record("expected .cancelled, got \(outcome)")
                return
            }
            #expect(error.code == .cancelled)
        }
    }

    @Test("results of a batch that has not ended are refused; a results sequence is read once")
    func resultsRules() async throws {
        try await withLLMaaS { _, client in
            let running = try await client.batch(id: MockAIYouServer.demoRunningBatchID)
            let refused = await expectAIYouError(.invalidRequest) { try await client.batchResults(of: running) }
            #expect(refused?.message.contains("in_progress") == true)
            let done = try await client.batch(id: MockAIYouServer.demoBatchID)
            let results = try await client.batchResults(of: done)
            var count = 0
            for try await _ in results { count += 1 }
            #expect(count == 3)
            await #expect(throws: AIYouError.self) { for try await _ in results {} }
        }
    }

    @Test("on AI.YOU every batch call is .unsupported, and nothing is sent")
    func unsupportedOnAIYou() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.unsupported) { try await client.uploadBatchFile([Self.chat("a", "x")]) }
            await expectAIYouError(.unsupported) { try await client.uploadBatchFile(at: "/tmp/x.jsonl") }
            await expectAIYouError(.unsupported) { try await client.createBatch(inputFileID: "f") }
            await expectAIYouError(.unsupported) { try await client.batch(id: "b") }
            await expectAIYouError(.unsupported) { try await client.batches() }
            await expectAIYouError(.unsupported) { try await client.cancelBatch(id: "b") }
            await expectAIYouError(.unsupported) { try await client.waitForBatch(id: "b") }
            await expectAIYouError(.unsupported) { try await client.batchResults(fileID: "f") }
            #expect(server.totalRequestCount == 0)
        }
    }
}
