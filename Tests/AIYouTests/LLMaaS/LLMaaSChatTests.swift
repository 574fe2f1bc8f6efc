import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("LLMaaS chat over loopback")
struct LLMaaSChatTests {
    static let weather = ToolDefinition.function(
        "get_weather",
        description: "The weather in a city",
        parameters: .object(properties: ["city": .string()], required: ["city"])
    )

    @Test("a text answer, sent to /v1/chat/completions with the API key and the OpenAI body")
    func textAnswer() async throws {
        try await withLLMaaS { server, client in
            let request = ChatCompletionRequest(
                messages: [.text("Bonjour")],
                model: "gpt-oss:120b",
                systemPrompt: "Be brief.",
                maxTokens: 200
            )
            let answer = try await client.chatCompletion(request)
            #expect(!answer.text.isEmpty)
            #expect(answer.choices.first?.finishReason == "stop")
            #expect(answer.usage.map { $0.totalTokens > 0 } == true)
            let recorded = try #require(server.recordedRequests(.llmaasChatCompletions).first)
            #expect(recorded.path == "/v1/chat/completions")
            #expect(recorded.header("authorization") == "Bearer \(MockAccount.demoAPIKey)")
            let body = try jsonObject(recorded.body)
            #expect(body["model"] as? String == "gpt-oss:120b" && body["stream"] as? Bool == false)
            #expect((body["messages"] as? [[String: Any]])?.first?["role"] as? String == "system")
            #expect(server.requestCount(.login) == 0)
        }
    }

    @Test("a request with the get_weather tool gets a call to it, with the city as arguments")
    func toolCall() async throws {
        try await withLLMaaS { _, client in
            let request = ChatCompletionRequest(
                messages: [.text("What is the weather in Lyon?")],
                model: "gpt-oss:120b",
                tools: [Self.weather]
            )
            let answer = try await client.chatCompletion(request)
            let choice = try #require(answer.choices.first)
            #expect(choice.finishReason == "tool_calls")
            let call = try #require(choice.message.toolCalls.first)
            #expect(call.name == "get_weather" && call.type == "function" && !call.id.isEmpty)
            #expect(try call.argumentsJSON() == ["city": "Lyon"])
            let streamed = try await client.chatCompletionStream(request).collect()
            #expect(streamed == answer.withoutUnmodeledFields)
        }
    }

