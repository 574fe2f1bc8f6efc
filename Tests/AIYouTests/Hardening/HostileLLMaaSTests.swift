import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The LLMaaS side against the embedded server's hostile answers, over loopback: each ends with
/// the exact value or the exact typed error the limits promise, and the server saw exactly the
/// requests expected.
@Suite("Hostile LLMaaS answers end as the limits say", .timeLimit(TestTiming.limit(minutes: 2)))
struct HostileLLMaaSTests {
    static let request = ChatCompletionRequest(messages: [.text("Weather in Lyon?")], model: "gpt-oss:120b")

    struct City: Decodable { var city: String? }
    static let weather = Tool.decoding(City.self, name: "get_weather") { "Sunny in \($0.city ?? "?")" }

    @Test("20,000 deltas assemble, streamed and whole, to the same text")
    func manyDeltas() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.manyDeltas(count: 20_000, text: "ab")], for: .llmaasChatCompletions)
            let streamed = try await client.chatCompletionStream(Self.request).collect()
            server.enqueueFaults([.manyDeltas(count: 20_000, text: "ab")], for: .llmaasChatCompletions)
            let whole = try await client.chatCompletion(Self.request)
            #expect(streamed.text == String(repeating: "ab", count: 20_000))
            #expect(streamed.text == whole.text && streamed.choices.first?.finishReason == "stop")
        }
    }

    @Test("a storm of 1,000 tool calls: the stream stops at 128 per choice; runTools refuses the round before running any")
    func toolCallStorm() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.toolCallStorm(calls: 1000, perChunk: 16)], for: .llmaasChatCompletions)
            let streamed = await expectAIYouError(.limitExceeded) { try await client.chatCompletionStream(Self.request).collect() }
            #expect(streamed?.message.contains("128 tool calls") == true)
            server.enqueueFaults([.toolCallStorm(calls: 1000, perChunk: 16)], for: .llmaasChatCompletions)
            let ran = Locked(0)
            let counting = Tool(name: "get_weather") { _ in
                ran.withLock { $0 += 1 }
                return "ok"
            }
            let refused = await expectAIYouError(.limitExceeded) { try await client.runTools(Self.request, tools: [counting]) }
            #expect(refused?.message.contains("1000 tool calls") == true && refused?.message.contains("maxToolCallsPerRound") == true)
            #expect(ran.withLock { $0 } == 0)
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
        }
    }

    @Test("arguments nested 100,000 deep: as an object, a .decoding error naming the limit; as text, kept, and refused when parsed")
    func deepArguments() async throws {
        try await withLLMaaS { server, client in
            for streamed in [true, false] {
                server.enqueueFaults([.deepArguments(depth: 100_000, asObject: true)], for: .llmaasChatCompletions)
                let error = await expectAIYouError(.decoding) {
                    streamed ? try await client.chatCompletionStream(Self.request).collect() : try await client.chatCompletion(Self.request)
                }
                #expect(error?.message.contains("deeper than 128 levels") == true, "streamed: \(streamed)")
                server.enqueueFaults([.deepArguments(depth: 100_000, asObject: false)], for: .llmaasChatCompletions)
                let completion =
                    streamed ? try await client.chatCompletionStream(Self.request).collect() : try await client.chatCompletion(Self.request)
                let call = try #require(completion.choices.first?.message.toolCalls.first)
                #expect(call.arguments.utf8.count > 500_000)
                #expect(throws: AIYouError.self) { try call.argumentsJSON() }
            }
            // runTools answers the model with the error and goes on to the next round.
            server.enqueueFaults([.deepArguments(depth: 100_000, asObject: false)], for: .llmaasChatCompletions)
            let result = try await client.runTools(Self.request, tools: [Self.weather])
            #expect(result.rounds == 2 && result.toolCallCount == 1)
            let sent = result.messages.first { $0.role == .tool }?.text ?? ""
            #expect(sent.hasPrefix("error: ") && sent.contains("deeper than 128 levels"))
        }
    }

    @Test("one chunk naming choice 0 two hundred times with new calls: limitExceeded, not 200 calls")
    func repeatedChoiceIndex() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.repeatedChoiceIndex(times: 200)], for: .llmaasChatCompletions)
            let error = await expectAIYouError(.limitExceeded) { try await client.chatCompletionStream(Self.request).collect() }
            #expect(error?.message.contains("128 tool calls") == true)
            // Reading chunk by chunk, the chunk is delivered as it is; the accumulator refuses it.
            server.enqueueFaults([.repeatedChoiceIndex(times: 200)], for: .llmaasChatCompletions)
            var accumulator = ChatCompletionAccumulator()
            var refused = 0
            for try await chunk in try await client.chatCompletionStream(Self.request) {
                do { try accumulator.add(chunk) } catch { refused += 1 }
            }
            #expect(refused == 1 && accumulator.toolCalls.isEmpty)
        }
    }

    @Test("arguments in 20,000 pieces assemble exactly, streamed as whole")
    func longToolArguments() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.longToolArguments(pieces: 20_000, pieceText: "ab")], for: .llmaasChatCompletions)
            let streamed = try await client.chatCompletionStream(Self.request).collect()
            server.enqueueFaults([.longToolArguments(pieces: 20_000, pieceText: "ab")], for: .llmaasChatCompletions)
            let whole = try await client.chatCompletion(Self.request)
            let arguments = try #require(streamed.choices.first?.message.toolCalls.first?.arguments)
            #expect(arguments == #"{"q":""# + String(repeating: "ab", count: 20_000) + #""}"#)
            #expect(whole.choices.first?.message.toolCalls.first?.arguments == arguments)
        }
    }

    @Test(
        "a stream of chunks that add nothing ends like a silent one: a timeout after streamIdle, one request",
        arguments: MockEmptyChunk.allCases
    )
    func emptyChunks(_ kind: MockEmptyChunk) async throws {
        try await withLLMaaS(client: { $0.timeouts.streamIdle = .milliseconds(300) }) { server, client in
            server.enqueueFaults([.endlessEmptyChunks(interval: .milliseconds(5), kind: kind)], for: .llmaasChatCompletions)
            let error = await expectAIYouError(.timeout) { try await client.chatCompletionStream(Self.request).collect() }
            #expect(error?.message.contains("no progress") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == 1)
            try await eventually { server.openConnections == 0 }
        }
    }
}
