import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS streaming")
struct LLMaaSStreamingTests {
    /// The streamed answer to `body` (with `"stream": true` added), checked for its framing.
    static func streamed(_ http: TestHTTP, _ body: [String: Any], path: String = LLMaaS.chatPath) async throws -> (AssembledAnswer, String)
    {
        var body = body
        body["stream"] = true
        // Real servers send the usage only when asked; these tests read it.
        if body["stream_options"] == nil { body["stream_options"] = ["include_usage": true] }
        let response = try await http.send(.POST, path, json: LLMaaS.json(body))
        try #require(response.status == 200, "\(response.text)")
        #expect(response.header("Content-Type") == "text/event-stream")
        #expect(response.header("Cache-Control") == "no-cache")
        #expect(response.header("X-RateLimit-Limit-Requests") == "1000")
        #expect(response.header("x-request-id") != nil)
        #expect(response.text.hasSuffix("data: [DONE]\n\n"))
        #expect(!response.text.contains("\r"))
        return (try AssembledAnswer(stream: response.text), response.text)
    }

    static func plain(_ http: TestHTTP, _ body: [String: Any], path: String = LLMaaS.chatPath) async throws -> AssembledAnswer {
        try await LLMaaSChatTests.answer(http, LLMaaS.json(body), path: path)
    }

    static func body(_ text: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["model": "gpt-oss:120b", "messages": [["role": "user", "content": text]]]
        body.merge(extra) { _, new in new }
        return body
    }

