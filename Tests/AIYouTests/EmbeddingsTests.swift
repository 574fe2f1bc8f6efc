import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Embeddings: batching, order, concurrency, errors")
struct EmbeddingsTests {
    static func texts(_ count: Int) -> [String] { (0..<count).map { "passage number \($0) about invoices" } }

    static func expected(_ texts: [String], dimensions: Int = 4) -> [[UInt32]] {
        texts.map { EmbeddingsEchoTransport.vector(for: $0, dimensions: dimensions).map(\.bitPattern) }
    }

    @Test("inputs beyond batchSize go in ceil(n / batchSize) requests and come back in input order")
    func batches() async throws {
        let transport = EmbeddingsEchoTransport()
        let client = try AIYouClient.llmaas(transport)
        let input = Self.texts(10)
        let result = try await client.embeddings(model: "bge-m3", input: input, batchSize: 3)
        #expect(result.vectors.map { $0.map(\.bitPattern) } == Self.expected(input))
        #expect(transport.attempts.count == 4)
        #expect(transport.attempts.sorted { $0[0] < $1[0] }.map(\.count).sorted() == [1, 3, 3, 3])
        #expect(Set(transport.attempts.flatMap { $0 }) == Set(input), "every text sent once")
        #expect(result.model == "bge-m3")
        #expect(result.usage == .init(promptTokens: 50, totalTokens: 50), "summed over the batches")
        #expect(result.dimensions == 4)
        // One batch: one request.
        let single = try await client.embeddings(model: "bge-m3", input: Array(input.prefix(3)), batchSize: 3)
        #expect(single.vectors.map { $0.map(\.bitPattern) } == Self.expected(Array(input.prefix(3))))
        #expect(transport.attempts.count == 5)
    }

    @Test("at most maxConcurrentRequests batches are in flight, and they do overlap", arguments: [1, 3])
    func concurrency(limit: Int) async throws {
        // Each attempt is held until `limit` are in flight together: fewer would hold them 10 s
        // and show; more shows in maxInFlight.
        let transport = EmbeddingsEchoTransport(holdUntilInFlight: limit)
        let client = try AIYouClient.llmaas(transport)
        let input = Self.texts(12)
        let result = try await client.embeddings(model: "bge-m3", input: input, batchSize: 1, maxConcurrentRequests: limit)
        #expect(result.vectors.map { $0.map(\.bitPattern) } == Self.expected(input))
        #expect(transport.attempts.count == 12)
        #expect(transport.maxInFlight == limit, "max in flight \(transport.maxInFlight)")
    }

