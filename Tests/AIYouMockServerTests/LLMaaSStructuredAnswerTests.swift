import AIYouMockServer
import Foundation
import Testing

@Suite("LLMaaS chat: JSON answers, flawed answers, proxy error bodies")
struct LLMaaSStructuredAnswerTests {
    static var schema: [String: Any] {
        [
            "type": "object",
            "properties": [
                "city": ["type": "string"],
                "high": ["type": "number", "minimum": 10],
                "days": ["type": "integer", "minimum": 3, "maximum": 7],
                "tags": ["type": "array", "items": ["type": "string", "maxLength": 6], "minItems": 2],
                "unit": ["type": "string", "enum": ["celsius", "fahrenheit"]],
                "day": ["type": "string", "format": "date"],
                "note": ["type": ["string", "null"]],
                "windy": ["type": "boolean"],
            ],
            "required": ["city", "high", "days", "tags", "unit", "day", "windy"],
            "additionalProperties": false,
        ]
    }

    /// The answer the schema gets: its required properties, keys sorted.
    static let expected =
        #"{"city":"sample city","day":"2026-01-15","days":3,"high":10.0,"tags":["sample","sample"],"unit":"celsius","windy":true}"#

    static func jsonSchemaFormat(_ schema: [String: Any] = schema) -> [String: Any] {
        ["response_format": ["type": "json_schema", "json_schema": ["name": "Forecast", "schema": schema, "strict": true]]]
    }

    @Test("response_format json_schema: a value of the schema, whole and streamed alike")
    func jsonSchema() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let whole = try await LLMaaSChatTests.answer(http, LLMaaS.chat("Météo à Lyon ?", Self.jsonSchemaFormat()))
            let content = try #require(whole.content)
            let value = try LLMaaS.object(content)
            #expect(value["high"] as? Double == 10 && value["days"] as? Int == 3 && value["windy"] as? Bool == true)
            #expect(value["note"] == nil, "only the required properties")
            #expect(content == Self.expected)
            let streamed = try await http.send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.chat("Météo à Lyon ?", stream: true, Self.jsonSchemaFormat())
            )
            #expect(try AssembledAnswer(stream: streamed.text) == whole)
        }
    }

    @Test("json_object answers {\"answer\": text}; a JSON Schema instruction in a system message is followed")
    func jsonObjectAndInstruction() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let object = try await LLMaaSChatTests.answer(http, LLMaaS.chat("Bonjour", ["response_format": ["type": "json_object"]]))
            #expect(object.content == #"{"answer":"Bonjour ! Vous avez dit : Bonjour"}"#)
            let text = try await LLMaaSChatTests.answer(http, LLMaaS.chat("Bonjour", ["response_format": ["type": "text"]]))
            #expect(text.content == "Bonjour ! Vous avez dit : Bonjour")

            let instruction =
                "Answer with JSON only. It must match this JSON Schema:\n"
                + LLMaaS.json(["type": "object", "properties": ["ok": ["type": "boolean"]]])
            let body = LLMaaS.json([
                "model": "gpt-oss:120b",
                "messages": [["role": "system", "content": instruction], ["role": "user", "content": "Ça va ?"]],
            ])
            #expect(try await LLMaaSChatTests.answer(http, body).content == #"{"ok":true}"#)
        }
    }

    @Test(
        "a malformed response_format is refused with 400, param response_format",
        arguments: [
            #"{"type":"xml"}"#,
            #"{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}"#,
            #"{"type":"json_schema","json_schema":{"name":"x","schema":"object"}}"#,
        ]
    )
    func malformed(formatText: String) async throws {
        let format = try LLMaaS.object(formatText)
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(
                .POST,
                LLMaaS.chatPath,
                json: LLMaaS.chat("Bonjour", ["response_format": format])
            )
            #expect(response.status == 400)
            #expect(try LLMaaS.error(response)["param"] as? String == "response_format")
        }
    }

    @Test("flawedAnswer spoils one JSON answer as queued, streamed or whole; the next is right")
    func flawed() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = LLMaaS.chat("Météo ?", Self.jsonSchemaFormat())
            let right = try await LLMaaSChatTests.answer(http, body)
            let rightText = try #require(right.content)
            server.enqueueFaults(
                [.flawedAnswer(.notJSON), .flawedAnswer(.wrongShape), .flawedAnswer(.fenced)],
                for: .llmaasChatCompletions
            )
            #expect(try await LLMaaSChatTests.answer(http, body).content == "Bien sûr ! Voici ce que vous avez demandé.")
            let wrong = try LLMaaS.object(try #require(try await LLMaaSChatTests.answer(http, body).content))
            #expect(wrong["city"] as? Int == 42 && wrong["days"] as? String == "beaucoup" && wrong["windy"] as? String == "oui")
            #expect(wrong["tags"] is [String: Any])
            #expect(try await LLMaaSChatTests.answer(http, body).content == "Voici le JSON :\n```json\n\(rightText)\n```")

            server.enqueueFaults([.flawedAnswer(.truncated)], for: .llmaasChatCompletions)
            let streamedBody = LLMaaS.chat("Météo ?", stream: true, Self.jsonSchemaFormat())
            let cut = try AssembledAnswer(stream: try await http.send(.POST, LLMaaS.chatPath, json: streamedBody).text)
            #expect(cut.content == String(rightText.prefix(rightText.count / 2)) && cut.finishReason == "length")
            #expect(try await LLMaaSChatTests.answer(http, body) == right)

            // A request that asks for no JSON keeps its answer.
            server.enqueueFaults([.flawedAnswer(.notJSON)], for: .llmaasChatCompletions)
            #expect(try await LLMaaSChatTests.answer(http, LLMaaS.chat("Bonjour")).content == "Bonjour ! Vous avez dit : Bonjour")
            #expect(server.requestCount(.llmaasChatCompletions) == 7)
        }
    }

    @Test("proxyError answers each proxy's body with its status, echoing the token", arguments: MockProxyError.allCases)
    func proxyError(kind: MockProxyError) async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.proxyError(kind)], for: .llmaasChatCompletions)
            let response = try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("Bonjour", model: "no-such-model"))
            let expected: [MockProxyError: Int] = [
                .stringCode: 400, .numericCode: 400, .typeNone: 500, .typeNull: 422, .pythonDict: 400, .traceback: 500,
                .modelNotFound: 404, .modelDoesNotExist: 404, .invalidModel: 400, .litellmInvalidModelName: 400,
            ]
            #expect(response.status == expected[kind])
            let object = try response.object()
            switch kind {
            case .modelNotFound, .modelDoesNotExist, .invalidModel, .litellmInvalidModelName:
                #expect(response.text.contains("no-such-model"))
            case .traceback:
                #expect((object["detail"] as? String)?.contains("Bearer \(MockAccount.demoAPIKey)") == true)
            default:
                #expect(response.text.contains(MockAccount.demoAPIKey))
            }
            if kind == .stringCode { #expect(try LLMaaS.error(response)["code"] as? String == "400") }
            if kind == .numericCode { #expect(try LLMaaS.error(response)["code"] as? Int == 400) }
            if kind == .typeNone { #expect(try LLMaaS.error(response)["type"] as? String == "None") }
            if kind == .typeNull { #expect(try LLMaaS.error(response)["type"] is NSNull) }
            if kind == .modelDoesNotExist { #expect(object["object"] as? String == "error") }
        }
    }
}
