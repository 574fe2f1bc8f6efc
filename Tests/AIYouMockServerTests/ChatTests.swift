import AIYouMockServer
import AsyncHTTPClient
import Foundation
import Testing

@Suite("Chat completions")
struct ChatTests {
    static let expectedReply = "Bonjour ! Vous avez dit : salut toi comment vas-tu"

    static let twoPartBody = #"""
        {"messages":[{"role":"system","content":"sois bref"},
          {"role":"user","content":[{"type":"text","text":"salut toi"},{"type":"image","text":"https://x/y.png"},{"type":"text","text":"comment vas-tu"}]}],
         "model":"my-model"}
        """#

    @Test("non-streaming answer, primary shape: wrapped, string content")
    func primary() async throws {
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(.POST, "/api/v1/chat/completions", json: Self.twoPartBody)
            #expect(response.status == 200)
            let wrapped = try response.object()
            let completion = try #require(wrapped["response"] as? [String: Any])
            #expect(completion["model"] as? String == "my-model")
            #expect(completion["object"] as? String == "chat.completion")
            #expect((completion["id"] as? String)?.isEmpty == false)
            #expect(completion["created"] is Int)
            let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["content"] as? String == Self.expectedReply)
            #expect(message["role"] as? String == "assistant")
            #expect(message["refusal"] is NSNull)
            #expect(choice["finish_reason"] as? String == "stop")
            let usage = try #require(completion["usage"] as? [String: Int])
            // "sois bref" + "salut toi" + "comment vas-tu": 6 words; 8 chunks by default.
            #expect(usage == ["prompt_tokens": 6, "completion_tokens": 8, "total_tokens": 14])
        }
    }

    @Test("non-streaming answer, alternate shape: bare, content parts")
    func alternate() async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = .alternate
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let response = try await TestHTTP(server).send(
                .POST,
                "/api/v1/chat/completions",
                json: TestHTTP.chatBody("bonjour", extra: #","assistantId":"603""#)
            )
            #expect(response.status == 200)
            let completion = try response.object()
            #expect(completion["response"] == nil)
            #expect(completion["object"] as? String == "chat.completion")
            #expect(completion["model"] as? String == "llama-3.3-70b")
            let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == 0)
            let message = try #require(choice["message"] as? [String: Any])
            let parts = try #require(message["content"] as? [[String: String]])
            #expect(parts == [["type": "text", "text": "Bonjour ! Vous avez dit : bonjour"]])
            #expect(message["refusal"] is NSNull)
        }
    }

    @Test("invalid requests get 400")
    func validation() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            for body in [#"{"messages":[]}"#, #"{"model":"x"}"#, #"{"messages":"hi"}"#, "nope", "[]"] {
                let response = try await http.send(.POST, "/api/v1/chat/completions", json: body)
                #expect(response.status == 400, "body \(body)")
                #expect(try response.object()["code"] as? Int == 400)
            }
        }
    }

    @Test("requireStreaming refuses non-streaming requests with the Stream options error")
    func requireStreaming() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.requireStreaming = true
            let refused = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a"))
            #expect(refused.status == 400)
            let error = try refused.object()
            #expect(error["object"] as? String == "error")
            #expect((error["message"] as? String)?.contains("Stream options") == true)
            #expect(error["code"] as? Int == 400)
            let streamed = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a", stream: true))
            #expect(streamed.status == 200)
            server.requireStreaming = false
            #expect(try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a")).status == 200)
        }
    }
}
