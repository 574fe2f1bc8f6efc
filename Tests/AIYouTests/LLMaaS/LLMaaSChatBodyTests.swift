import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("LLMaaS chat bodies")
struct LLMaaSChatBodyTests {
    static func body(_ request: ChatCompletionRequest) throws -> [String: Any] {
        try jsonObject(LLMaaSChatBody(request: request).jsonBuffer.readableBytesView)
    }

    @Test("OpenAI shape: model, system prompt as the first message, text as a string, images as image_url parts")
    func messages() throws {
        let image = ContentPart.image(data: [0x89, 0x50, 0x4E, 0x47], mediaType: "image/png")
        let request = ChatCompletionRequest(
            messages: [
                .text("Describe"),
                ChatMessage(role: .user, content: [.text("this: "), image, .image(url: "https://example.com/cat.jpg")]),
            ],
            model: "qwen3-vl:8b",
            temperature: 0.2,
            topP: 0.9,
            systemPrompt: "Answer briefly.",
            stop: ["END"],
            maxTokens: 300,
            presencePenalty: 0.5,
            frequencyPenalty: -0.5,
            user: "user-42"
        )
        let body = try Self.body(request)
        #expect(body["model"] as? String == "qwen3-vl:8b")
        #expect(body["assistantId"] == nil && body["promptSystem"] == nil)
        #expect(body["temperature"] as? Double == 0.2 && body["top_p"] as? Double == 0.9 && body["max_tokens"] as? Int == 300)
        #expect(body["presence_penalty"] as? Double == 0.5 && body["frequency_penalty"] as? Double == -0.5)
        #expect(body["stop"] as? [String] == ["END"] && body["user"] as? String == "user-42")
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.count == 3)
        #expect(messages[0]["role"] as? String == "system" && messages[0]["content"] as? String == "Answer briefly.")
        #expect(messages[1]["content"] as? String == "Describe")
        let parts = try #require(messages[2]["content"] as? [[String: Any]])
        #expect(parts[0]["type"] as? String == "text" && parts[0]["text"] as? String == "this: ")
        #expect(parts[1]["type"] as? String == "image_url")
        #expect((parts[1]["image_url"] as? [String: Any])?["url"] as? String == "data:image/png;base64,iVBORw==")
        #expect((parts[2]["image_url"] as? [String: Any])?["url"] as? String == "https://example.com/cat.jpg")
    }

    @Test("tools, every tool choice, an assistant turn with tool calls (content null) and a tool result")
    func tools() throws {
        let schema = JSONSchema.object(
            properties: [
                "city": .string(description: "A city"), "unit": .string(oneOf: ["c", "f"]), "days": .integer(minimum: 1, maximum: 7),
                "ratio": .number(minimum: 0.5), "metric": .boolean(), "tags": .array(of: .string(), maxItems: 3),
            ],
            required: ["city"]
        )
        let call = ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Lyon"}"#)
        var request = ChatCompletionRequest(
            messages: [.text("Weather?"), ChatMessage(role: .assistant, content: [], toolCalls: [call]), .toolResult("21 °C", for: call)],
            model: "gpt-oss:120b",
            tools: [.function("get_weather", description: "Weather", parameters: schema), .function("noop")]
        )
        let expectedChoices: [(ToolChoice?, Any?)] = [
            (nil, nil), (.auto, "auto"), (.disabled, "none"), (.required, "required"),
            (.function("noop"), ["type": "function", "function": ["name": "noop"]]),
        ]
        for (choice, expected) in expectedChoices {
            request.toolChoice = choice
            let body = try Self.body(request)
            switch expected {
            case nil: #expect(body["tool_choice"] == nil)
            case let text as String: #expect(body["tool_choice"] as? String == text)
            default: #expect((body["tool_choice"] as? NSDictionary) == (expected as? NSDictionary))
            }
        }
        let body = try Self.body(request)
        let tools = try #require(body["tools"] as? [[String: Any]])
        #expect(tools.count == 2 && tools[0]["type"] as? String == "function")
        let function = try #require(tools[0]["function"] as? [String: Any])
        #expect(function["name"] as? String == "get_weather" && function["description"] as? String == "Weather")
        let parameters = try #require(function["parameters"] as? NSDictionary)
        let expectedSchema = try JSONSerialization.jsonObject(with: Data(schema.value.jsonString.utf8)) as? NSDictionary
        #expect(parameters == expectedSchema)
        #expect((parameters["required"] as? [String]) == ["city"] && parameters["additionalProperties"] as? Bool == false)
        #expect((tools[1]["function"] as? [String: Any])?["parameters"] == nil)
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages[1]["content"] is NSNull)
        let calls = try #require(messages[1]["tool_calls"] as? [[String: Any]])
        #expect(calls[0]["id"] as? String == "call_1")
        #expect((calls[0]["function"] as? [String: Any])?["arguments"] as? String == #"{"city":"Lyon"}"#)
        #expect(messages[2]["role"] as? String == "tool" && messages[2]["tool_call_id"] as? String == "call_1")
        #expect(messages[2]["content"] as? String == "21 °C")
    }

    @Test("JSONValue: literals, accessors, sorted compact text, parsing, Codable round trip")
    func jsonValue() throws {
        let value: JSONValue = ["b": [1, 2.5, "x", true, nil], "a": ["nested": "é\n\"q\""], "big": .int(Int.max)]
        #expect(value.jsonString == #"{"a":{"nested":"é\n\"q\""},"b":[1,2.5,"x",true,null],"big":9223372036854775807}"#)
        #expect(try JSONValue(parsing: value.jsonString) == value)
        #expect(value["b"]?.arrayValue?[1].doubleValue == 2.5 && value["b"]?.arrayValue?[0].intValue == 1)
        #expect(value["a"]?["nested"]?.stringValue == "é\n\"q\"" && value["missing"] == nil)
        #expect(JSONValue.double(.nan).jsonString == "null" && JSONValue.double(3).intValue == 3 && JSONValue.double(1e300).intValue == nil)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(decoded == value)
        #expect(throws: AIYouError.self) { try JSONValue(parsing: "{nope") }
    }

    @Test("tool arguments decode to a type or a JSONValue; invalid arguments are a .decoding error naming the tool")
    func toolArguments() throws {
        struct Query: Decodable, Equatable { var city: String }
        let call = ToolCall(id: "c", name: "get_weather", arguments: #"{"city":"Lyon"}"#)
        #expect(try call.decodeArguments(as: Query.self) == Query(city: "Lyon"))
        #expect(try call.argumentsJSON() == ["city": "Lyon"])
        #expect(try ToolCall(id: "c", name: "f", arguments: "").argumentsJSON() == [:])
        do {
            _ = try ToolCall(id: "c", name: "get_weather", arguments: "{\"city\":").decodeArguments(as: Query.self)
            Issue.record("invalid arguments decoded")
        } catch {
            #expect(error.code == .decoding && error.message.contains("get_weather"))
        }
    }

    @Test("image data URIs from bytes and files; unsupported, missing and empty files are refused")
    func imageFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("dot.PNG").path
        _ = FileManager.default.createFile(atPath: png, contents: Data([1, 2, 3]))
        #expect(try ContentPart.image(fileAt: png) == .image(url: "data:image/png;base64,AQID"))
        let empty = folder.appendingPathComponent("empty.jpg").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        for (path, text) in [
            (empty, "empty"), (folder.appendingPathComponent("none.webp").path, "does not exist"), ("/tmp/x.bmp", "not a supported"),
        ] {
            do {
                _ = try ContentPart.image(fileAt: path)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.code == .invalidRequest && error.message.contains(text), "\(error)")
            }
        }
        let built = ChatMessage.builder().text("Look").image(data: [255], mediaType: "image/jpeg").build()
        #expect(built.content[1].text == "data:image/jpeg;base64,/w==")
    }
}
