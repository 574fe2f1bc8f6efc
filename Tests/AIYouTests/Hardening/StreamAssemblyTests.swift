import Foundation
import InMemoryTracing
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The accumulator behind `collect()`: everything assembles exactly whatever the number of pieces,
/// and no chunk can make it hold more than its limits, whatever its shape.
@Suite("Streams assemble exactly and within their limits")
struct StreamAssemblyTests {
    typealias Chunk = ChatCompletionChunk

    static func chunk(_ choices: [Chunk.Choice], id: String? = "c", model: String? = "m") -> Chunk {
        Chunk(id: id, model: model, choices: choices)
    }

    static func choice(_ delta: Chunk.Delta, index: Int = 0, finish: String? = nil) -> Chunk.Choice {
        Chunk.Choice(index: index, delta: delta, finishReason: finish)
    }

    /// `events` as the data lines of one SSE body, cut into 4 KiB buffers, then `[DONE]`.
    static func sse(_ events: [String]) -> [ByteBuffer] {
        var text = ""
        for event in events { text += "data: " + event + "\n\n" }
        text += "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 4096).map { ByteBuffer(bytes: bytes[$0..<min($0 + 4096, bytes.count)]) }
    }

    @Test("50,000 text and reasoning deltas and arguments in 50,000 pieces assemble to exactly what was sent")
    func manyPieces() async throws {
        let count = 50_000
        var events = [#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#]
        events.reserveCapacity(2 * count + 4)
        for step in 0..<count {
            events.append(#"{"choices":[{"index":0,"delta":{"reasoning_content":"r\#(step % 10)"}}]}"#)
            events.append(#"{"choices":[{"index":0,"delta":{"content":"t\#(step % 10)"}}]}"#)
        }
        events.append(
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}"#
        )
        for step in 0..<count {
            events.append(#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"a\#(step % 10)"}}]}}]}"#)
        }
        events.append(#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#)
        let completion = try await ChatCompletionStream(decoding: Self.sse(events).async).collect()
        let digits = (0..<count).map { String($0 % 10) }
        let message = try #require(completion.choices.first?.message)
        #expect(message.content == digits.map { "t" + $0 }.joined())
        #expect(message.reasoning == digits.map { "r" + $0 }.joined())
        #expect(message.toolCalls.count == 1 && message.toolCalls.first?.arguments == digits.map { "a" + $0 }.joined())
        #expect(completion.choices.first?.finishReason == "tool_calls")
    }

    @Test("heldBytes is every string held: text, reasoning, ids, model, roles, types, names, arguments, finish reasons")
    func heldBytes() throws {
        var accumulator = ChatCompletionAccumulator()
        try accumulator.add(Self.chunk([Self.choice(.init(role: "assistant", content: "Bon"))], id: "id-1", model: "model"))
        #expect(accumulator.heldBytes == 4 + 5 + 9 + 3)
        // A replaced role, type and finish reason count for what is held now, not what was sent.
        try accumulator.add(Self.chunk([Self.choice(.init(role: "bot", content: "jour", reasoning: "hm"), finish: "length")]))
        #expect(accumulator.heldBytes == 4 + 5 + 3 + 7 + 2 + 6)
        try accumulator.add(Self.chunk([Self.choice(.init(), finish: "stop")]))
        #expect(accumulator.heldBytes == 4 + 5 + 3 + 7 + 2 + 4)
        try accumulator.add(
            Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, id: "call", name: "get", arguments: "{")]))])
        )
        // The default type "function" counts as held.
        #expect(accumulator.heldBytes == 4 + 5 + 3 + 7 + 2 + 4 + (4 + 8 + 3 + 1))
        try accumulator.add(Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, type: "fn", arguments: "}")]))]))
        #expect(accumulator.heldBytes == 4 + 5 + 3 + 7 + 2 + 4 + (4 + 2 + 3 + 2))
        #expect(accumulator.toolCalls == [ToolCall(id: "call", type: "fn", name: "get", arguments: "{}")])
    }

    @Test(
        "a chunk that would hold more than maxBytes through any one string is refused and changes nothing",
        arguments: ["id", "model", "role", "content", "reasoning", "finish_reason", "call id", "type", "name", "arguments"]
    )
    func everyStringCounts(field: String) throws {
        var accumulator = ChatCompletionAccumulator(maxBytes: 1024)
        try accumulator.add(Self.chunk([Self.choice(.init(role: "assistant", content: "ok"))]))
        let before = accumulator.completion
        let big = String(repeating: "x", count: 1100)
        var delta = Chunk.Delta()
        var piece = Chunk.ToolCallDelta(index: 1)
        var id: String? = nil
        var model: String? = nil
        var finish: String? = nil
        switch field {
        case "id": id = big
        case "model": model = big
        case "role": delta.role = ChatRole(rawValue: big)
        case "content": delta.content = big
        case "reasoning": delta.reasoning = big
        case "finish_reason": finish = big
        case "call id": piece.id = big
        case "type": piece.type = big
        case "name": piece.name = big
        default: piece.arguments = big
        }
        if ["call id", "type", "name", "arguments"].contains(field) { delta.toolCalls = [piece] }
        // The first chunk already set id and model; a fresh accumulator is needed to test those.
        var target = ["id", "model"].contains(field) ? ChatCompletionAccumulator(maxBytes: 1024) : accumulator
        let targetBefore = target.completion
        #expect(throws: AIYouError.self, "\(field)") {
            try target.add(Self.chunk([Self.choice(delta, finish: finish)], id: id, model: model))
        }
        #expect(target.completion == targetBefore, "left as it was")
        #expect(accumulator.completion == before)
    }

    @Test("one chunk naming choice 0 two hundred times, each with a new call, cannot pass the 128 calls per choice")
    func repeatedChoiceIndex() throws {
        var accumulator = ChatCompletionAccumulator()
        let repeated = (0..<200).map { n in
            Self.choice(.init(content: "x", toolCalls: [.init(index: 0, id: "call_\(n)", name: "get_weather", arguments: "{}")]))
        }
        let error = #expect(throws: AIYouError.self) { try accumulator.add(Self.chunk(repeated)) }
        #expect(error?.code == .limitExceeded && error?.message.contains("128 tool calls") == true)
        #expect(accumulator.toolCalls.isEmpty && accumulator.text.isEmpty, "left as it was")
        // The same index with continuation pieces is one call: accepted.
        let continued = (0..<200).map { _ in Self.choice(.init(content: "x", toolCalls: [.init(index: 0, arguments: "a")])) }
        try accumulator.add(Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, id: "call", name: "f")]))] + continued))
        #expect(accumulator.text == String(repeating: "x", count: 200))
        #expect(accumulator.toolCalls.map(\.arguments) == [String(repeating: "a", count: 200)])
        #expect(accumulator.completion.choices.count == 1)
        // 128 new calls in one chunk fit; the 129th, in the next chunk, does not.
        var full = ChatCompletionAccumulator()
        try full.add(Self.chunk([Self.choice(.init(toolCalls: (0..<128).map { .init(index: 0, id: "c\($0)", name: "f") }))]))
        #expect(full.toolCalls.count == 128)
        #expect(throws: AIYouError.self) { try full.add(Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, id: "c128")]))])) }
    }

    @Test("more than 256 distinct choices are refused, counted across chunks and within one")
    func choiceBound() throws {
        var accumulator = ChatCompletionAccumulator()
        try accumulator.add(Self.chunk((0..<256).map { Self.choice(.init(content: "x"), index: $0) }))
        #expect(accumulator.completion.choices.count == 256)
        // The known 256 again, many times: accepted.
        try accumulator.add(Self.chunk((0..<1000).map { Self.choice(.init(content: "y"), index: $0 % 256) }))
        let error = #expect(throws: AIYouError.self) { try accumulator.add(Self.chunk([Self.choice(.init(content: "z"), index: 999)])) }
        #expect(error?.code == .limitExceeded && error?.message.contains("256 choices") == true)
        var fresh = ChatCompletionAccumulator()
        #expect(throws: AIYouError.self) { try fresh.add(Self.chunk((0..<257).map { Self.choice(.init(), index: $0) })) }
        #expect(fresh.completion.choices.isEmpty)
    }

    @Test("what a stream keeps for its span is one finish reason per choice and bounded ids, however many chunks repeat them")
    func spanStateBounded() async throws {
        let longID = String(repeating: "i", count: 10_000)
        var events: [String] = []
        for _ in 0..<2000 {
            events.append(#"{"id":"\#(longID)","model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}"#)
        }
        let body = events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
        let tracer = InMemoryTracer()
        let transport = ScriptedTransport([.events(body)])
        let client = try AIYouClient.scripted(transport) {
            $0.api = .llmaas
            $0.observability = .init(tracer: tracer)
        }
        let completion = try await client.chatCompletionStream(ChatCompletionRequest(messages: [.text("Hi")], model: "m")).collect()
        #expect(completion.text.count == 2000)
        let span = try #require(tracer.finishedSpans.first { $0.operationName.hasPrefix("chat") })
        #expect(span.attributes.get(GenAIAttribute.responseFinishReasons)?.toSpanAttribute() == .stringArray(["stop"]))
        guard case .string(let id)? = span.attributes.get(GenAIAttribute.responseID)?.toSpanAttribute() else {
            Issue.record("no response id on the span")
            return
        }
        #expect(id.utf8.count == TelemetryCallObserver.maxAttributeBytes)
        try await client.shutdown()
    }

    @Test("progress is text, reasoning, arguments, a new call, the first finish reason or usage; nothing else")
    func progress() {
        var progress = StreamProgress()
        func advances(_ chunk: Chunk) -> Bool { progress.advances(with: chunk) }
        let usage = ChatCompletion.Usage(promptTokens: 1, completionTokens: 1, totalTokens: 2)
        let idle: [Chunk] = [
            Chunk(choices: []),
            Self.chunk([Self.choice(.init())]),
            Self.chunk([Self.choice(.init(role: "assistant"))]),
            Self.chunk([Self.choice(.init(role: "assistant", content: ""))]),
            Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0)]))]),
        ]
        #expect(idle.map(advances) == [false, false, false, false, false])
        let steps: [(Chunk, Bool)] = [
            (Self.chunk([Self.choice(.init(content: "a"))]), true),
            (Self.chunk([Self.choice(.init(reasoning: "r"))]), true),
            (Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, id: "call_1")]))]), true),
            (Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, id: "call_1")]))]), false),  // the same id again
            (Self.chunk([Self.choice(.init(toolCalls: [.init(index: 0, arguments: "{")]))]), true),
            (Self.chunk([Self.choice(.init(), finish: "stop")]), true),
            (Self.chunk([Self.choice(.init(), finish: "stop")]), false),  // a finish reason again
            (Chunk(choices: [], usage: usage), true),
            (Chunk(choices: [], usage: usage), false),  // usage again
        ]
        #expect(steps.map { advances($0.0) } == steps.map(\.1))
    }

    @Test(
        "reasoning is read from reasoning_content, else reasoning, the same on the fast path and through JSONDecoder",
        arguments: [
            (#""reasoning_content":"a","reasoning":"b""#, "a"), (#""reasoning":"b""#, "b"),
            (#""reasoning_content":null,"reasoning":"b""#, "b"),
            (#""reasoning_content":3,"reasoning":"b""#, "b"), (#""reasoning":null"#, nil),
        ] as [(String, String?)]
    )
    func reasoningFields(members: String, expected: String?) throws {
        let chunk = #"{"choices":[{"index":0,"delta":{"content":"x",\#(members)}}]}"#
        var decoder = ChatCompletionChunkDecoder()
        let fast = try Array(chunk.utf8).withUnsafeBytes { try decoder.decode($0) }
        let slow = try JSONDecoder().decode(Chunk.self, from: Data(chunk.utf8))
        #expect(fast.choices.first?.delta.reasoning == expected && slow.choices.first?.delta.reasoning == expected)
        let completion = #"{"choices":[{"index":0,"message":{"content":"x",\#(members)}}]}"#
        let whole = try JSONDecoder().decode(ChatCompletion.self, from: Data(completion.utf8))
        let fastWhole = Array(completion.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) }
        #expect(whole.choices.first?.message.reasoning == expected)
        #expect(fastWhole == nil || fastWhole == whole)
    }
}
