import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS models and routes")
struct LLMaaSModelsTests {
    @Test("GET /v1/models lists the catalogue in the OpenAI shape with aliases and context lengths")
    func catalogue() async throws {
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(.GET, "/v1/models")
            #expect(response.status == 200)
            #expect(response.header("X-RateLimit-Limit-Requests") == "1000")
            let object = try response.object()
            #expect(object["object"] as? String == "list")
            let models = try #require(object["data"] as? [[String: Any]])
            #expect(
                models.map { $0["id"] as? String } == [
                    "gpt-oss:120b", "llama3.3:70b", "qwen3-vl:8b", "qwen3.6:27b", "cogito:32b", "bge-m3:567m", "granite-embedding:278m",
                    "qwen3-reranker:0.6b", "whisper-large-v3", "kokoro:82m", "z-image:16b",
                ]
            )
            #expect(
                models.map { $0["max_model_len"] as? Int } == [
                    120_000, 120_000, 250_000, 250_000, 120_000, 8192, 512, 4096, 448, 4096, 4096,
                ]
            )
            #expect(models[0]["aliases"] as? [String] == ["gpt-oss:120b", "gpt-oss"])
            #expect(models[5]["aliases"] as? [String] == ["bge-m3:567m", "bge-m3"])
            #expect(
                response.text.hasPrefix(
                    #"{"object":"list","data":[{"id":"gpt-oss:120b","object":"model","created":1767100000,"owned_by":"CloudTemple","root":"gpt-oss:120b","aliases":["gpt-oss:120b","gpt-oss"],"parent":null,"max_model_len":120000,"permission":[{"id":"modelperm-gpt-oss:120b","object":"model_permission","created":1767100000,"allow_sampling":true,"allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null,"is_blocking":false}]},"#
                )
            )
            for model in models {
                #expect(model["root"] as? String == model["id"] as? String)
                #expect(model["parent"] is NSNull)
                #expect(model["owned_by"] as? String == "CloudTemple")
            }
            // The AI.YOU catalogue is still under /api/.
            #expect(try await TestHTTP(server).send(.GET, "/api/v1/models").object()["total"] != nil)
        }
    }

    @Test("every LLMaaS route is a MockRoute, counted, and refuses a missing key with the OpenAI 401")
    func routes() async throws {
        #expect(MockRoute.allCases.count == 25)
        #expect(MockRoute.rerankV2.description == "POST /v2/rerank")
        #expect(MockRoute.llmaasTranscriptions.description == "POST /v1/audio/transcriptions")
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let routes: [MockRoute] = [
                .llmaasChatCompletions, .llmaasCompletions, .embeddings, .rerank, .rerankV2, .llmaasModels, .llmaasTranscriptions,
                .speech, .imageGenerations,
            ]
            for route in routes {
                let response = try await http.send(
                    route.method == "GET" ? .GET : .POST,
                    route.path,
                    json: route.method == "GET" ? nil : "{}",
                    token: nil
                )
                #expect(response.status == 401, "\(route)")
                #expect(
                    response.text
                        == #"{"error":{"message":"Invalid API key","type":"authentication_error","param":null,"code":"invalid_api_key"}}"#,
                    "\(route)"
                )
                #expect(server.requestCount(route) == 1, "\(route)")
            }
        }
    }
}

extension LLMaaSModelsTests {
    @Test("an unknown LLMaaS path, or a known one with another method, gets an OpenAI 404; AI.YOU paths keep theirs")
    func unknownPaths() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let unknown = try await http.send(.POST, "/v1/images/variations", json: "{}")
            #expect(unknown.status == 404)
            #expect(
                unknown.text
                    == #"{"error":{"message":"Invalid URL (POST /v1/images/variations)","type":"invalid_request_error","param":null,"code":null}}"#
            )
            let wrongMethod = try await http.send(.GET, "/v1/chat/completions")
            #expect(wrongMethod.status == 404)
            #expect(try LLMaaS.error(wrongMethod)["message"] as? String == "Invalid URL (GET /v1/chat/completions)")
            let aiyou = try await http.send(.GET, "/api/v1/nothing")
            #expect(aiyou.status == 404)
            #expect(!aiyou.text.contains("Invalid URL"))
            #expect(server.totalRequestCount == 0)
        }
    }
}
