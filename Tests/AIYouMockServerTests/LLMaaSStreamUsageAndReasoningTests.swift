import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS streamed usage and reasoning models")
struct LLMaaSStreamUsageAndReasoningTests {
    static func streamText(_ http: TestHTTP, _ body: [String: Any]) async throws -> [String] {
        var body = body
        body["stream"] = true
        let response = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.json(body))
        try #require(response.status == 200, "\(response.text)")
        return LLMaaS.dataPayloads(response.text)
    }

    static func body(_ text: String, model: String = "gpt-oss:120b", _ extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": text]]]
        body.merge(extra) { _, new in new }
        return body
    }

    @Test("usage is streamed only when asked for; with usageOnFinishChunk it rides on the finish chunk")
    func usageOnlyWhenAsked() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(streamChunkCount: 3)) { server in
            let http = TestHTTP(server)
            let plain = try await Self.streamText(http, Self.body("salut"))
            #expect(plain.count == 3 + 1 + 1)
            #expect(!plain.contains { $0.contains("\"usage\"") })
            let asked = try await Self.streamText(http, Self.body("salut", ["stream_options": ["include_usage": true]]))
            #expect(asked.count == 3 + 2 + 1)
            #expect(asked[4].contains(#""choices":[],"usage":"#))
            let notAsked = try await Self.streamText(http, Self.body("salut", ["stream_options": ["include_usage": false]]))
            #expect(!notAsked.contains { $0.contains("\"usage\"") })

            server.usageOnFinishChunk = true
            let onFinish = try await Self.streamText(http, Self.body("salut", ["stream_options": ["include_usage": true]]))
            #expect(onFinish.count == 3 + 1 + 1)
            #expect(onFinish[3].contains(#""finish_reason":"stop""#) && onFinish[3].contains(#""usage":{"#))
        }
    }

    @Test("stream_options is refused without stream, when malformed, and on demand (refusesStreamOptions)")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let noStream = try await http.send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.json(Self.body("x", ["stream_options": ["include_usage": true]]))
            )
            #expect(noStream.status == 400)
            #expect(try LLMaaS.error(noStream)["param"] as? String == "stream_options")
            let malformed = try await http.send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.json(Self.body("x", ["stream": true, "stream_options": ["include_usage": "yes"]]))
            )
            #expect(malformed.status == 400)

            server.refusesStreamOptions = true
            let refused = try await http.send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.json(Self.body("x", ["stream": true, "stream_options": ["include_usage": true]]))
            )
            #expect(refused.status == 400)
            #expect(try LLMaaS.error(refused)["message"] as? String == "Unrecognized request argument supplied: stream_options")
            let without = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.json(Self.body("x", ["stream": true])))
            #expect(without.status == 200)
        }
    }

    @Test("qwen3.6:27b reasons apart: reasoning_content pieces first, then the text; reasoning tokens counted")
    func separateReasoning() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(streamChunkCount: 4)) { server in
            let http = TestHTTP(server)
            let whole = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.json(Self.body("salut", model: "qwen3.6:27b")))
            let answer = try whole.object()
            let message = try #require((answer["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
            let thought = "The user wrote \"salut\". A short answer in French will do."
            #expect(message["reasoning_content"] as? String == thought)
            #expect(message["content"] as? String == "Bonjour ! Vous avez dit : salut")
            let usage = try #require(answer["usage"] as? [String: Any])
            #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 11)
            #expect(usage["completion_tokens"] as? Int == 7 + 11)

            let payloads = try await Self.streamText(http, Self.body("salut", model: "qwen3.6:27b"))
            let deltas = try payloads.dropLast().compactMap { payload -> [String: Any]? in
                try (LLMaaS.object(payload)["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
            }
            let reasoning = deltas.prefix(4).compactMap { $0["reasoning_content"] as? String }
            #expect(reasoning.count == 4 && reasoning.joined() == thought)
            #expect(deltas.prefix(4).allSatisfy { $0["content"] == nil })
            #expect(deltas.dropFirst(4).compactMap { $0["content"] as? String }.joined() == "Bonjour ! Vous avez dit : salut")
        }
    }

    @Test("cogito:32b writes its reasoning in <think> tags inside the content, counted in usage.reasoning_tokens")
    func thinkTags() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let whole = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.json(Self.body("salut", model: "cogito:32b")))
            let answer = try whole.object()
            let message = try #require((answer["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
            #expect(
                message["content"] as? String
                    == "<think>\nThe user wrote \"salut\". A short answer in French will do.\n</think>\n\nBonjour ! Vous avez dit : salut"
            )
            #expect((answer["usage"] as? [String: Any])?["reasoning_tokens"] as? Int == 11)
        }
    }
}
