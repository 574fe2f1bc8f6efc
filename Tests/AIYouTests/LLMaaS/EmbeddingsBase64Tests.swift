import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Embeddings asked for as base64 (`encoding_format`), decoded into the same `Float`s as decimals.
@Suite("LLMaaS embeddings as base64")
struct EmbeddingsBase64Tests {
    static let passages = ["first passage", "second passage here", "é😀", "a fourth one"]

    /// The `encoding_format` of each embeddings request the server saw, in order (`nil` when absent).
    static func encodings(_ server: MockAIYouServer) throws -> [String?] {
        try server.recordedRequests(.embeddings).map { try jsonObject($0.body)["encoding_format"] as? String }
    }

    @Test("base64 by default; the same vectors, bit for bit, as decimal numbers and as the server's")
    func sameVectors() async throws {
        let base64 = try await withLLMaaS { server, client in
            let result = try await client.embeddings(model: "bge-m3", input: Self.passages, batchSize: 2)
            #expect(try Self.encodings(server) == ["base64", "base64"])
            return result
        }
        let decimal = try await withLLMaaS(client: { $0.llmaas.base64Embeddings = false }) { server, client in
            let result = try await client.embeddings(model: "bge-m3", input: Self.passages, batchSize: 2)
            #expect(try Self.encodings(server) == [nil, nil])
            return result
        }
        #expect(base64.vectors.map { $0.map(\.bitPattern) } == decimal.vectors.map { $0.map(\.bitPattern) })
        #expect(base64.vectors == Self.passages.map { MockAIYouServer.embedding(for: $0, dimensions: 1024) })
        #expect(base64.usage == decimal.usage && base64.model == "bge-m3")
        #expect(Configuration(api: .llmaas, credentials: .apiKey("k")).llmaas.base64Embeddings)
    }

    @Test("vectors sent in reverse order (a fault) come back in input order, in both encodings")
    func reversed() async throws {
        for base64 in [true, false] {
            try await withLLMaaS(client: { $0.llmaas.base64Embeddings = base64 }) { server, client in
                server.enqueueFaults([.reversedEmbeddings], for: .embeddings)
                let result = try await client.embeddings(model: "granite-embedding:278m", input: Self.passages)
                #expect(result.vectors == Self.passages.map { MockAIYouServer.embedding(for: $0, dimensions: 768) })
                // Without the fault the server answers in input order (checked on the wire).
                let plain = try await client.embeddings(model: "granite-embedding:278m", input: Self.passages)
                #expect(plain == result)
            }
        }
    }

    @Test("a server that refuses encoding_format gets the request again without it, and never again after")
    func refusal() async throws {
        try await withLLMaaS { server, client in
            let refusal =
                #"{"error":{"message":"Unsupported parameter: 'encoding_format'","type":"invalid_request_error","param":"encoding_format","code":null}}"#
            server.enqueueFaults([.status(400, body: refusal)], for: .embeddings)
            let first = try await client.embeddings(model: "bge-m3", input: ["bonjour"])
            #expect(first.vectors == [MockAIYouServer.embedding(for: "bonjour", dimensions: 1024)])
            #expect(try Self.encodings(server) == ["base64", nil])
            _ = try await client.embeddings(model: "bge-m3", input: "au revoir")
            #expect(try Self.encodings(server) == ["base64", nil, nil], "remembered by the client")

            // A 422 that only names the field in its body is a refusal too (FastAPI's shape).
            try await withLLMaaS { server, other in
                let detail = #"{"detail":[{"loc":["body","encoding_format"],"msg":"extra fields not permitted"}]}"#
                server.enqueueFaults([.status(422, body: detail)], for: .embeddings)
                _ = try await other.embeddings(model: "bge-m3", input: ["x"])
                #expect(try Self.encodings(server) == ["base64", nil])
            }
        }
    }

    @Test("other refusals are not mistaken for it: nothing is sent again and base64 stays on")
    func otherRefusals() async throws {
        try await withLLMaaS { server, client in
            await expectAIYouError(.notFound) { try await client.embeddings(model: "nope", input: ["x"]) }
            server.enqueueFaults([.status(400)], for: .embeddings)
            await expectAIYouError(.apiError) { try await client.embeddings(model: "bge-m3", input: ["x"]) }
            _ = try await client.embeddings(model: "bge-m3", input: ["x"])
            #expect(try Self.encodings(server) == ["base64", "base64", "base64"])
        }
        let unrelated = AIYouError(.apiError, "embeddings: input too long", status: 400)
        #expect(!AIYouClient.refusesEncodingFormat(unrelated))
        var named = AIYouError(.apiError, "embeddings: bad request", status: 400)
        named.errorParameter = "encoding_format"
        #expect(AIYouClient.refusesEncodingFormat(named))
        named.status = 500
        #expect(!AIYouClient.refusesEncodingFormat(named))
    }

