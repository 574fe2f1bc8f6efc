import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Rerank")
struct RerankTests {
    static let documents = ["Reset it from the sign-in page.", "The office opens at 9.", "Support handles account locks."]

    static func client(_ transport: ScriptedTransport) throws -> AIYouClient {
        try AIYouClient.scripted(transport) { $0.api = .llmaas }
    }

    @Test("the request body, and the answer in the service's order with documents and search units")
    func request() async throws {
        let transport = ScriptedTransport([
            .answer(
                200,
                body:
                    #"{"id":"rerank-4c2d9e","results":[{"index":0,"relevance_score":0.9412,"document":{"text":"Reset it from the sign-in page."}},{"index":2,"relevance_score":0.3875,"document":"Support handles account locks."}],"usage":{"billed_units":{"search_units":3}}}"#
            )
        ])
        let client = try Self.client(transport)
        let result = try await client.rerank(
            model: "qwen3-reranker:0.6b",
            query: "reset my password",
            documents: Self.documents,
            topN: 2,
            returnDocuments: true
        )
        #expect(result.id == "rerank-4c2d9e")
        #expect(result.results.map(\.index) == [0, 2])
        #expect(result.results.map(\.relevanceScore) == [0.9412, 0.3875])
        #expect(result.results.map(\.document) == [Self.documents[0], Self.documents[2]])
        #expect(result.searchUnits == 3)
        let sent = try #require(transport.sent.first)
        #expect(sent.target == "/v1/rerank")
        guard case .json(let body) = sent.body else { throw AIYouError(.decoding, "not JSON") }
        #expect(
            String(buffer: body)
                == #"{"model":"qwen3-reranker:0.6b","query":"reset my password","documents":["Reset it from the sign-in page.","The office opens at 9.","Support handles account locks."],"top_n":2,"return_documents":true}"#
        )
    }

    @Test("optional fields are left out; Cohere v2's meta.billed_units and a missing document are read")
    func minimal() async throws {
        let transport = ScriptedTransport([
            .answer(
                200,
                body:
                    #"{"results":[{"index":1,"relevance_score":"0.5"},{"index":0,"relevance_score":0,"document":null}],"meta":{"billed_units":{"search_units":"2"}}}"#
            )
        ])
        let client = try Self.client(transport)
        let result = try await client.rerank(model: "m", query: "q", documents: ["a", "b"])
        #expect(result.id == nil)
        #expect(
            result.results == [.init(index: 1, relevanceScore: 0.5), .init(index: 0, relevanceScore: 0)],
            "the service's order is kept"
        )
        #expect(result.searchUnits == 2)
        guard case .json(let body) = try #require(transport.sent.first).body else { return }
        #expect(String(buffer: body) == #"{"model":"m","query":"q","documents":["a","b"]}"#)
    }

    @Test("bad input is refused before anything is sent; on AI.YOU rerank is .unsupported")
    func validation() async throws {
        let transport = ScriptedTransport()
        let client = try Self.client(transport)
        let cases: [(String, @Sendable () async throws -> RerankResult)] = [
            ("model", { try await client.rerank(model: "  ", query: "q", documents: ["a"]) }),
            ("query", { try await client.rerank(model: "m", query: "", documents: ["a"]) }),
            ("documents", { try await client.rerank(model: "m", query: "q", documents: []) }),
            ("documents", { try await client.rerank(model: "m", query: "q", documents: Array(repeating: "d", count: 1001)) }),
            ("topN", { try await client.rerank(model: "m", query: "q", documents: ["a"], topN: 0) }),
        ]
        for (words, call) in cases {
            let error = await expectAIYouError(.invalidRequest) { try await call() }
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        let aiyou = try AIYouClient.scripted(transport)
        await expectAIYouError(.unsupported) { try await aiyou.rerank(model: "m", query: "q", documents: ["a"]) }
        #expect(transport.sent.isEmpty)
    }

    @Test(
        "hostile answers are .decoding errors",
        arguments: [
            #"{"results":[{"index":3,"relevance_score":0.5}]}"#,  // not a document sent
            #"{"results":[{"index":-1,"relevance_score":0.5}]}"#,
            #"{"results":[{"index":0,"relevance_score":0.5},{"index":0,"relevance_score":0.4}]}"#,
            #"{"results":[{"index":0,"relevance_score":"NaN"}]}"#,
            #"{"results":[{"index":0,"relevance_score":"inf"}]}"#,
            #"{"results":[{"index":0,"relevance_score":1e999}]}"#,
            #"{"results":[{"index":0}]}"#,
            #"{"results":[{"index":1e30,"relevance_score":0.5}]}"#,
            #"{"results":null}"#,
            #"{"id":"x"}"#,
        ]
    )
    func hostile(body: String) async throws {
        let transport = ScriptedTransport([.answer(200, body: body)])
        let client = try Self.client(transport)
        await expectAIYouError(.decoding) { try await client.rerank(model: "m", query: "q", documents: ["a", "b", "c"]) }
    }

    @Test("404 model_not_found is .notFound naming the model; a 503 is retried")
    func errors() async throws {
        let transport = ScriptedTransport([
            .answer(
                404,
                body: #"{"error":{"message":"no such model","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#
            ),
            .answer(503),
            .answer(200, body: #"{"results":[{"index":0,"relevance_score":0.9}]}"#),
        ])
        let client = try Self.client(transport)
        let error = await expectAIYouError(.notFound) { try await client.rerank(model: "nope", query: "q", documents: ["a"]) }
        #expect(error?.errorCode == "model_not_found")
        #expect(error?.message.contains("\"nope\"") == true)
        let result = try await client.rerank(model: "m", query: "q", documents: ["a"])
        #expect(result.results.count == 1)
        #expect(transport.sent.count == 3)
    }
}
