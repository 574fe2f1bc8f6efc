import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS chat completions")
struct LLMaaSChatTests {
    /// Sends a chat body and returns the answer, which must be 200.
    static func answer(_ http: TestHTTP, _ body: String, path: String = LLMaaS.chatPath) async throws -> AssembledAnswer {
        let response = try await http.send(.POST, path, json: body)
        try #require(response.status == 200, "\(response.text)")
        return try AssembledAnswer(answer: response.object())
    }

    @Test("a text answer: the AI.YOU reply, the model as requested, deterministic id, usage in words")
    func textAnswer() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let response = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss"))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let object = try response.object()
            #expect(object["object"] as? String == "chat.completion")
            #expect(object["backend"] as? [String: String] == ["engine_type": "mock", "machine_name": "mock01"])
            let answer = try AssembledAnswer(answer: object)
            #expect(answer.model == "gpt-oss")
            #expect(answer.content == "Bonjour ! Vous avez dit : Quelle heure est-il ?")
            #expect(answer.calls.isEmpty)
            #expect(answer.finishReason == "stop")
            #expect(answer.usage == ["prompt_tokens": 4, "completion_tokens": 10, "total_tokens": 14])
            #expect(answer.id.hasPrefix("chatcmpl-"))
            #expect(answer.id.dropFirst("chatcmpl-".count).count == 32)
            #expect(answer.id.dropFirst("chatcmpl-".count).allSatisfy { $0.isHexDigit })
            #expect((1_767_100_000..<1_768_100_000).contains(answer.created))
            let message = try #require(((object["choices"] as? [[String: Any]])?.first)?["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")