    @Test("the single-text overload sends input as a string")
    func singleText() async throws {
        let transport = ScriptedTransport([
            .answer(200, body: #"{"object":"list","model":"bge-m3:567m","data":[{"index":0,"embedding":[0.5,-1e-3]}]}"#)
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let result = try await client.embeddings(model: "bge-m3:567m", input: "bonjour")
        #expect(result.vectors == [[0.5, -0.001]])
        #expect(result.usage == .init(promptTokens: 0, totalTokens: 0), "no usage: zero")
        let sent = try #require(transport.sent.first)
        #expect(sent.method == .POST)
        #expect(sent.target == "/v1/embeddings")
        guard case .json(let body) = sent.body else { throw AIYouError(.decoding, "not a JSON body") }
        #expect(String(buffer: body) == #"{"model":"bge-m3:567m","input":"bonjour","encoding_format":"base64"}"#)
        #expect(sent.headers.first(name: "Authorization") == "Bearer scripted-token")
    }

    @Test("a 503 on one batch is retried (embeddings are idempotent); the call succeeds")
    func retried() async throws {
        let transport = EmbeddingsEchoTransport()
        let time = ManualTime()
        let client = try AIYouClient.llmaas(transport, time: time)
        let input = Self.texts(6)
        transport.script(firstText: input[2], (503, #"{"error":{"message":"busy","type":"service_unavailable_error"}}"#))
        let result = try await client.embeddings(model: "bge-m3", input: input, batchSize: 2)
        #expect(result.vectors.map { $0.map(\.bitPattern) } == Self.expected(input))
        #expect(transport.attempts.count == 4, "3 batches, one sent twice")
        #expect(time.sleeps == [.milliseconds(100)])
    }

    @Test("a 400 on one batch fails the call, and no batch starts after it")
    func failure() async throws {
        let transport = EmbeddingsEchoTransport(delay: .milliseconds(5))
        let client = try AIYouClient.llmaas(transport)
        let input = Self.texts(40)
        transport.script(
            firstText: input[0],
            (400, #"{"error":{"message":"input too long","type":"invalid_request_error","param":"input","code":null}}"#)
        )
        let error = await expectAIYouError(.apiError) {
            try await client.embeddings(model: "bge-m3", input: input, batchSize: 1, maxConcurrentRequests: 2)
        }
        #expect(error?.status == 400)
        #expect(error?.errorParameter == "input")
        #expect(error?.message.contains("input too long") == true)
        #expect(transport.attempts.count < 40, "the rest was cancelled: \(transport.attempts.count) sent")
    }

    @Test("404 model_not_found is .notFound naming the model")
    func unknownModel() async throws {
        let transport = EmbeddingsEchoTransport()
        let client = try AIYouClient.llmaas(transport)
        transport.script(
            firstText: "a",
            (
                404,
                #"{"error":{"message":"The model `nope` does not exist.","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#
            )
        )
        let error = await expectAIYouError(.notFound) { try await client.embeddings(model: "nope", input: ["a"]) }
        #expect(error?.errorCode == "model_not_found")
        #expect(error?.message.contains("\"nope\"") == true)
        #expect(transport.attempts.count == 1, "a 404 is not retried")
    }

    @Test("bad input is refused before anything is sent")
    func validation() async throws {
        let transport = EmbeddingsEchoTransport()
        let client = try AIYouClient.llmaas(transport)
        let cases: [(String, @Sendable () async throws -> EmbeddingResult)] = [
            ("model", { try await client.embeddings(model: " ", input: ["a"]) }),
            ("at least one", { try await client.embeddings(model: "m", input: []) }),
            ("input[1]", { try await client.embeddings(model: "m", input: ["a", "", "c"]) }),
            ("batchSize", { try await client.embeddings(model: "m", input: ["a"], batchSize: 0) }),
            ("batchSize", { try await client.embeddings(model: "m", input: ["a"], batchSize: 2049) }),
            ("maxConcurrentRequests", { try await client.embeddings(model: "m", input: ["a"], maxConcurrentRequests: 0) }),
            ("input is empty", { try await client.embeddings(model: "m", input: "") }),
            ("model", { try await client.embeddings(model: "", input: "a") }),
        ]
        for (words, call) in cases {
            let error = await expectAIYouError(.invalidRequest) { try await call() }
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        _ = try await client.embeddings(model: "m", input: ["a"], batchSize: 2048)
        #expect(transport.attempts.count == 1)
    }

    @Test("on AI.YOU embeddings are .unsupported and nothing is sent")
    func unsupportedOnAIYou() async throws {
        let transport = ScriptedTransport()
        let client = try AIYouClient.scripted(transport)
        let error = await expectAIYouError(.unsupported) { try await client.embeddings(model: "m", input: ["a"]) }
        #expect(error?.message.contains("llmaas") == true)
        await expectAIYouError(.unsupported) { try await client.embeddings(model: "m", input: "a") }
        // Unsupported comes first, even for input that is invalid too.
        await expectAIYouError(.unsupported) { try await client.embeddings(model: "", input: []) }
        #expect(transport.sent.isEmpty)
    }

    @Test(
        "hostile answers are .decoding errors, never a crash",
        arguments: [
            #"{"data":[{"index":1,"embedding":[0.1]}]}"#,
            #"{"data":[{"index":0,"embedding":[0.1]},{"index":0,"embedding":[0.2]}]}"#,
            #"{"data":[{"index":0,"embedding":[0.1,0.2]},{"index":1,"embedding":[0.3]}]}"#,
            #"{"data":[{"index":0,"embedding":[1e39]},{"index":1,"embedding":[1]}]}"#,
            #"{"data":[{"index":0,"embedding":[NaN]},{"index":1,"embedding":[1]}]}"#,
            #"{"data":[{"index":0,"embedding":[1e-60]},{"index":1,"embedding":[1]}]}"#,
            #"{"data":[{"index":99999999999999999999,"embedding":[0.1]},{"index":1,"embedding":[1]}]}"#,
            #"{"data":[{"index":0,"embedding":[0.1]}]}"#,  // one vector for two texts
            #"{"data":[{"index":0,"embedding":[0.1]},{"index":1,"embedding":[0.2]},{"index":2,"embedding":[0.3]}]}"#,
            #"{"data":[]}"#,
            #"{"data":"#,
        ]
    )
    func hostile(body: String) async throws {
        let transport = ScriptedTransport([.answer(200, body: body)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        await expectAIYouError(.decoding) { try await client.embeddings(model: "m", input: ["a", "b"]) }
        #expect(transport.sent.count == 1, "a malformed answer is not retried")
    }

    @Test("batches answering vectors of different lengths fail the call")
    func dimensionsAcrossBatches() async throws {
        let transport = ScriptedTransport([
            .answer(200, body: #"{"data":[{"index":0,"embedding":[0.1,0.2]}]}"#),
            .answer(200, body: #"{"data":[{"index":0,"embedding":[0.1,0.2,0.3]}]}"#),
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let error = await expectAIYouError(.decoding) {
            try await client.embeddings(model: "m", input: ["a", "b"], batchSize: 1, maxConcurrentRequests: 1)
        }
        #expect(error?.message.contains("batch 2") == true)
    }

    @Test("usage adds up over batches and saturates at Int.max")
    func usageSaturates() async throws {
        let big = Int.max / 2 + 1
        let body = #"{"data":[{"index":0,"embedding":[1]}],"usage":{"prompt_tokens":\#(big),"total_tokens":\#(big)}}"#
        let transport = ScriptedTransport([.answer(200, body: body), .answer(200, body: body), .answer(200, body: body)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let result = try await client.embeddings(model: "m", input: ["a", "b", "c"], batchSize: 1)
        #expect(result.usage == .init(promptTokens: .max, totalTokens: .max))
    }

    // MARK: Against the embedded server (LLMaaS routes, over loopback)

    @Test("the server's exact vectors, in input order across batches and its reverse order, ceil(n/batchSize) requests")
    func loopback() async throws {
        try await withLLMaaS { server, client in
            let input = (0..<150).map { "texte numéro \($0) : facture, contrat et \($0 % 7) clauses" }
            let result = try await client.embeddings(model: "bge-m3", input: input, batchSize: 16, maxConcurrentRequests: 3)
            #expect(result.vectors.count == 150)
            #expect(result.dimensions == 1024)
            #expect(result.vectors == input.map { MockAIYouServer.embedding(for: $0, dimensions: 1024) }, "bit for bit, in input order")
            #expect(server.requestCount(.embeddings) == 10, "ceil(150 / 16)")
            #expect(result.model == "bge-m3")
            let words = input.reduce(0) { $0 + $1.split(separator: " ").count }
            #expect(result.usage == .init(promptTokens: words, totalTokens: words))
            // Every batch went as an array of at most 16 texts, each text once.
            let sent = try server.recordedRequests(.embeddings).map { try jsonObject($0.body)["input"] as? [String] ?? [] }
            #expect(sent.map(\.count).max() == 16)
            #expect(sent.flatMap { $0 }.sorted() == input.sorted())
            #expect(server.connectionsOpened <= 3, "at most 3 requests in flight: \(server.connectionsOpened) connections")

            let granite = try await client.embeddings(model: "granite-embedding:278m", input: "une seule phrase")
            #expect(granite.vectors == [MockAIYouServer.embedding(for: "une seule phrase", dimensions: 768)])
            let sentSingle = try #require(server.recordedRequests(.embeddings).last)
            #expect(try jsonObject(sentSingle.body)["input"] as? String == "une seule phrase")
            #expect(sentSingle.header("authorization") == "Bearer \(MockAccount.demoAPIKey)")
        }
    }

    @Test("over loopback: an unknown model is .notFound model_not_found; a 503 on one batch is retried; a 400 fails the call")
    func loopbackErrors() async throws {
        try await withLLMaaS { server, client in
            let unknown = await expectAIYouError(.notFound) { try await client.embeddings(model: "bge-m4", input: ["a"]) }
            #expect(unknown?.errorCode == "model_not_found")
            #expect(unknown?.errorParameter == "model")
            #expect(unknown?.message.contains("\"bge-m4\"") == true)

            server.resetCounters()
            server.enqueueFaults([.status(503)], for: .embeddings)
            let input = Self.texts(9)
            let result = try await client.embeddings(model: "bge-m3:567m", input: input, batchSize: 3, maxConcurrentRequests: 1)
            #expect(result.vectors == input.map { MockAIYouServer.embedding(for: $0, dimensions: 1024) })
            #expect(server.requestCount(.embeddings) == 4, "3 batches, one of them twice")

            server.resetCounters()
            server.enqueueFaults([.status(400)], for: .embeddings)
            let failed = await expectAIYouError(.apiError) {
                try await client.embeddings(model: "bge-m3", input: input, batchSize: 3, maxConcurrentRequests: 1)
            }
            #expect(failed?.status == 400)
            #expect(server.requestCount(.embeddings) == 1, "the first batch failed: no other was sent")

            // The server refuses more than 128 inputs per request; the client's batches stay below.
            server.resetCounters()
            let many = try await client.embeddings(model: "bge-m3", input: Self.texts(300), batchSize: 128)
            #expect(many.vectors.count == 300)
            #expect(server.requestCount(.embeddings) == 3)
            let tooMany = await expectAIYouError(.apiError) {
                try await client.embeddings(model: "bge-m3", input: Self.texts(129), batchSize: 129)
            }
            #expect(tooMany?.status == 400 && tooMany?.errorParameter == "input")
        }
    }

    @Test("over loopback: maxConcurrentRequests batches reach the server at once, and no more until one ends")
    func loopbackInFlight() async throws {
        try await withLLMaaS { server, client in
            // The server holds every answer: what it has received is what is in flight.
            server.setPersistentFault(.hang, for: .embeddings)
            let call = Task {
                try await client.embeddings(model: "bge-m3", input: Self.texts(12), batchSize: 1, maxConcurrentRequests: 3)
            }
            let clock = ContinuousClock()
            let started = clock.now
            // Polled: the bound only ends a test that is already failing. Under ThreadSanitizer and
            // the whole suite's load, the three requests once took more than 8 s to arrive.
            while server.requestCount(.embeddings) < 3, clock.now - started < .seconds(120) { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.requestCount(.embeddings) == 3, "3 batches in flight together, and no fourth")
            call.cancel()
            await #expect(throws: (any Error).self) { try await call.value }
        }
    }

    @Test("over loopback: malformed and absurd answers are .decoding")
    func loopbackHostile() async throws {
        try await withLLMaaS { server, client in
            for fault in [MockFault.malformedJSON, .emptyBody, .absurdNumbers] {
                server.enqueueFaults([fault], for: .embeddings)
                let error = await expectAIYouError(.decoding) { try await client.embeddings(model: "bge-m3", input: ["a", "b"]) }
                #expect(error?.bodyExcerpt != nil || fault == .emptyBody, "\(fault)")
            }
        }
    }

    @Test("over loopback: embeddings on an AI.YOU client are .unsupported and nothing reaches the server")
    func loopbackUnsupported() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.unsupported) { try await client.embeddings(model: "bge-m3", input: ["a"]) }
            #expect(server.totalRequestCount == 0)
        }
    }
}
