import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("runTools")
struct ToolRunnerTests {
    /// A non-streamed answer calling `calls` (name, arguments).
    static func toolCallAnswer(_ calls: [(String, String)]) -> ScriptedTransport.Step {
        let encoded = calls.enumerated().map { index, call in
            #"{"id":"call_\#(index)","type":"function","function":{"name":"\#(call.0)","arguments":\#(JSONValue.string(call.1).jsonString)}}"#
        }
        return .answer(
            200,
            body:
                #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[\#(encoded.joined(separator: ","))]}}]}"#
        )
    }

    static let finalAnswer = ScriptedTransport.Step.answer(
        200,
        body:
            #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It is sunny."}}]}"#
    )

    struct Query: Decodable { var city: String }
    struct Broken: Error, CustomStringConvertible { var description: String { "the weather station is down" } }

    static let weather = Tool.decoding(
        Query.self,
        name: "get_weather",
        parameters: .object(properties: ["city": .string()], required: ["city"])
    ) {
        "Sunny in \($0.city)"
    }

    static func request(_ choice: ToolChoice? = nil) -> ChatCompletionRequest {
        ChatCompletionRequest(messages: [.text("Weather in Lyon?")], model: "gpt-oss:120b", toolChoice: choice)
    }

    @Test("runs the calls, sends results (and errors) back in call order, and returns the final answer")
    func roundTrip() async throws {
        let transport = ScriptedTransport([
            Self.toolCallAnswer([("get_weather", #"{"city":"Lyon"}"#), ("teleport", "{}"), ("station", "{}"), ("get_weather", "{bad")]),
            Self.finalAnswer,
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let station = Tool(name: "station") { _ in throw Broken() }
        let result = try await client.runTools(Self.request(.required), tools: [Self.weather, station])
        #expect(result.text == "It is sunny." && result.rounds == 2 && result.toolCallCount == 4)
        #expect(transport.sent.count == 2)
        let second = try jsonObject(transport.sent[1].body.jsonBytes)
        #expect(second["tool_choice"] as? String == "auto", "a required choice applies to the first round only")
        #expect(((second["tools"] as? [[String: Any]])?.count) == 2)
        let messages = try #require(second["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool", "tool", "tool", "tool"])
        #expect(messages[2...].map { $0["tool_call_id"] as? String } == ["call_0", "call_1", "call_2", "call_3"])
        let contents = messages[2...].compactMap { $0["content"] as? String }
        #expect(contents[0] == "Sunny in Lyon")
        #expect(contents[1].hasPrefix("error: there is no tool named \"teleport\""))
        #expect(contents[2] == "error: the weather station is down")
        #expect(contents[3].hasPrefix("error: ") && contents[3].contains("get_weather"))
        #expect(result.messages.count == 7 && result.messages.last?.text == "It is sunny.")
        try await client.shutdown()
    }

    @Test("a model that keeps calling tools ends with .limitExceeded after maxRounds completions")
    func maxRounds() async throws {
        let transport = ScriptedTransport(fallback: Self.toolCallAnswer([("get_weather", #"{"city":"Paris"}"#)]))
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let error = await expectAIYouError(.limitExceeded) {
            try await client.runTools(Self.request(), tools: [Self.weather], limits: .init(maxRounds: 3))
        }
        #expect(error?.message.contains("3 rounds") == true)
        #expect(transport.sent.count == 3)
        try await client.shutdown()
    }

    @Test("at most maxConcurrentTools calls run at once, and that many do run together")
    func concurrencyBound() async throws {
        let transport = ScriptedTransport([Self.toolCallAnswer(Array(repeating: ("slow", "{}"), count: 8)), Self.finalAnswer])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let counter = Locked((running: 0, peak: 0))
        // The first three calls wait for each other: the run can only go on if three run at once.
        let allThree = Latch()
        let slow = Tool(name: "slow") { _ in
            let running = counter.withLock {
                $0.running += 1
                $0.peak = max($0.peak, $0.running)
                return $0.running
            }
            if running == 3 { allThree.open() }
            try await allThree.wait(upTo: .seconds(60))
            counter.withLock { $0.running -= 1 }
            return "done"
        }
        let result = try await client.runTools(Self.request(), tools: [slow], limits: .init(maxConcurrentTools: 3))
        #expect(result.toolCallCount == 8)
        #expect(counter.withLock { $0.peak } == 3)
        try await client.shutdown()
    }

    @Test("an answer with more calls than maxToolCallsPerRound is refused before any call runs")
    func tooManyCalls() async throws {
        let transport = ScriptedTransport([Self.toolCallAnswer(Array(repeating: ("get_weather", #"{"city":"Lyon"}"#), count: 129))])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let ran = Locked(0)
        let counting = Tool(name: "get_weather") { _ in
            ran.withLock { $0 += 1 }
            return "ok"
        }
        let error = await expectAIYouError(.limitExceeded) { try await client.runTools(Self.request(), tools: [counting]) }
        #expect(error?.message.contains("maxToolCallsPerRound (128)") == true)
        #expect(ran.withLock { $0 } == 0 && transport.sent.count == 1)
        let fewer = ScriptedTransport([Self.toolCallAnswer(Array(repeating: ("get_weather", "{}"), count: 3))])
        let strict = try AIYouClient.scripted(fewer) { $0.api = .llmaas }
        let refused = await expectAIYouError(.limitExceeded) {
            try await strict.runTools(Self.request(), tools: [counting], limits: .init(maxToolCallsPerRound: 2))
        }
        #expect(refused?.message.contains("maxToolCallsPerRound (2)") == true)
        try await client.shutdown()
        try await strict.shutdown()
    }

    @Test("results are cut by UTF-8 bytes on a character boundary, errors too")
    func resultCut() async throws {
        let transport = ScriptedTransport([Self.toolCallAnswer([("big", "{}"), ("fails", "{}")]), Self.finalAnswer])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        // 3-byte characters: a cut at 10 bytes must keep 3 of them (9 bytes), never half of one.
        let big = Tool(name: "big") { _ in String(repeating: "€", count: 100_000) }
        let fails = Tool(name: "fails") { _ in throw Broken() }
        _ = try await client.runTools(Self.request(), tools: [big, fails], limits: .init(maxResultBytes: 10))
        let messages = try #require(try jsonObject(transport.sent[1].body.jsonBytes)["messages"] as? [[String: Any]])
        let results = messages.filter { $0["role"] as? String == "tool" }.compactMap { $0["content"] as? String }
        #expect(results == ["€€€", "error: the"])
        try await client.shutdown()
    }

    @Test("what the run adds to the conversation is bounded by maxTranscriptBytes")
    func transcriptBound() async throws {
        let transport = ScriptedTransport(fallback: Self.toolCallAnswer([("get_weather", #"{"city":"Lyon"}"#)]))
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let chatty = Tool(name: "get_weather") { _ in String(repeating: "x", count: 1000) }
        let error = await expectAIYouError(.limitExceeded) {
            try await client.runTools(Self.request(), tools: [chatty], limits: .init(maxRounds: 100, maxTranscriptBytes: 2500))
        }
        #expect(error?.message.contains("maxTranscriptBytes (2500 bytes) after 3 rounds") == true)
        #expect(transport.sent.count == 3, "the third round's results were not sent")
        try await client.shutdown()
    }

    @Test("arguments nested 100,000 deep, invalid JSON or for no known tool are answered to the model, never a crash")
    func hostileArguments() async throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let transport = ScriptedTransport([
            Self.toolCallAnswer([("get_weather", deep), ("echo", deep), ("get_weather", "{\"city\":"), ("nope", "{}")]), Self.finalAnswer,
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let echo = Tool(name: "echo") { (value: JSONValue) in value.jsonString }
        let result = try await client.runTools(Self.request(), tools: [Self.weather, echo])
        #expect(result.toolCallCount == 4)
        let messages = try #require(try jsonObject(transport.sent[1].body.jsonBytes)["messages"] as? [[String: Any]])
        let results = messages.filter { $0["role"] as? String == "tool" }.compactMap { $0["content"] as? String }
        #expect(results.count == 4)
        #expect(results[0].contains("nested deeper than 128 levels") && results[1].contains("nested deeper than 128 levels"))
        #expect(results[2].hasPrefix("error: ") && results[3].hasPrefix("error: there is no tool named \"nope\""))
        try await client.shutdown()
    }

    @Test("cancelling the task cancels the running tools and ends the run with .cancelled")
    func cancellation() async throws {
        let transport = ScriptedTransport(fallback: Self.toolCallAnswer([("wait", "{}")]))
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let started = AsyncStream<Void>.makeStream()
        let wait = Tool(name: "wait") { _ in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(3600))
            return "never"
        }
        let run = Task { try await client.runTools(Self.request(), tools: [wait]) }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        run.cancel()
        let error = await expectAIYouError(.cancelled) { try await run.value }
        #expect(error != nil)
        #expect(transport.sent.count == 1)
        try await client.shutdown()
    }

    @Test("bad arguments to runTools are refused before sending")
    func validation() async throws {
        let transport = ScriptedTransport()
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        await expectAIYouError(.invalidRequest) { try await client.runTools(Self.request(), tools: []) }
        await expectAIYouError(.invalidRequest) { try await client.runTools(Self.request(), tools: [Self.weather, Self.weather]) }
        await expectAIYouError(.invalidRequest) {
            try await client.runTools(Self.request(), tools: [Self.weather], limits: .init(maxRounds: 0))
        }
        let zero = await expectAIYouError(.invalidRequest) {
            try await client.runTools(Self.request(), tools: [Self.weather], limits: .init(maxTranscriptBytes: 0))
        }
        #expect(zero?.message.contains("limits.maxTranscriptBytes") == true)
        #expect(transport.sent.isEmpty)
        try await client.shutdown()
    }
}