            // The same request gets the same answer; /v1/completions answers the same.
            let again = try await Self.answer(http, LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss"))
            #expect(again == answer)
            #expect(try await Self.answer(http, LLMaaS.chat("Quelle heure est-il ?", model: "gpt-oss"), path: "/v1/completions") == answer)
            // Another request gets another id.
            #expect(try await Self.answer(http, LLMaaS.chat("Autre chose", model: "gpt-oss")).id != answer.id)
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
            #expect(server.requestCount(.llmaasCompletions) == 1)
            #expect(server.requestCount(.chatCompletions) == 0)
        }
    }

    @Test("max_tokens below the reply's word count cuts it to that many words with finish_reason length")
    func maxTokens() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let cut = try await Self.answer(http, LLMaaS.chat("un  deux\ttrois", ["max_tokens": 3]))
            #expect(cut.content == "Bonjour ! Vous")
            #expect(cut.finishReason == "length")
            #expect(cut.usage == ["prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6])
            let whole = try await Self.answer(http, LLMaaS.chat("un  deux\ttrois", ["max_tokens": 9]))
            #expect(whole.content == "Bonjour ! Vous avez dit : un  deux\ttrois")
            #expect(whole.finishReason == "stop")
            #expect(whole.usage["completion_tokens"] == 9)
        }
    }

    @Test("content as parts, images as https or base64 data URIs, tool and assistant messages")
    func messageForms() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let parts: [[String: Any]] = [
                ["type": "text", "text": "Décris"],
                ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]],
                ["type": "image_url", "image_url": ["url": "https://example.com/cat.jpg"]],
                ["type": "text", "text": "ceci"],
            ]
            let body = LLMaaS.json([
                "model": "qwen3-vl:8b",
                "messages": [
                    ["role": "system", "content": "Sois bref."],
                    ["role": "user", "content": parts],
                ],
            ])
            let answer = try await Self.answer(http, body)
            #expect(answer.content == "Bonjour ! Vous avez dit : Décris ceci")
            #expect(answer.usage["prompt_tokens"] == 4)

            for url in ["http://example.com/cat.jpg", "data:image/png;base64,not base64!", "data:;base64,AAAA", "ftp://x", "https://"] {
                let bad = LLMaaS.json([
                    "model": "qwen3-vl:8b",
                    "messages": [["role": "user", "content": [["type": "image_url", "image_url": ["url": url]]]]],
                ])
                let response = try await http.send(.POST, LLMaaS.chatPath, json: bad)
                #expect(response.status == 400, "\(url)")
                #expect(try LLMaaS.error(response)["param"] as? String == "messages", "\(url)")
            }
        }
    }

    @Test("validation: each out-of-range field is a 400 naming it")
    func validation() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let cases: [(extra: [String: Any], param: String)] = [
                (["temperature": 2.5], "temperature"), (["temperature": -0.1], "temperature"), (["temperature": "hot"], "temperature"),
                (["top_p": 1.01], "top_p"), (["max_tokens": 0], "max_tokens"), (["max_tokens": 1.5], "max_tokens"),
                (["presence_penalty": -2.01], "presence_penalty"), (["frequency_penalty": 3], "frequency_penalty"),
                (["messages": [Any]()], "messages"), (["messages": "hello"], "messages"),
                (["messages": [["role": "robot", "content": "x"]]], "messages"),
                (["messages": [["role": "user"]]], "messages"),
                (["messages": [["role": "tool", "content": "x"]]], "messages"),
                (["messages": [["role": "user", "content": [["type": "audio_url", "audio_url": ["url": "https://x"]]]]]], "messages"),
                (["tools": "get_weather"], "tools"), (["tools": [["type": "function"]]], "tools"),
                (["tools": [LLMaaS.tool("a")], "tool_choice": "sometimes"], "tool_choice"),
                (["tools": [LLMaaS.tool("a")], "tool_choice": ["type": "function", "function": ["name": "b"]]], "tool_choice"),
                (["tool_choice": "required"], "tool_choice"),
            ]
            for (extra, param) in cases {
                let response = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x", extra))
                #expect(response.status == 400, "\(extra)")
                let error = try LLMaaS.error(response)
                #expect(error["type"] as? String == "invalid_request_error", "\(extra)")
                #expect(error["param"] as? String == param, "\(extra): \(response.text)")
                #expect(error["message"] is String)
                #expect(error.keys.sorted() == ["code", "message", "param", "type"])
            }
            // Boundaries are accepted; null counts as absent.
            let edges: [String: Any] = [
                "temperature": 2, "top_p": 0, "max_tokens": 1, "presence_penalty": -2, "frequency_penalty": 2.0, "user": NSNull(),
            ]
            #expect(try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x", edges)).status == 200)

            let notObject = try await http.send(.POST, LLMaaS.chatPath, json: "[1]")
            #expect(notObject.status == 400)
            #expect(try LLMaaS.error(notObject)["type"] as? String == "invalid_request_error")
        }
    }

    @Test("models: missing is 400, unknown 404 model_not_found, an embedding model 400")
    func models() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let missing = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.json(["messages": [["role": "user", "content": "x"]]]))
            #expect(missing.status == 400)
            #expect(try LLMaaS.error(missing)["param"] as? String == "model")

            let unknown = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x", model: "gpt-5"))
            #expect(unknown.status == 404)
            #expect(
                unknown.text
                    == #"{"error":{"message":"The model 'gpt-5' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#
            )

            let embedding = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x", model: "bge-m3"))
            #expect(embedding.status == 400)
            let error = try LLMaaS.error(embedding)
            #expect(error["param"] as? String == "model")
            #expect((error["message"] as? String)?.contains("'bge-m3'") == true)

            // Every chat model and alias of the catalogue is accepted.
            for model in ["gpt-oss:120b", "gpt-oss", "llama3.3:70b", "qwen3-vl:8b"] {
                #expect(try await Self.answer(http, LLMaaS.chat("x", model: model)).model == model)
            }
        }
    }

    @Test("401 in the OpenAI shape without a valid key; login tokens are accepted")
    func authentication() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let expected = #"{"error":{"message":"Invalid API key","type":"authentication_error","param":null,"code":"invalid_api_key"}}"#
            for token in [nil, "wrong-key"] as [String?] {
                let refused = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x"), token: token)
                #expect(refused.status == 401)
                #expect(refused.text == expected)
                #expect(refused.header("X-RateLimit-Limit-Requests") == nil)
            }
            let token = try await http.login()
            #expect(try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x"), token: token).status == 200)
            server.expireAllTokens()
            #expect(try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x"), token: token).text == expected)
        }
    }

    @Test("rate-limit headers and a request id on every successful answer")
    func headers() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            // The reset is stamped while the first request is answered: between these two readings.
            let before = Int(Date().timeIntervalSince1970)
            let first = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x"))
            let after = Int(Date().timeIntervalSince1970)
            let second = try await http.send(.GET, "/v1/models")
            #expect(first.header("X-RateLimit-Limit-Requests") == "1000")
            #expect(first.header("X-RateLimit-Remaining-Requests") == "999")
            #expect(second.header("X-RateLimit-Remaining-Requests") == "998")
            let reset = try #require(first.header("X-RateLimit-Reset-Requests").flatMap { Int($0) })
            #expect((before + 59...after + 61).contains(reset), "a minute after the answer: \(before)…\(after) + 60, got \(reset)")
            let firstID = try #require(first.header("x-request-id"))
            #expect(UUID(uuidString: firstID) != nil)
            #expect(second.header("x-request-id") != firstID)
            // Errors and AI.YOU answers do not count.
            _ = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("x", model: "nope"))
            _ = try await http.send(.GET, "/api/v1/models")
            #expect(try await http.send(.GET, "/v1/models").header("X-RateLimit-Remaining-Requests") == "997")
        }
    }
}
