import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("structuredAnswer over loopback")
struct StructuredAnswerTests {
    struct Forecast: Decodable, Sendable, Equatable {
        var city: String
        var high: Double
        var days: Int
        var windy: Bool
        var tags: [String]
    }

    static let schema = JSONSchema.object(
        properties: [
            "city": .string(description: "The city"),
            "high": .number(minimum: 10),
            "days": .integer(minimum: 3, maximum: 7),
            "windy": .boolean(),
            "tags": .array(of: .string(), minItems: 2),
            "note": .string(),
        ],
        required: ["city", "high", "days", "windy", "tags"]
    )

    /// What the embedded server answers for ``schema``.
    static let expected = Forecast(city: "sample city", high: 10, days: 3, windy: true, tags: ["sample tags", "sample tags"])

    static let request = ChatCompletionRequest(messages: [.text("Weather in Lyon?")], model: "gpt-oss:120b")

    /// The JSON bodies the server received on the LLMaaS chat route.
    static func bodies(_ server: MockAIYouServer, _ route: MockRoute = .llmaasChatCompletions) throws -> [[String: Any]] {
        try server.recordedRequests(route).map { try jsonObject($0.body) }
    }

    static func messages(_ body: [String: Any]) -> [[String: Any]] {
        body["messages"] as? [[String: Any]] ?? []
    }

    @Test(
        "response_format mode, whole and streamed: the schema goes out as json_schema and the value comes back",
        arguments: [false, true]
    )
    func responseFormat(streamed: Bool) async throws {
        try await withLLMaaS { server, client in
            let answer = try await client.structuredAnswer(
                Self.request,
                as: Forecast.self,
                schema: Self.schema,
                settings: .init(streamed: streamed)
            )
            #expect(answer.value == Self.expected)
            #expect(answer.repairs == 0)
            #expect(answer.usage == answer.completion.usage && answer.usage != nil)
            #expect(answer.completion.choices.first?.finishReason == "stop")
            let bodies = try Self.bodies(server)
            #expect(bodies.count == 1)
            #expect(bodies[0]["stream"] as? Bool == streamed)
            let format = try #require(bodies[0]["response_format"] as? [String: Any])
            #expect(format["type"] as? String == "json_schema")
            let jsonSchema = try #require(format["json_schema"] as? [String: Any])
            #expect(jsonSchema["name"] as? String == "Forecast" && jsonSchema["strict"] as? Bool == true)
            #expect((jsonSchema["schema"] as? [String: Any])?["required"] as? [String] == ["city", "high", "days", "windy", "tags"])
            #expect(Self.messages(bodies[0]).map { $0["role"] as? String } == ["user"], "no instruction in this mode")
        }
    }

    @Test("instruction mode on LLMaaS (per call, or configured): a system message carries the schema, no response_format")
    func instructionOnLLMaaS() async throws {
        for configured in [false, true] {
            try await withLLMaaS(client: { if configured { $0.llmaas.structuredAnswers = .instruction } }) { server, client in
                var request = Self.request
                request.systemPrompt = "Be brief."
                let answer = try await client.structuredAnswer(
                    request,
                    as: Forecast.self,
                    schema: Self.schema,
                    settings: .init(mode: configured ? nil : .instruction, streamed: configured, schemaName: "weather")
                )
                #expect(answer.value == Self.expected)
                let body = try #require(try Self.bodies(server).first)
                #expect(body["response_format"] == nil)
                let system = try #require(Self.messages(body).first)
                #expect(system["role"] as? String == "system")
                let text = try #require(system["content"] as? String)
                #expect(text.hasPrefix("Be brief.\n\nAnswer with one JSON value and nothing else"))
                #expect(text.contains(#"(named "weather")"#) && text.hasSuffix(Self.schema.description))
            }
        }
    }

