import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Streamed tool calls are assembled")
struct ChatCompletionAccumulatorTests {
    static func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil, choice: Int = 0) -> ChatCompletionChunk {
        ChatCompletionChunk(id: "chatcmpl-1", model: "gpt-oss:120b", choices: [.init(index: choice, delta: delta, finishReason: finish)])
    }

    @Test("pieces by index: ids and names from the first piece, arguments concatenated, the running state readable")
    func pieces() throws {
        var accumulator = ChatCompletionAccumulator()
        try accumulator.add(
            Self.chunk(
                .init(role: .assistant, toolCalls: [.init(index: 0, id: "call_a", type: "function", name: "get_weather", arguments: "")])
            )
        )
        try accumulator.add(Self.chunk(.init(toolCalls: [.init(index: 0, arguments: #"{"city":"#)])))
        #expect(accumulator.toolCalls.first?.arguments == #"{"city":"#)
        try accumulator.add(
            Self.chunk(
                .init(toolCalls: [
                    .init(index: 1, id: "call_b", name: "get_time", arguments: "{}"), .init(index: 0, arguments: #""Lyon"}"#),
                ])
            )
        )
        try accumulator.add(Self.chunk(.init(), finish: "tool_calls"))
        try accumulator.add(
            ChatCompletionChunk(choices: [], usage: ChatCompletion.Usage(promptTokens: 3, completionTokens: 4, totalTokens: 7))
        )
        #expect(accumulator.finishReason == "tool_calls" && accumulator.latestUsage?.totalTokens == 7)
        let completion = accumulator.completion
        let message = try #require(completion.choices.first?.message)
        #expect(
            message.toolCalls == [
                ToolCall(id: "call_a", name: "get_weather", arguments: #"{"city":"Lyon"}"#),
                ToolCall(id: "call_b", name: "get_time", arguments: "{}"),
            ]
        )
        #expect(message.content == "" && message.parts.isEmpty)
        #expect(completion.id == "chatcmpl-1" && completion.usage?.totalTokens == 7)
    }

    @Test("a new id on a reused index starts another call (Ollama-style parallel calls)")
    func reusedIndex() throws {
        var accumulator = ChatCompletionAccumulator()
        try accumulator.add(Self.chunk(.init(toolCalls: [.init(index: 0, id: "call_1", name: "f", arguments: "{\"a\":1}")])))
        try accumulator.add(Self.chunk(.init(toolCalls: [.init(index: 0, id: "call_2", name: "g", arguments: "{")])))
        try accumulator.add(Self.chunk(.init(toolCalls: [.init(index: 0, arguments: "}")])))
        #expect(accumulator.toolCalls.map(\.id) == ["call_1", "call_2"])
        #expect(accumulator.toolCalls.map(\.arguments) == ["{\"a\":1}", "{}"])
    }

    @Test("arguments sent as a JSON object are kept as its JSON text, on both decoding paths")
    func objectArguments() throws {
        let json =
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"city":"Lyon"}}}]}}]}"#
        var decoder = ChatCompletionChunkDecoder()
        let chunk = try Array(json.utf8).withUnsafeBytes { try decoder.decode($0) }
        #expect(chunk.choices.first?.delta.toolCalls.first?.arguments == #"{"city":"Lyon"}"#)
        let message = #"{"choices":[{"message":{"content":null,"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"n":1}}}]}}]}"#
        let completion = try JSONDecoder().decode(ChatCompletion.self, from: Data(message.utf8))
        #expect(completion.choices.first?.message.toolCalls == [ToolCall(id: "c", name: "f", arguments: #"{"n":1}"#)])
    }

    @Test("a server cannot make it hold more than 128 calls per choice or more than maxBytes")
    func bounds() throws {
        var accumulator = ChatCompletionAccumulator(maxBytes: 1024)
        let many = (0..<129).map { ChatCompletionChunk.ToolCallDelta(index: $0, id: "c\($0)", name: "f") }
        do {
            try accumulator.add(Self.chunk(.init(toolCalls: many)))
            Issue.record("129 calls were accepted")
        } catch {
            #expect(error.code == .limitExceeded)
        }
        #expect(accumulator.toolCalls.isEmpty)
        try accumulator.add(
            // With the id, model, call id, name and type, 900 bytes of arguments hold 932 bytes.
            Self.chunk(.init(toolCalls: [.init(index: 0, id: "c", name: "f", arguments: String(repeating: "x", count: 900))]))
        )
        do {
            try accumulator.add(Self.chunk(.init(toolCalls: [.init(index: 0, arguments: String(repeating: "y", count: 100))])))
            Issue.record("the byte bound was passed")
        } catch {
            #expect(error.code == .limitExceeded)
        }
        #expect(accumulator.toolCalls.first?.arguments.count == 900)
        #expect(accumulator.heldBytes == 932)
    }

    @Test("collect() of an event stream gives text and tool calls as a non-streamed answer carries them")
    func collectFromBytes() async throws {
        let events = [
            #"{"id":"x","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a1","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}]}"#,
            #"{"id":"x","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}"#,
            #"{"id":"x","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Lyon\"}"}}]},"finish_reason":null}]}"#,
            #"{"id":"x","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        let text = events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        // Fed in 7-byte pieces: events split anywhere assemble the same.
        let pieces = stride(from: 0, to: bytes.count, by: 7).map { ByteBuffer(bytes: bytes[$0..<min($0 + 7, bytes.count)]) }
        let streamed = try await ChatCompletionStream(decoding: pieces.async).collect()
        let whole =
            #"{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_a1","type":"function","function":{"name":"get_time","arguments":"{\"city\":\"Lyon\"}"}}]}}]}"#
        let nonStreamed = try JSONDecoder().decode(ChatCompletion.self, from: Data(whole.utf8))
        #expect(streamed == nonStreamed)
        #expect(Array(whole.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) } == nonStreamed)
    }
}

extension Array where Element: Sendable {
    /// The elements as an `AsyncSequence`.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