    @Test("invalid base64 from the server is .decoding")
    func invalidOverLoopback() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.invalidBase64], for: .embeddings)
            await expectAIYouError(.decoding) { try await client.embeddings(model: "bge-m3", input: ["x", "y"]) }
        }
    }

    /// A base64 vector of `values`, little-endian float32.
    static func base64(_ values: [Float]) -> String {
        var data = Data()
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    /// Both decoders on `body`: the fast path's result (`nil` when it gave up) and JSONDecoder's.
    static func decodeBoth(_ body: String) -> (fast: EmbeddingResult?, plain: Result<EmbeddingResult, any Error>) {
        let buffer = ByteBuffer(string: body)
        let fast = buffer.withUnsafeReadableBytes { EmbeddingsDecoder.decodeCommonShape($0) }
        return (fast, Result { try JSONCoding.decode(EmbeddingResult.self, from: buffer) })
    }

    @Test("the fast path and JSONDecoder agree on base64 answers, mixed answers and escaped slashes")
    func decodersAgree() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let count = Int.random(in: 1...5, using: &generator)
            let dimensions = Int.random(in: 1...40, using: &generator)
            let vectors = (0..<count).map { _ in
                (0..<dimensions).map { _ in
                    Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &generator)) * (Bool.random() ? 1 : -1)
                }
            }
            let items = vectors.enumerated().shuffled(using: &generator).map { index, vector in
                let embedding =
                    Bool.random(using: &generator) ? "\"\(Self.base64(vector))\"" : "[\(vector.map(\.description).joined(separator: ","))]"
                return #"{"object":"embedding","index":\#(index),"embedding":\#(embedding)}"#
            }
            let body = #"{"data":[\#(items.joined(separator: ","))],"model":"m"}"#
            let (fast, plain) = Self.decodeBoth(body)
            let expected = vectors.map { $0.map(\.bitPattern) }
            #expect(try plain.get().vectors.map { $0.map(\.bitPattern) } == expected)
            if let fast { #expect(fast.vectors.map { $0.map(\.bitPattern) } == expected) }
        }
        // "\/" in a base64 text: JSONDecoder's path decodes it (the fast path gives up).
        let escaped = Self.base64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0.1, 0.2]).replacingOccurrences(
            of: "/",
            with: "\\/"
        )
        let (fast, plain) = Self.decodeBoth(#"{"data":[{"index":0,"embedding":"\#(escaped)"}]}"#)
        let decoded = try plain.get()
        #expect(decoded.vectors == [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0.1, 0.2]])
        #expect(fast == nil || fast == decoded)
    }

    @Test(
        "hostile base64 vectors are refused by both decoders",
        arguments: [
            #"{"data":[{"index":0,"embedding":"AAECAwQF"}]}"#,  // 6 bytes: not whole floats
            #"{"data":[{"index":0,"embedding":"AADAfw=="}]}"#,  // NaN
            #"{"data":[{"index":0,"embedding":"AACAfw=="}]}"#,  // +infinity
            #"{"data":[{"index":0,"embedding":"AAAAAA="}]}"#,  // misplaced padding
            #"{"data":[{"index":0,"embedding":"not*base64!"}]}"#,
            #"{"data":[{"index":0,"embedding":""}]}"#,  // an empty vector
            #"{"data":[{"index":0,"embedding":"AACAPw=="},{"index":1,"embedding":"AACAPwAAgD8="}]}"#,  // lengths differ
            #"{"data":[{"index":0,"embedding":"AACAPw=="},{"index":0,"embedding":"AACAPw=="}]}"#,  // index twice
        ]
    )
    func hostile(body: String) async throws {
        let (fast, plain) = Self.decodeBoth(body)
        #expect(fast == nil)
        #expect(throws: (any Error).self) { try plain.get() }
        let transport = ScriptedTransport([.answer(200, body: body)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        await expectAIYouError(.decoding) { try await client.embeddings(model: "m", input: ["a", "b"]) }
    }

    @Test("the body asks for base64 exactly when configured")
    func body() {
        let on = EmbeddingsRequestBody(model: "m", input: .one("x"), base64: true)
        let off = EmbeddingsRequestBody(model: "m", input: .many(["a", "b"]))
        #expect(String(buffer: on.jsonBuffer) == #"{"model":"m","input":"x","encoding_format":"base64"}"#)
        #expect(String(buffer: off.jsonBuffer) == #"{"model":"m","input":["a","b"]}"#)
    }
}

/// `/v2/rerank` beside `/v1/rerank`.
@Suite("LLMaaS rerank v2")
struct RerankV2Tests {
    static let passages = ["The office opens at 9.", "Reset your password from the sign-in page.", "Support handles password resets."]
    static let query = "reset my password"

    @Test("per call: /v2/rerank, the same ranking as v1, documents only when asked, units under meta")
    func perCall() async throws {
        try await withLLMaaS { server, client in
            let v1 = try await client.rerank(model: "qwen3-reranker:0.6b", query: Self.query, documents: Self.passages)
            let v2 = try await client.rerank(model: "qwen3-reranker:0.6b", query: Self.query, documents: Self.passages, version: .v2)
            #expect(v2.results.map(\.index) == v1.results.map(\.index))
            #expect(v2.results.map(\.relevanceScore) == v1.results.map(\.relevanceScore))
            #expect(v2.results.allSatisfy { $0.document == nil } && v1.results.allSatisfy { $0.document != nil })
            #expect(v2.searchUnits == 3 && v2.id?.hasPrefix("rerank-") == true)
            let withDocuments = try await client.rerank(
                model: "qwen3-reranker:0.6b",
                query: Self.query,
                documents: Self.passages,
                topN: 1,
                returnDocuments: true,
                version: .v2
            )
            #expect(withDocuments.results.map(\.document) == [Self.passages[v1.results[0].index]])
            #expect(server.requestCount(.rerank) == 1 && server.requestCount(.rerankV2) == 2)
            let sent = try jsonObject(try #require(server.recordedRequests(.rerankV2).last).body)
            #expect(sent["top_n"] as? Int == 1 && sent["return_documents"] as? Bool == true)
        }
    }

    @Test("by configuration: every call uses /v2/rerank unless it says v1; errors and retries as on v1")
    func configured() async throws {
        try await withLLMaaS(client: { $0.llmaas.rerankVersion = .v2 }) { server, client in
            _ = try await client.rerank(model: "qwen3-reranker:0.6b", query: "a", documents: ["a", "b"])
            _ = try await client.rerank(model: "qwen3-reranker:0.6b", query: "a", documents: ["a", "b"], version: .v1)
            #expect(server.requestCount(.rerankV2) == 1 && server.requestCount(.rerank) == 1)
            server.enqueueFaults([.status(503)], for: .rerankV2)
            _ = try await client.rerank(model: "qwen3-reranker:0.6b", query: "a", documents: ["a"])
            #expect(server.requestCount(.rerankV2) == 3, "idempotent: the 503 was retried")
            let unknown = await expectAIYouError(.notFound) { try await client.rerank(model: "nope", query: "q", documents: ["a"]) }
            #expect(unknown?.operation == .rerankV2 && unknown?.message.contains("\"nope\"") == true)
            server.enqueueFaults([.absurdNumbers], for: .rerankV2)
            await expectAIYouError(.decoding) { try await client.rerank(model: "qwen3-reranker:0.6b", query: "a", documents: ["a", "b"]) }
        }
        #expect(Configuration(api: .llmaas, credentials: .apiKey("k")).llmaas.rerankVersion == .v1)
    }

    @Test("a Cohere v2 answer with meta.api_version and no documents; on AI.YOU v2 is .unsupported")
    func shape() async throws {
        let transport = ScriptedTransport([
            .answer(
                200,
                body:
                    #"{"id":"r","results":[{"index":1,"relevance_score":0.8},{"index":0,"relevance_score":0.1}],"meta":{"api_version":{"version":"2"},"billed_units":{"search_units":1}}}"#
            )
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let result = try await client.rerank(model: "m", query: "q", documents: ["a", "b"], version: .v2)
        #expect(
            result
                == RerankResult(
                    id: "r",
                    results: [.init(index: 1, relevanceScore: 0.8), .init(index: 0, relevanceScore: 0.1)],
                    searchUnits: 1
                )
        )
        #expect(transport.sent.first?.target == "/v2/rerank")
        let aiyou = try AIYouClient.scripted(transport)
        await expectAIYouError(.unsupported) { try await aiyou.rerank(model: "m", query: "q", documents: ["a"], version: .v2) }
        #expect(transport.sent.count == 1)
    }
}