    @Test("AI.YOU: the instruction goes in promptSystem, whole and streamed; response_format is refused before sending")
    func aiyou() async throws {
        try await withServerAndClient { server, client in
            for streamed in [false, true] {
                let answer = try await client.structuredAnswer(
                    chatRequest("Weather in Lyon?"),
                    as: Forecast.self,
                    schema: Self.schema,
                    settings: .init(streamed: streamed)
                )
                #expect(answer.value == Self.expected)
            }
            let bodies = try Self.bodies(server, .chatCompletions)
            #expect(bodies.count == 2)
            #expect(bodies.allSatisfy { ($0["promptSystem"] as? String)?.contains(#"JSON Schema (named "Forecast")"#) == true })
            #expect(bodies.allSatisfy { $0["response_format"] == nil })
            let error = await expectAIYouError(.unsupported) {
                try await client.structuredAnswer(
                    chatRequest(),
                    as: Forecast.self,
                    schema: Self.schema,
                    settings: .init(mode: .responseFormat)
                )
            }
            #expect(error?.message.contains("instruction") == true)
            #expect(server.requestCount(.chatCompletions) == 2)
        }
    }

    @Test("an answer that does not decode is sent back with the problem, and the repaired one is returned", arguments: [false, true])
    func repairThenSuccess(streamed: Bool) async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.flawedAnswer(.notJSON), .flawedAnswer(.wrongShape)], for: .llmaasChatCompletions)
            let answer = try await client.structuredAnswer(
                Self.request,
                as: Forecast.self,
                schema: Self.schema,
                settings: .init(streamed: streamed)
            )
            #expect(answer.value == Self.expected && answer.repairs == 2)
            let bodies = try Self.bodies(server)
            #expect(bodies.count == 3)
            #expect(answer.usage?.totalTokens ?? 0 > answer.completion.usage?.totalTokens ?? 0, "usage counts every completion")

            let second = Self.messages(bodies[1])
            #expect(second.map { $0["role"] as? String } == ["user", "assistant", "user"])
            #expect(second[1]["content"] as? String == "Bien sûr ! Voici ce que vous avez demandé.")
            let firstRepair = try #require(second[2]["content"] as? String)
            #expect(firstRepair.hasPrefix("Your previous answer could not be used: it is not valid JSON."))
            let third = Self.messages(bodies[2])
            #expect(third.count == 5)
            let secondRepair = try #require(third[4]["content"] as? String)
            #expect(secondRepair.contains("the field "), "names the field: \(secondRepair)")
            #expect(bodies.allSatisfy { $0["response_format"] != nil })
        }
    }

    @Test("a fenced answer decodes without a repair; a truncated one is repaired, the problem naming the cut")
    func fencedAndTruncated() async throws {
        try await withLLMaaS { server, client in
            server.enqueueFaults([.flawedAnswer(.fenced)], for: .llmaasChatCompletions)
            let fenced = try await client.structuredAnswer(Self.request, as: Forecast.self, schema: Self.schema)
            #expect(fenced.value == Self.expected && fenced.repairs == 0)
            #expect(server.requestCount(.llmaasChatCompletions) == 1)

            server.enqueueFaults([.flawedAnswer(.truncated)], for: .llmaasChatCompletions)
            let truncated = try await client.structuredAnswer(Self.request, as: Forecast.self, schema: Self.schema)
            #expect(truncated.value == Self.expected && truncated.repairs == 1)
            let repair = try #require(Self.messages(try Self.bodies(server)[2]).last?["content"] as? String)
            #expect(repair.contains("cut at max_tokens"))
        }
    }

    @Test("repairs exhausted: .decoding naming the type and the last problem, after maxRepairs + 1 requests", arguments: [0, 1, 2])
    func exhausted(maxRepairs: Int) async throws {
        try await withLLMaaS { server, client in
            server.setPersistentFault(.flawedAnswer(.wrongShape), for: .llmaasChatCompletions)
            let error = await expectAIYouError(.decoding) {
                try await client.structuredAnswer(
                    Self.request,
                    as: Forecast.self,
                    schema: Self.schema,
                    settings: .init(maxRepairs: maxRepairs, streamed: maxRepairs == 1)
                )
            }
            let message = try #require(error?.message)
            #expect(message.hasPrefix("structured answer: the model's answer could not be decoded as Forecast"))
            #expect(message.contains(maxRepairs == 0 ? "Forecast: the field" : "after \(maxRepairs) repair"))
            #expect(message.contains("is not "), "the last problem: \(message)")
            #expect(error?.bodyExcerpt?.contains("beaucoup") == true)
            #expect(server.requestCount(.llmaasChatCompletions) == maxRepairs + 1)
        }
    }

    @Test("refused before sending: maxRepairs outside 0…10, a schema name servers refuse")
    func refusedLocally() async throws {
        try await withLLMaaS { server, client in
            for settings in [
                StructuredAnswerSettings(maxRepairs: -1), .init(maxRepairs: 11), .init(schemaName: "a b"), .init(schemaName: ""),
            ] {
                await expectAIYouError(.invalidRequest) {
                    try await client.structuredAnswer(Self.request, as: Forecast.self, schema: Self.schema, settings: settings)
                }
            }
            #expect(server.requestCount(.llmaasChatCompletions) == 0)
        }
    }

    @Test("responseFormat .jsonObject on a request, and decodedAnswer(as:) on a stream assembled with collect()")
    func jsonObjectAndDecodedAnswer() async throws {
        struct Wrapped: Decodable, Equatable { var answer: String }
        try await withLLMaaS { server, client in
            var request = Self.request
            request.responseFormat = .jsonObject
            let completion = try await client.chatCompletionStream(request).collect()
            #expect(try completion.decodedAnswer(as: Wrapped.self) == Wrapped(answer: "Bonjour ! Vous avez dit : Weather in Lyon?"))
            let body = try #require(try Self.bodies(server).first)
            #expect(body["response_format"] as? [String: String] == ["type": "json_object"])
            let error = await expectAIYouError(.decoding) { try completion.decodedAnswer(as: [Int].self) }
            #expect(error?.message == "the answer could not be decoded as Array<Int>: the value is not an array")
        }
        try await withServerAndClient { server, client in
            var request = chatRequest()
            request.responseFormat = .jsonObject
            await expectAIYouError(.unsupported) { try await client.chatCompletion(request) }
            #expect(server.requestCount(.chatCompletions) == 0)
        }
    }

    @Test("the problem sent back and the error are redacted: a key echoed by the model is masked")
    func redactedProblem() async throws {
        let key = "sk-structured-secret-4242"
        let answer = #"{"\#(key)": 1}"#
        let body =
            #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":\#(JSONValue.string(answer).jsonString)}}]}"#
        let transport = ScriptedTransport(fallback: .answer(200, body: body))
        let client = try AIYouClient.scripted(transport) {
            $0.api = .llmaas
            $0.credentials = .apiKey(key)
        }
        let error = await expectAIYouError(.decoding) {
            try await client.structuredAnswer(
                Self.request,
                as: [String: String].self,
                schema: .object(properties: [:], allowsAdditionalProperties: true),
                settings: .init(maxRepairs: 1)
            )
        }
        #expect(transport.sent.count == 2)
        let repair = try #require(Self.messages(try jsonObject(transport.sent[1].body.jsonBytes)).last?["content"] as? String)
        #expect(!repair.contains(key) && repair.contains("[REDACTED]"), "\(repair)")
        let description = try #require(error.map { "\($0) \($0.debugDescription)" })
        #expect(!description.contains(key) && description.contains("[REDACTED]"))
        #expect(error?.message.contains("as Dictionary<String, String> after 1 repair:") == true)
        try await client.shutdown()
    }
}