    @Test("streamed and non-streamed answers assemble to the same completion, for many generated requests")
    func differential() async throws {
        var random = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["AIYOU_DIFF_SEED"] ?? "") ?? 0x7001_CA11)
        let cities = ["Lyon", "Paris", "Nantes", "Saint-Étienne", "Zürich", "東京"]
        let extraTools = ["get_time", "lookup_order", "convert"]
        try await withLLMaaS(server: { $0.streamChunkCount = 5 }) { _, client in
            for index in 0..<120 {
                let city = cities[Int.random(in: 0..<cities.count, using: &random)]
                var tools: [ToolDefinition] = []
                if Bool.random(using: &random) { tools.append(Self.weather) }
                for name in extraTools where Int.random(in: 0..<3, using: &random) == 0 { tools.append(.function(name)) }
                let mentioned =
                    tools.isEmpty || Bool.random(using: &random)
                    ? "" : " and \(tools[Int.random(in: 0..<tools.count, using: &random)].name)"
                var messages: [ChatMessage] = [.text("Tell me about the weather in \(city)\(mentioned)?")]
                if Int.random(in: 0..<4, using: &random) == 0 {
                    let call = ToolCall(id: "call_\(index)", name: "get_weather", arguments: #"{"city":"\#(city)"}"#)
                    messages.append(ChatMessage(role: .assistant, content: [], toolCalls: [call]))
                    messages.append(.toolResult("Sunny in \(city)", for: call))
                }
                var toolChoice: ToolChoice?
                if !tools.isEmpty {
                    toolChoice = [nil, .auto, .required, .disabled, .function(tools[0].name)][Int.random(in: 0..<5, using: &random)]
                }
                let request = ChatCompletionRequest(
                    messages: messages,
                    model: Bool.random(using: &random) ? "gpt-oss:120b" : "gpt-oss",
                    maxTokens: Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...6, using: &random) : nil,
                    tools: tools,
                    toolChoice: toolChoice
                )
                let whole = try await client.chatCompletion(request)
                var accumulator = ChatCompletionAccumulator()
                var chunks = 0
                for try await chunk in try await client.chatCompletionStream(request) {
                    try accumulator.add(chunk)
                    chunks += 1
                }
                #expect(
                    accumulator.completion == whole.withoutUnmodeledFields,
                    "case \(index): \(request.messages.map(\.text)) tools \(tools.map(\.name)) choice \(String(describing: toolChoice))"
                )
                #expect(chunks >= 2)
                if !(whole.choices.first?.message.toolCalls.isEmpty ?? true) {
                    #expect(whole.choices.first?.finishReason == "tool_calls")
                }
            }
        }
    }

    @Test("runTools against the embedded server: the weather tool runs and its result reaches the final answer")
    func runTools() async throws {
        struct Query: Decodable { var city: String }
        try await withLLMaaS { server, client in
            let tool = Tool.decoding(Query.self, name: "get_weather") { "Sunny in \($0.city)" }
            let result = try await client.runTools(
                ChatCompletionRequest(messages: [.text("Weather in Nantes?")], model: "gpt-oss:120b"),
                tools: [tool]
            )
            #expect(result.rounds == 2 && result.toolCallCount == 1)
            #expect(result.text.contains("Sunny in Nantes"))
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
        }
    }

    @Test("an unknown model is .notFound naming it, with the service's code")
    func unknownModel() async throws {
        try await withLLMaaS { _, client in
            let request = ChatCompletionRequest(messages: [.text("Hi")], model: "no-such-model")
            let error = await expectAIYouError(.notFound) { try await client.chatCompletion(request) }
            #expect(error?.message.contains("\"no-such-model\"") == true)
            #expect(error?.errorCode == "model_not_found" && error?.status == 404)
            await expectAIYouError(.notFound) { try await client.chatCompletionStream(request) }
        }
    }

    @Test("the same retry rules: a 503 with Retry-After is retried, a 500 on a chat is not (it may have been generated)")
    func retries() async throws {
        try await withLLMaaS { server, client in
            let request = ChatCompletionRequest(messages: [.text("Hi")], model: "gpt-oss:120b")
            server.enqueueFaults([.status(503, headers: ["Retry-After": "0"])], for: .llmaasChatCompletions)
            _ = try await client.chatCompletion(request)
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
            server.enqueueFaults([.status(500)], for: .llmaasChatCompletions)
            let error = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
            #expect(error?.errorType == "server_error")
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
            // A stream dropped after the request went out whole is not sent again: it may be billed.
            server.enqueueFaults([.dropStreamAfter(events: 2)], for: .llmaasChatCompletions)
            await expectAIYouError(.network) { try await client.chatCompletionStream(request).collect() }
            #expect(server.requestCount(.llmaasChatCompletions) == 4)
        }
    }

    @Test("no requests remaining until a Unix-time reset holds the next call back until then")
    func rateLimitReset() async throws {
        let time = ManualTime()
        let reset = Int(Date().timeIntervalSince1970) + 5
        let answer =
            #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}]}"#
        let transport = ScriptedTransport([
            .answer(200, headers: [("X-RateLimit-Remaining-Requests", "0"), ("X-RateLimit-Reset-Requests", "\(reset)")], body: answer),
            .answer(200, body: answer),
        ])
        let client = try AIYouClient.scripted(transport, time: time) { $0.api = .llmaas }
        let request = ChatCompletionRequest(messages: [.text("Hi")], model: "m")
        _ = try await client.chatCompletion(request)
        _ = try await client.chatCompletion(request)
        let waited = time.sleeps.reduce(Duration.zero, +)
        #expect(waited >= .seconds(3) && waited <= .seconds(6), "waited \(waited)")
        try await client.shutdown()
    }

    @Test("the API key never appears in errors or logs")
    func redaction() async throws {
        let capture = LogCapture()
        try await withLLMaaS(client: { $0.logger = capture.logger }) { server, client in
            server.enqueueFaults(
                [
                    .status(
                        400,
                        body:
                            #"{"error":{"message":"bad key \#(MockAccount.demoAPIKey)","type":"invalid_request_error","param":"\#(MockAccount.demoAPIKey)","code":"x"}}"#
                    )
                ],
                for: .llmaasChatCompletions
            )
            let error = await expectAIYouError(.apiError) {
                try await client.chatCompletion(ChatCompletionRequest(messages: [.text("Hi")], model: "gpt-oss:120b"))
            }
            let texts = [error?.description, error?.debugDescription, error?.errorParameter, capture.text].compactMap { $0 }
            #expect(texts.allSatisfy { !$0.contains(MockAccount.demoAPIKey) })
        }
    }
}
