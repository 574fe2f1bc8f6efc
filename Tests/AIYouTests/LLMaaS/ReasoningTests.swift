import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Reasoning models")
struct ReasoningTests {
    static let thought = "The user wrote \"salut\". A short answer in French will do."
    static let answer = "Bonjour ! Vous avez dit : salut"

    static func request(_ model: String) -> ChatCompletionRequest {
        ChatCompletionRequest(messages: [.text("salut")], model: model)
    }

    @Test("reasoning_content reaches AssistantMessage.reasoning and the accumulator; the text stays clean; reasoning tokens read")
    func separateField() async throws {
        try await withLLMaaS { _, client in
            let whole = try await client.chatCompletion(Self.request("qwen3.6:27b"))
            #expect(whole.text == Self.answer)
            #expect(whole.choices.first?.message.reasoning == Self.thought)
            #expect(whole.usage?.reasoningTokens == 11)

            let streamed = try await client.chatCompletionStream(Self.request("qwen3.6:27b")).collect()
            #expect(streamed.text == Self.answer && streamed.choices.first?.message.reasoning == Self.thought)
            #expect(streamed.usage?.reasoningTokens == 11)

            var text = ""
            for try await piece in try await client.chatCompletionStream(Self.request("qwen3.6:27b")).textDeltas { text += piece }
            #expect(text == Self.answer)
        }
    }

    @Test("typed events tell reasoning, text, the finish and usage apart, in the order they came")
    func typedEvents() async throws {
        try await withLLMaaS { _, client in
            var reasoning = ""
            var text = ""
            var kinds: [String] = []
            for try await event in try await client.chatCompletionStream(Self.request("qwen3.6:27b")).events {
                switch event {
                case .reasoning(let piece, let choice):
                    #expect(choice == 0)
                    reasoning += piece
                    if kinds.last != "reasoning" { kinds.append("reasoning") }
                case .text(let piece, _):
                    text += piece
                    if kinds.last != "text" { kinds.append("text") }
                case .toolCall: kinds.append("toolCall")
                case .finished(let reason, _): kinds.append("finished:\(reason)")
                case .usage(let usage):
                    #expect(usage.reasoningTokens == 11)
                    kinds.append("usage")
                }
            }
            #expect(kinds == ["reasoning", "text", "finished:stop", "usage"])
            #expect(reasoning == Self.thought && text == Self.answer)
        }
    }

    @Test("tool-call pieces come as toolCall events")
    func toolCallEvents() async throws {
        try await withLLMaaS { _, client in
            let request = ChatCompletionRequest(
                messages: [.text("weather in Lyon")],
                model: "gpt-oss:120b",
                tools: [.function("get_weather", description: "Weather")]
            )
            var pieces: [ChatCompletionChunk.ToolCallDelta] = []
            var finish: String?
            for try await event in try await client.chatCompletionStream(request).events {
                if case .toolCall(let piece, _) = event { pieces.append(piece) }
                if case .finished(let reason, _) = event { finish = reason }
            }
            #expect(pieces.first?.name == "get_weather")
            #expect(pieces.compactMap(\.arguments).joined().contains("Lyon"))
            #expect(finish == "tool_calls")
        }
    }

    @Test("<think> tags stay in the text unless splitting is on; then they become reasoning, whole and streamed")
    func thinkTags() async throws {
        try await withLLMaaS { _, client in
            let kept = try await client.chatCompletion(Self.request("cogito:32b"))
            #expect(kept.text.hasPrefix("<think>") && kept.usage?.reasoningTokens == 11)
        }
        for chunkCount in [1, 3, 7, 40, 200] {
            try await withLLMaaS(server: { $0.streamChunkCount = chunkCount }, client: { $0.splitsThinkTags = true }) { _, client in
                let whole = try await client.chatCompletion(Self.request("cogito:32b"))
                #expect(whole.text == Self.answer)
                #expect(whole.choices.first?.message.reasoning == Self.thought)
                let streamed = try await client.chatCompletionStream(Self.request("cogito:32b")).collect()
                #expect(streamed.text == Self.answer, "chunks: \(chunkCount)")
                #expect(streamed.choices.first?.message.reasoning == Self.thought, "chunks: \(chunkCount)")
                var text = ""
                for try await piece in try await client.chatCompletionStream(Self.request("cogito:32b")).textDeltas { text += piece }
                #expect(text == Self.answer, "chunks: \(chunkCount)")
            }
        }
    }

    @Test("the splitter: tags cut anywhere, stray '<', an unclosed tag and a partial tag at the end lose nothing")
    func splitterPieces() {
        let text = "<think>\nweigh a < b\n</think>\n\nThe answer <b>is</b> 42 <thin"
        for cut in 1...text.utf8.count {
            var splitter = ThinkTagSplitter()
            var answer = ""
            var reasoning = ""
            var start = text.startIndex
            while start < text.endIndex {
                let end = text.index(start, offsetBy: cut, limitedBy: text.endIndex) ?? text.endIndex
                let piece = splitter.split(String(text[start..<end]))
                answer += piece.text
                reasoning += piece.reasoning
                start = end
            }
            let rest = splitter.flush()
            answer += rest.text
            reasoning += rest.reasoning
            #expect(reasoning == "weigh a < b", "cut \(cut)")
            #expect(answer == "The answer <b>is</b> 42 <thin", "cut \(cut)")
        }
        var unclosed = ThinkTagSplitter()
        let piece = unclosed.split("<think>still thinking")
        #expect(piece.reasoning == "still thinking" && unclosed.flush() == ("", ""))
    }

    @Test("a stream decoded outside a client splits tags across chunks when asked")
    func decodingInitializer() async throws {
        let events = [
            #"{"choices":[{"index":0,"delta":{"content":"<thi"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"nk>hmm</th"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"ink>Yes <"}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ]
        let text = events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
        let bytes = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: text))
            continuation.finish()
        }
        let completion = try await ChatCompletionStream(decoding: bytes, splittingThinkTags: true).collect()
        #expect(completion.text == "Yes <")
        #expect(completion.choices.first?.message.reasoning == "hmm")
    }

    @Test("reasoning_tokens is read from usage and from completion_tokens_details, on both decoding paths")
    func reasoningTokenShapes() throws {
        let shapes =
            [
                (#"{"prompt_tokens":1,"completion_tokens":5,"total_tokens":6,"reasoning_tokens":3}"#, 3),
                (#"{"prompt_tokens":1,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":0}}"#, 4),
                (#"{"prompt_tokens":1,"completion_tokens":5,"completion_tokens_details":null}"#, nil),
            ] as [(String, Int?)]
        for (usage, expected) in shapes {
            let json =
                #"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":"# + usage
                + "}"
            let fast = Array(json.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) }
            let slow = try JSONDecoder().decode(ChatCompletion.self, from: Data(json.utf8))
            #expect(fast?.usage?.reasoningTokens == expected, "\(usage)")
            #expect(slow.usage?.reasoningTokens == expected, "\(usage)")
            #expect(fast == slow)
        }
    }
}
