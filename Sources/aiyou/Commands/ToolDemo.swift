import AIYou
import Foundation

/// `aiyou chat --tool-demo`: a tool loop with a local `get_weather` tool, showing each call the
/// model makes and what the tool answered.
struct ToolDemo {
    let model: String?
    let json: Bool

    struct WeatherQuery: Decodable {
        var city: String
    }

    /// A made-up but stable forecast, so the demo needs no weather service.
    static func forecast(for city: String) -> String {
        let temperature = 12 + city.unicodeScalars.reduce(0) { ($0 + Int($1.value)) % 17 }
        return "\(temperature) °C and clear skies in \(city)"
    }

    func run(_ prompt: String, client: AIYouClient) async throws {
        guard client.configuration.api == .llmaas else {
            throw AIYouError(.unsupported, "chat --tool-demo: tool calling is offered by LLMaaS; add --api llmaas")
        }
        let weather = Tool.decoding(
            WeatherQuery.self,
            name: "get_weather",
            description: "The current weather in a city",
            parameters: .object(properties: ["city": .string(description: "The city, e.g. Lyon")], required: ["city"])
        ) { query in
            Self.forecast(for: query.city)
        }
        let question = prompt.isEmpty ? "What is the weather in Lyon?" : prompt
        let request = ChatCompletionRequest(messages: [.text(question)], model: model ?? "gpt-oss:120b")
        let result = try await client.runTools(request, tools: [weather])
        try Self.print(result, json: json)
    }

    /// Prints a tool run: with `json`, one object (rounds, calls, answer, messages); otherwise
    /// each call and result on stderr (a result cut to `maxResultCharacters` when given), then
    /// the answer on stdout.
    static func print(_ result: ToolRunResult, json: Bool, maxResultCharacters: Int? = nil) throws {
        if json {
            return try Terminal.printJSON([
                "rounds": result.rounds, "toolCalls": result.toolCallCount, "answer": result.text,
                "messages": result.messages.map { ["role": $0.role.rawValue, "text": $0.text, "toolCalls": $0.toolCalls.map(\.name)] },
            ])
        }
        for message in result.messages.dropFirst() {
            for call in message.toolCalls {
                Terminal.note("→ \(call.name)(\(call.arguments))")
            }
            if message.role == .tool {
                Terminal.note("← \(maxResultCharacters.map { message.text.prefix($0) } ?? Substring(message.text))")
            }
        }
        Terminal.line(result.text)
        Terminal.note("\(result.rounds) round(s), \(result.toolCallCount) tool call(s)")
    }
}
