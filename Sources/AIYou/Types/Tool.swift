/// A tool the client runs for the model in ``AIYouClient/runTools(_:tools:limits:options:)``:
/// its definition (sent to the model) and the Swift code that answers a call.
///
/// ```swift
/// struct WeatherQuery: Decodable { var city: String }
/// let weather = Tool.decoding(
///     WeatherQuery.self,
///     name: "get_weather",
///     description: "Current weather in a city",
///     parameters: .object(properties: ["city": .string()], required: ["city"])
/// ) { query in
///     "Sunny, 21 °C in \(query.city)"
/// }
/// ```
public struct Tool: Sendable {
    /// What the model sees.
    public var definition: ToolDefinition
    /// Answers one call; its text goes back to the model as the call's result.
    let run: @Sendable (ToolCall) async throws -> String

    /// A tool answering each ``ToolCall`` with `run`.
    public init(_ definition: ToolDefinition, run: @escaping @Sendable (ToolCall) async throws -> String) {
        self.definition = definition
        self.run = run
    }

    /// A tool whose `run` receives the call's arguments as a ``JSONValue``.
    public init(
        name: String,
        description: String? = nil,
        parameters: JSONSchema? = nil,
        run: @escaping @Sendable (JSONValue) async throws -> String
    ) {
        self.init(ToolDefinition(name: name, description: description, parameters: parameters)) { call in
            try await run(try call.argumentsJSON())
        }
    }

    /// A tool whose `run` receives the call's arguments decoded as `Arguments`. Arguments that do
    /// not decode are answered to the model with the decoding error, so it can correct itself.
    public static func decoding<Arguments: Decodable & SendableMetatype>(
        _ type: Arguments.Type,
        name: String,
        description: String? = nil,
        parameters: JSONSchema? = nil,
        run: @escaping @Sendable (Arguments) async throws -> String
    ) -> Tool {
        Tool(ToolDefinition(name: name, description: description, parameters: parameters)) { call in
            try await run(try call.decodeArguments(as: Arguments.self))
        }
    }
}

/// What ``AIYouClient/runTools(_:tools:limits:options:)`` ends with.
public struct ToolRunResult: Sendable {
    /// The model's final answer (the first one without tool calls).
    public var completion: ChatCompletion
    /// The whole conversation: the request's messages, each assistant turn with its tool calls,
    /// each tool result, and the final answer. Send it (plus a new question) to continue.
    public var messages: [ChatMessage]
    /// How many chat completions were requested.
    public var rounds: Int
    /// How many tool calls were answered.
    public var toolCallCount: Int

    /// The final answer's text.
    public var text: String { completion.text }
}
