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
        let transport = EmbeddingsEchoTransport(delay: .milliseconds(20))
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
        #expect(String(buffer: body) == #"{"model":"bge-m3:567m","input":"bonjour"}"#)
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
}