@Suite("Structured answer decoding")
struct StructuredAnswerDecoderTests {
    struct Point: Decodable, Equatable {
        var x: Int
        var y: Int
    }

    static func decode(_ text: String) -> Result<Point, StructuredAnswerDecoder.Problem> {
        StructuredAnswerDecoder.decode(Point.self, fromText: text)
    }

    @Test("bare JSON, fences (with or without info string, prose around, one line, unclosed) and a leading think block")
    func candidates() throws {
        let texts = [
            #"  {"x":1,"y":2}  "#,
            "```json\n{\"x\":1,\"y\":2}\n```",
            "```\n{\"x\":1,\"y\":2}\n```",
            "Here it is:\n```JSON\n{\"x\":1,\"y\":2}\n```\nAnything else?",
            #"```json{"x":1,"y":2}```"#,
            "```json\n{\"x\":1,\"y\":2}",
            "<think>The user wants a point {x}.</think>\n{\"x\":1,\"y\":2}",
            "<think>hmm</think>```json\n{\"x\":1,\"y\":2}\n```",
        ]
        for text in texts {
            #expect(try Self.decode(text).get() == Point(x: 1, y: 2), "\(text)")
        }
    }

    @Test("problems name the place and the kind of value")
    func problems() {
        func reason(_ text: String) -> String? {
            if case .failure(let problem) = Self.decode(text) { return problem.reason }
            return nil
        }
        #expect(reason("Sure! x is 1.") == "it is not valid JSON")
        #expect(reason("") == "the answer holds no JSON")
        #expect(reason(#"{"x":1}"#) == "the field y is missing")
        #expect(reason(#"{"x":"1","y":2}"#) == "the field x is not an integer")
        #expect(reason(#"{"x":null,"y":2}"#) == "the field x is null where an integer is expected")
        #expect(reason("[1,2]") == "the value is not an object")
        #expect(reason(String(repeating: "[", count: 200)) == "JSON nested deeper than 128 levels")
        struct Days: Decodable { var days: [Point] }
        if case .failure(let problem) = StructuredAnswerDecoder.decode(Days.self, fromText: #"{"days":[{"x":1,"y":2},{"x":1}]}"#) {
            #expect(problem.reason == "the field days[1].y is missing")
        } else {
            Issue.record("decoded")
        }
    }

