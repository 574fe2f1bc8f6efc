import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS rerank")
struct LLMaaSRerankTests {
    static let documents = [
        "The office opens at 9.",
        "Reset it from the sign-in page: reset, then choose a new password.",
        "Support handles account locks.",
        "Your PASSWORD can be reset by support",
    ]

    static func body(_ extra: [String: Any] = [:]) -> String {
        var body: [String: Any] = ["model": "qwen3-reranker:0.6b", "query": "reset my password", "documents": Self.documents]
        body.merge(extra) { _, new in new }
        return LLMaaS.json(body)
    }

    @Test("scores: the share of the query's words in the document, lowercased, as sets")
    func scores() {
        #expect(MockAIYouServer.rerankScore(query: "reset my password", document: Self.documents[0]) == 0)
        #expect(MockAIYouServer.rerankScore(query: "reset my password", document: Self.documents[1]) == 2.0 / 3.0)
        #expect(MockAIYouServer.rerankScore(query: "reset my password", document: Self.documents[3]) == 2.0 / 3.0)
        #expect(MockAIYouServer.rerankScore(query: "Reset reset RESET", document: "reset!") == 1)
        #expect(MockAIYouServer.rerankScore(query: "sign-in", document: "sign in") == 1)
        #expect(MockAIYouServer.rerankScore(query: "café 42", document: "CAFÉ") == 0.5)
        #expect(MockAIYouServer.rerankScore(query: "?!", document: "anything") == 0)
    }

    @Test("/v1/rerank: sorted by score then index, documents included, usage in search units")
    func version1() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let response = try await http.send(.POST, "/v1/rerank", json: Self.body())
            #expect(response.status == 200)
            #expect(response.header("X-RateLimit-Limit-Requests") == "1000")
            let object = try response.object()
            let id = try #require(object["id"] as? String)
            #expect(id.hasPrefix("rerank-"))
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.map { $0["index"] as? Int } == [1, 3, 0, 2])
            #expect(results.map { $0["relevance_score"] as? Double } == [2.0 / 3.0, 2.0 / 3.0, 0, 0])
            #expect(results.map { ($0["document"] as? [String: String])?["text"] } == [1, 3, 0, 2].map { Self.documents[$0] })
            #expect(object["usage"] as? [String: [String: Int]] == ["billed_units": ["search_units": 4]])
            #expect(object["meta"] == nil)
            #expect(response.text.contains(#"{"index":1,"relevance_score":0.6666666666666666,"document":{"text":"Reset it from"#))
            #expect(response.text.hasSuffix(#"],"usage":{"billed_units":{"search_units":4}}}"#))

            let top = try await http.send(.POST, "/v1/rerank", json: Self.body(["top_n": 2, "return_documents": false]))
            let topResults = try #require(try top.object()["results"] as? [[String: Any]])
            #expect(topResults.map { $0["index"] as? Int } == [1, 3])
            #expect(topResults.allSatisfy { $0["document"] == nil })
            #expect(try top.object()["usage"] as? [String: [String: Int]] == ["billed_units": ["search_units": 4]])
            // The id depends on the request only.
            #expect(try await http.send(.POST, "/v1/rerank", json: Self.body()).object()["id"] as? String == id)
            #expect(try await http.send(.POST, "/v1/rerank", json: Self.body(["top_n": 10])).status == 200)
        }
    }

    @Test("/v2/rerank: documents only on request, billing under meta")
    func version2() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let plain = try await http.send(.POST, "/v2/rerank", json: Self.body(["top_n": 3]))
            #expect(plain.status == 200)
            let object = try plain.object()
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.map { $0["index"] as? Int } == [1, 3, 0])
            #expect(results.allSatisfy { $0.keys.sorted() == ["index", "relevance_score"] })
            #expect(object["meta"] as? [String: [String: Int]] == ["billed_units": ["search_units": 4]])
            #expect(object["usage"] == nil)
            let withDocuments = try await http.send(.POST, "/v2/rerank", json: Self.body(["return_documents": true]))
            let documents = try #require(try withDocuments.object()["results"] as? [[String: Any]])
            #expect((documents.first?["document"] as? [String: String])?["text"] == Self.documents[1])
            #expect(server.requestCount(.rerankV2) == 2)
            #expect(server.requestCount(.rerank) == 0)
        }
    }

    @Test("refusals name the field: query, documents, top_n, model")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let cases: [(extra: [String: Any], param: String)] = [
                (["query": ""], "query"), (["query": 3], "query"),
                (["documents": [String]()], "documents"), (["documents": [["text": "object"]]], "documents"),
                (["documents": Array(repeating: "d", count: 1001)], "documents"),
                (["top_n": 0], "top_n"), (["top_n": "2"], "top_n"),
                (["return_documents": "yes"], "return_documents"),
                (["model": "bge-m3"], "model"),
            ]
            for (extra, param) in cases {
                let response = try await http.send(.POST, "/v1/rerank", json: Self.body(extra))
                #expect(response.status == 400, "\(extra)")
                #expect(try LLMaaS.error(response)["param"] as? String == param, "\(extra)")
            }
            #expect(try await http.send(.POST, "/v2/rerank", json: Self.body(["model": "rerank-english"])).status == 404)
            let thousand = try await http.send(.POST, "/v1/rerank", json: Self.body(["documents": Array(repeating: "reset", count: 1000)]))
            #expect(thousand.status == 200)
        }
    }
}
