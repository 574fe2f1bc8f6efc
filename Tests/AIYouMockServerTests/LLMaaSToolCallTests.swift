import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS tool calls")
struct LLMaaSToolCallTests {
    static func answer(_ http: TestHTTP, _ body: String) async throws -> AssembledAnswer {
        try await LLMaaSChatTests.answer(http, body)
    }

    @Test("auto calls get_weather with the city after the last ' in ', as the OpenAI answer")
    func getWeather() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = LLMaaS.chat("What is the weather in Lyon?", ["tools": [LLMaaS.tool("get_weather")], "tool_choice": "auto"])
            let response = try await http.send(.POST, LLMaaS.chatPath, json: body)
            #expect(response.status == 200)
            let object = try response.object()
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == 0)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["content"] is NSNull)
            #expect(message["role"] as? String == "assistant")
            let call = try #require((message["tool_calls"] as? [[String: Any]])?.first)
            #expect(call["type"] as? String == "function")
            let answer = try AssembledAnswer(answer: object)
            #expect(answer.finishReason == "tool_calls")
            #expect(answer.calls.map(\.name) == ["get_weather"])
            #expect(answer.calls[0].arguments == #"{"city":"Lyon"}"#)
            #expect(answer.calls[0].id.hasPrefix("call_"))
            #expect(answer.usage == ["prompt_tokens": 6, "completion_tokens": 10, "total_tokens": 16])
            // The raw order of the answer's members.
            #expect(response.text.hasPrefix(#"{"id":"chatcmpl-"#))
            #expect(
                response.text.contains(
                    #""choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_"#
                )
            )
            #expect(
                response.text.hasSuffix(
                    #""usage":{"prompt_tokens":6,"completion_tokens":10,"total_tokens":16},"backend":{"engine_type":"mock","machine_name":"mock01"}}"#
                )
            )
            // Deterministic ids.
            #expect(try await Self.answer(http, body) == answer)
        }
    }

    @Test(
        "the city: last ' in ', trailing punctuation removed, Paris by default",
        arguments: [
            ("Weather in Paris or in Rome?!", "Rome"), ("Any rain in Saint-Étienne,", "Saint-Étienne"), ("Is it sunny?", "Paris"),
            ("Weather in ?", "Paris"), ("Say it in  Nice", "Nice"), ("in Lyon", "Paris"), ("météo in 東京.", "東京"),
        ]
    )
    func city(text: String, city: String) async throws {
        try await MockAIYouServer.withRunning { server in
            let answer = try await Self.answer(TestHTTP(server), LLMaaS.chat(text, ["tools": [LLMaaS.tool("get_weather")]]))
            #expect(answer.calls.map(\.arguments) == [LLMaaS.json(["city": city])])
        }
    }

    @Test("auto: every tool named in the last user message (case-sensitive) or get_weather, in declaration order; else text")
    func autoSelection() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let tools = [LLMaaS.tool("get_time"), LLMaaS.tool("get_weather"), LLMaaS.tool("search"), LLMaaS.tool("Convert")]
            let both = try await Self.answer(http, LLMaaS.chat("please get_time and search in Oslo", ["tools": tools]))
            #expect(both.calls.map(\.name) == ["get_time", "get_weather", "search"])
            #expect(both.calls.map(\.arguments) == ["{}", #"{"city":"Oslo"}"#, "{}"])
            #expect(Set(both.calls.map(\.id)).count == 3)
            #expect(both.usage["completion_tokens"] == 30)

            let none = try await Self.answer(http, LLMaaS.chat("convert this", ["tools": [LLMaaS.tool("Convert")]]))
            #expect(none.calls.isEmpty)
            #expect(none.finishReason == "stop")
            #expect(none.content == "Bonjour ! Vous avez dit : convert this")

            // The name is looked for in the last user message only.
            let history = LLMaaS.json([
                "model": "gpt-oss:120b", "tools": [LLMaaS.tool("search")],
                "messages": [
                    ["role": "user", "content": "search"], ["role": "assistant", "content": "ok"], ["role": "user", "content": "thanks"],
                ],
            ])
            #expect(try await Self.answer(http, history).calls.isEmpty)
        }
    }

    @Test("tool_choice: a named function, required (the first tool), none (text)")
    func toolChoice() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let tools = [LLMaaS.tool("lookup"), LLMaaS.tool("get_weather")]
            let named = try await Self.answer(
                http,
                LLMaaS.chat("hello", ["tools": tools, "tool_choice": ["type": "function", "function": ["name": "get_weather"]]])
            )
            #expect(named.calls.map(\.name) == ["get_weather"])
            #expect(named.calls[0].arguments == #"{"city":"Paris"}"#)
            let required = try await Self.answer(http, LLMaaS.chat("hello", ["tools": tools, "tool_choice": "required"]))
            #expect(required.calls.map(\.name) == ["lookup"])
            #expect(required.calls[0].arguments == "{}")
            let none = try await Self.answer(http, LLMaaS.chat("get_weather in Oslo", ["tools": tools, "tool_choice": "none"]))
            #expect(none.calls.isEmpty)
            #expect(none.content == "Bonjour ! Vous avez dit : get_weather in Oslo")
        }
    }

    @Test("after tool messages: 'Results: ' and the trailing tool contents joined by '; '")
    func toolResults() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = LLMaaS.json([
                "model": "llama3.3:70b",
                "tools": [LLMaaS.tool("get_weather")],
                "messages": [
                    ["role": "tool", "tool_call_id": "call_old", "content": "ignored"],
                    ["role": "user", "content": "Weather in Lyon and Nice?"],
                    [
                        "role": "assistant", "content": NSNull(),
                        "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "get_weather", "arguments": "{}"]]],
                    ],
                    ["role": "tool", "tool_call_id": "call_1", "content": "Lyon: 21 °C"],
                    [
                        "role": "tool", "tool_call_id": "call_2",
                        "content": [["type": "text", "text": "Nice:"], ["type": "text", "text": "24 °C"]],
                    ],
                ],
            ])
            let answer = try await Self.answer(http, body)
            #expect(answer.content == "Results: Lyon: 21 °C; Nice: 24 °C")
            #expect(answer.finishReason == "stop")
            #expect(answer.calls.isEmpty)
        }
    }
}