    @Test("completions without text: no choices, tool calls, a refusal, an empty answer, a cut answer")
    func completions() {
        func reason(_ message: AssistantMessage?, finish: String? = "stop") -> String? {
            let choices = message.map { [ChatCompletion.Choice(index: 0, message: $0, finishReason: finish)] } ?? []
            let completion = ChatCompletion(id: "c", model: "m", created: nil, choices: choices, usage: nil)
            if case .failure(let problem) = StructuredAnswerDecoder.decode(Point.self, from: completion) { return problem.reason }
            return nil
        }
        #expect(reason(nil) == "the answer has no choices")
        let call = ToolCall(id: "1", name: "get_weather", arguments: "{}")
        #expect(
            reason(AssistantMessage(content: "", toolCalls: [call]))
                == "the model called tools (get_weather) instead of answering with JSON"
        )
        #expect(reason(AssistantMessage(content: " ", refusal: "I cannot.")) == "the model refused: I cannot.")
        #expect(reason(AssistantMessage(content: "")) == "the answer is empty")
        #expect(
            reason(AssistantMessage(content: #"{"x":1,"#), finish: "length")
                == "it is not valid JSON (the answer was cut at max_tokens: finish_reason length)"
        )
    }

    @Test("schema names derived from Swift type names")
    func schemaNames() {
        #expect(AIYouClient.schemaName(for: "Forecast") == "Forecast")
        #expect(AIYouClient.schemaName(for: "Page<Item>") == "Page_Item")
        #expect(AIYouClient.schemaName(for: "Dictionary<String, Array<Int>>") == "Dictionary_String_Array_Int")
        #expect(AIYouClient.schemaName(for: "Météo") == "M_t_o")
        #expect(AIYouClient.schemaName(for: "<>") == "answer")
        #expect(AIYouClient.schemaName(for: String(repeating: "A", count: 100)).utf8.count == 64)
    }

    @Test("ResponseFormat JSON: text, json_object, json_schema with name, schema, strict and description")
    func responseFormatJSON() {
        #expect(ResponseFormat.text.jsonValue == ["type": "text"])
        #expect(ResponseFormat.jsonObject.jsonValue == ["type": "json_object"])
        let schema = JSONSchema.object(properties: ["x": .integer()], required: ["x"])
        #expect(
            ResponseFormat.jsonSchema(schema, name: "P", strict: false, description: "a point").jsonValue
                == [
                    "type": "json_schema", "json_schema": ["name": "P", "schema": schema.value, "strict": false, "description": "a point"],
                ]
        )
        #expect(ResponseFormat.jsonSchema(schema, name: "P").description == "json_schema(P)")
        #expect(ResponseFormat.jsonSchema(schema, name: "bad name").problem?.contains("letters, digits") == true)
    }
}