    @Test("a text stream: role first, the configured number of pieces, finish chunk, usage chunk, [DONE]")
    func textFraming() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(streamChunkCount: 5)) { server in
            let http = TestHTTP(server)
            let (answer, text) = try await Self.streamed(http, Self.body("raconte une histoire"))
            let payloads = LLMaaS.dataPayloads(text)
            #expect(payloads.count == 5 + 2 + 1)
            let chunks = try payloads.dropLast().map { try LLMaaS.object($0) }
            let firstDelta = try #require((chunks[0]["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
            #expect(firstDelta.keys.sorted() == ["content", "role"])
            let last = try #require((chunks[5]["choices"] as? [[String: Any]])?.first)
            #expect((last["delta"] as? [String: Any])?.isEmpty == true)
            #expect(last["finish_reason"] as? String == "stop")
            #expect(payloads[6].hasSuffix(#""choices":[],"usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}}"#))
            #expect(payloads[0].hasPrefix(#"{"id":"chatcmpl-"#))
            #expect(payloads[0].contains(#""object":"chat.completion.chunk","created":"#))
            #expect(payloads[0].hasSuffix(#""finish_reason":null}]}"#))
            #expect(answer.content == "Bonjour ! Vous avez dit : raconte une histoire")
        }
    }

    @Test("a tool-call stream: an opening fragment per call, arguments in pieces of at most 7 bytes, finish tool_calls")
    func toolCallFraming() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = Self.body("lookup the weather in Zürich", ["tools": [LLMaaS.tool("get_weather"), LLMaaS.tool("lookup")]])
            let (answer, text) = try await Self.streamed(http, body)
            #expect(answer.calls.map(\.name) == ["get_weather", "lookup"])
            #expect(answer.calls.map(\.arguments) == [#"{"city":"Zürich"}"#, "{}"])
            #expect(answer.finishReason == "tool_calls")
            #expect(answer.content == nil)

            let chunks = try LLMaaS.dataPayloads(text).dropLast().map { try LLMaaS.object($0) }
            let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            let first = try #require(deltas.first)
            #expect(first["role"] as? String == "assistant")
            #expect(first["content"] is NSNull)
            let opening = try #require((first["tool_calls"] as? [[String: Any]])?.first)
            #expect(opening["index"] as? Int == 0)
            #expect(opening["type"] as? String == "function")
            #expect((opening["function"] as? [String: Any])?["arguments"] as? String == "")
            #expect((opening["function"] as? [String: Any])?["name"] as? String == "get_weather")
            let fragments = deltas.dropFirst().dropLast().compactMap { ($0["tool_calls"] as? [[String: Any]])?.first }
            let pieces = fragments.filter { $0["id"] == nil }.compactMap { ($0["function"] as? [String: Any])?["arguments"] as? String }
            #expect(pieces.allSatisfy { (1...7).contains($0.utf8.count) })
            #expect(pieces.joined() == #"{"city":"Zürich"}{}"#)
            // The second call opens after the first one's fragments.
            let secondOpening = try #require(fragments.firstIndex { $0["id"] != nil })
            #expect(fragments[secondOpening]["index"] as? Int == 1)
            #expect(fragments[(secondOpening + 1)...].allSatisfy { $0["index"] as? Int == 1 })
            #expect(fragments[..<secondOpening].allSatisfy { $0["index"] as? Int == 0 })
            #expect(text.contains(#""delta":{},"finish_reason":"tool_calls"}]}"#))
        }
    }

    @Test("streamed and non-streamed answers to the same request are the same, on both chat paths")
    func equivalence() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(streamChunkCount: 3)) { server in
            let http = TestHTTP(server)
            let bodies: [[String: Any]] = [
                Self.body("Bonjour"),
                Self.body(""),
                Self.body("un deux trois quatre cinq six", ["max_tokens": 4, "temperature": 0.2]),
                Self.body("Weather in 北京? 🇫🇷👩‍👩‍👧", ["tools": [LLMaaS.tool("get_weather")]]),
                Self.body(
                    "please translate and get_weather in Köln!",
                    ["tools": [LLMaaS.tool("translate"), LLMaaS.tool("get_weather"), LLMaaS.tool("unused")], "tool_choice": "auto"]
                ),
                Self.body(
                    "x",
                    ["tools": [LLMaaS.tool("a"), LLMaaS.tool("b")], "tool_choice": ["type": "function", "function": ["name": "b"]]]
                ),
                [
                    "model": "llama3.3:70b", "tools": [LLMaaS.tool("get_weather")],
                    "messages": [
                        ["role": "user", "content": "Weather?"],
                        [
                            "role": "assistant", "content": NSNull(),
                            "tool_calls": [["id": "c", "type": "function", "function": ["name": "get_weather", "arguments": "{}"]]],
                        ],
                        ["role": "tool", "tool_call_id": "c", "content": "Sunny, 25 °C — ☀️"],
                    ],
                ],
            ]
            for body in bodies {
                let plain = try await Self.plain(http, body)
                let (streamed, _) = try await Self.streamed(http, body)
                #expect(streamed == plain, "\(body)")
                let (completions, _) = try await Self.streamed(http, body, path: "/v1/completions")
                #expect(completions == plain, "\(body)")
            }
        }
    }

    @Test("a long argument with multi-byte characters is cut between characters")
    func multibyteFragments() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let city = "Ἀθῆναι👩‍👩‍👧‍👦é"
            let (answer, text) = try await Self.streamed(http, Self.body("weather in \(city)", ["tools": [LLMaaS.tool("get_weather")]]))
            #expect(answer.calls.first?.arguments == LLMaaS.json(["city": city]))
            let pieces = try LLMaaS.dataPayloads(text).dropLast().compactMap { payload -> String? in
                let delta = (try LLMaaS.object(payload)["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
                let fragment = (delta?["tool_calls"] as? [[String: Any]])?.first
                return fragment?["id"] == nil ? (fragment?["function"] as? [String: Any])?["arguments"] as? String : nil
            }
            #expect(pieces.count > 5)
            #expect(pieces.allSatisfy { $0.utf8.count <= 7 })
        }
    }

    @Test("the stream is paced by streamChunkInterval")
    func paced() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(streamChunkCount: 4, streamChunkInterval: .milliseconds(40))) { server in
            let clock = ContinuousClock()
            let start = clock.now
            let (answer, _) = try await Self.streamed(TestHTTP(server), Self.body("lent"))
            // 4 pieces + finish + usage: 5 pauses.
            #expect(clock.now - start >= .milliseconds(200))
            #expect(answer.content == "Bonjour ! Vous avez dit : lent")
        }
    }
}
