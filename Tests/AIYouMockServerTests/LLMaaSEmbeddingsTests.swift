import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS embeddings")
struct LLMaaSEmbeddingsTests {
    static let path = "/v1/embeddings"

    @Test("vectors per input, in index order, equal to MockAIYouServer.embedding(for:dimensions:)")
    func vectors() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let inputs = ["first passage", "second  passage here", "é😀"]
            let response = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "bge-m3", "input": inputs]))
            #expect(response.status == 200)
            #expect(response.header("X-RateLimit-Remaining-Requests") == "999")
            #expect(response.text.hasPrefix(#"{"object":"list","model":"bge-m3","data":[{"object":"embedding","index":0,"embedding":["#))
            #expect(response.text.hasSuffix(#"]}],"usage":{"prompt_tokens":6,"total_tokens":6}}"#))
            let object = try response.object()
            let data = try #require(object["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == [0, 1, 2])
            for item in data {
                let index = try #require(item["index"] as? Int)
                #expect(item["object"] as? String == "embedding")
                let numbers = try #require(item["embedding"] as? [NSNumber])
                let vector = numbers.map(\.floatValue)
                #expect(vector == MockAIYouServer.embedding(for: inputs[index], dimensions: 1024))
                let norm = vector.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - 1) < 1e-5)
                #expect(vector.allSatisfy { (-1...1).contains($0) })
            }
            // The components read back exactly as Float from the text.
            let firstArray = try #require(response.text.split(separator: "[").dropFirst(2).first?.split(separator: "]").first)
            let parsed = firstArray.split(separator: ",").map { Float(String($0)) }
            #expect(parsed == MockAIYouServer.embedding(for: inputs[0], dimensions: 1024).map { Optional($0) })
        }
    }

    @Test("a string input, granite's 768 dimensions, determinism")
    func singleInput() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = LLMaaS.json(["model": "granite-embedding:278m", "input": "bonjour"])
            let first = try await http.send(.POST, Self.path, json: body)
            let second = try await http.send(.POST, Self.path, json: body)
            #expect(first.text == second.text)
            let data = try #require(try first.object()["data"] as? [[String: Any]])
            #expect(data.count == 1)
            #expect((data[0]["embedding"] as? [NSNumber])?.count == 768)
            #expect(try first.object()["usage"] as? [String: Int] == ["prompt_tokens": 1, "total_tokens": 1])
            #expect(
                MockAIYouServer.embedding(for: "bonjour", dimensions: 768) != MockAIYouServer.embedding(for: "Bonjour", dimensions: 768)
            )
            #expect(MockAIYouServer.embedding(for: "x", dimensions: 0).isEmpty)
        }
    }

    @Test("128 inputs of 1024 dimensions are answered, in index order; 129 are refused")
    func limits() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let inputs = (0..<128).map { "passage number \($0)" }
            let response = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "bge-m3:567m", "input": inputs]))
            #expect(response.status == 200)
            let data = try #require(try response.object()["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == Array(0..<128))
            #expect(try response.object()["usage"] as? [String: Int] == ["prompt_tokens": 384, "total_tokens": 384])

            let tooMany = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "bge-m3", "input": inputs + ["one more"]]))
            #expect(tooMany.status == 400)
            let error = try LLMaaS.error(tooMany)
            #expect(error["message"] as? String == "at most 128 inputs per request")
            #expect(error["param"] as? String == "input")
        }
    }

    @Test("refusals: empty, token ids, missing input, unknown model (404), a chat model")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            for input in ["", [String](), ["a", ""], [[1, 2, 3]], [1, 2], NSNull()] as [Any] {
                let response = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "bge-m3", "input": input]))
                #expect(response.status == 400, "\(input)")
                #expect(try LLMaaS.error(response)["param"] as? String == "input", "\(input)")
            }
            let missing = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "bge-m3"]))
            #expect(try LLMaaS.error(missing)["param"] as? String == "input")

            let unknown = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "text-embedding-3", "input": "x"]))
            #expect(unknown.status == 404)
            #expect(try LLMaaS.error(unknown)["code"] as? String == "model_not_found")

            let chat = try await http.send(.POST, Self.path, json: LLMaaS.json(["model": "gpt-oss:120b", "input": "x"]))
            #expect(chat.status == 400)
            #expect(try LLMaaS.error(chat)["param"] as? String == "model")
            #expect((try LLMaaS.error(chat)["message"] as? String)?.contains("gpt-oss:120b") == true)

            let noModel = try await http.send(.POST, Self.path, json: LLMaaS.json(["input": "x"]))
            #expect(noModel.status == 400)
            #expect(try LLMaaS.error(noModel)["param"] as? String == "model")
        }
    }
}
