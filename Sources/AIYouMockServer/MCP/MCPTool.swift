/// A tool of the embedded MCP server: how `tools/list` shows it and what calling it does.
struct MCPTool: Sendable {
    /// What a call of the tool does.
    enum Behaviour: Sendable, Equatable {
        /// `get_weather`: `Sunny, 21 °C in <city>`.
        case weather
        /// `calculate`: the four operations on two numbers.
        case calculate
        /// `fail`: an error result.
        case fail
        /// `slow`: `done` after ``MockMCPConfiguration/slowToolDelay``, unless cancelled first.
        case slow
        /// `huge`: one text of ``MockMCPConfiguration/hugeToolBytes`` bytes.
        case huge
        /// `two_parts`: two texts and an image.
        case twoParts
        /// `disconnect`: a notification, then the connection is closed without the answer.
        case disconnect
        /// A tool added by ``MockAIYouServer/addMCPTool(name:description:text:)``: this text.
        case text(String)
    }

    /// The tool's name.
    let name: String
    /// The tool's description.
    let description: String
    /// The JSON Schema of its arguments (an object schema).
    let inputSchema: JSONValue
    /// What a call does.
    let behaviour: Behaviour

    /// The tool as `tools/list` shows it: `name`, `description`, `inputSchema`.
    var listing: JSONValue {
        ["name": .string(self.name), "description": .string(self.description), "inputSchema": self.inputSchema]
    }

    /// The schema of a tool without arguments.
    static let noArguments: JSONValue = ["type": "object", "properties": [:]]

    /// The tools every server starts with, in the order `tools/list` gives them.
    static let builtIn: [MCPTool] = [
        MCPTool(
            name: "get_weather",
            description: "Gets the current weather in a city.",
            inputSchema: [
                "type": "object",
                "properties": ["city": ["type": "string", "description": "The city, e.g. Paris."]],
                "required": ["city"],
            ],
            behaviour: .weather
        ),
        MCPTool(
            name: "calculate",
            description: "Adds, subtracts, multiplies or divides two numbers.",
            inputSchema: [
                "type": "object",
                "properties": [
                    "operation": ["type": "string", "enum": ["add", "subtract", "multiply", "divide"]],
                    "a": ["type": "number", "description": "The first operand."],
                    "b": ["type": "number", "description": "The second operand."],
                ],
                "required": ["operation", "a", "b"],
            ],
            behaviour: .calculate
        ),
        MCPTool(name: "fail", description: "Always fails, on purpose.", inputSchema: Self.noArguments, behaviour: .fail),
        MCPTool(
            name: "slow",
            description: "Answers done after a long while, unless cancelled.",
            inputSchema: Self.noArguments,
            behaviour: .slow
        ),
        MCPTool(name: "huge", description: "Answers one very long text.", inputSchema: Self.noArguments, behaviour: .huge),
        MCPTool(
            name: "two_parts",
            description: "Answers two texts and an image.",
            inputSchema: Self.noArguments,
            behaviour: .twoParts
        ),
        MCPTool(
            name: "disconnect",
            description: "Closes the connection before answering; the answer is kept for a resumption.",
            inputSchema: Self.noArguments,
            behaviour: .disconnect
        ),
    ]
}
