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
            try await client.runTools(Self.request(), tools: [Self.weather], maxRounds: 3)
        }
        #expect(error?.message.contains("3 rounds") == true)
        #expect(transport.sent.count == 3)
        try await client.shutdown()
    }

    @Test("at most maxConcurrentTools calls run at once")
    func concurrencyBound() async throws {
        let transport = ScriptedTransport([Self.toolCallAnswer(Array(repeating: ("slow", "{}"), count: 8)), Self.finalAnswer])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let counter = Locked((running: 0, peak: 0))
        let slow = Tool(name: "slow") { _ in
            counter.withLock {
                $0.running += 1
                $0.peak = max($0.peak, $0.running)
            }
            try await Task.sleep(for: .milliseconds(5))
            counter.withLock { $0.running -= 1 }
            return "done"
        }
        let result = try await client.runTools(Self.request(), tools: [slow], maxConcurrentTools: 3)
        #expect(result.toolCallCount == 8)
        #expect(counter.withLock { $0.peak } == 3)
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
        await expectAIYouError(.invalidRequest) { try await client.runTools(Self.request(), tools: [Self.weather], maxRounds: 0) }
        #expect(transport.sent.isEmpty)
        try await client.shutdown()
    }
}
