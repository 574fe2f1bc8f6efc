import AIYou
import AIYouMCP
import ArgumentParser
import Foundation

/// `aiyou mcp …`: Model Context Protocol servers.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Model Context Protocol servers: list the tools they offer.",
        subcommands: [MCPToolsCommand.self]
    )
}

/// `aiyou mcp tools URL…`: the tools of MCP servers, as the model would see them.
struct MCPToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "List the tools of MCP servers (Streamable HTTP), with the names the model sees."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The servers' URLs; `embedded` is the embedded server's MCP endpoint (with --mock).")
    var urls: [String]

    @Option(
        name: .customLong("mcp-token"),
        help: ArgumentHelp("The bearer token: once for all, or once per URL (or set AIYOU_MCP_TOKEN).", valueName: "token")
    )
    var tokens: [String] = []

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give at least one MCP server URL") }
        guard tokens.count <= 1 || tokens.count == urls.count else {
            throw ValidationError("give --mcp-token once (for every URL) or once per URL")
        }
    }

    func run() async throws {
        let options = MCPServerSelection(servers: urls, tokens: tokens)
        let global = root.global
        if global.mock {
            try await global.withClient { client in
                try await list(options, embeddedBaseURL: client.configuration.baseURL, json: global.json)
            }
            return
        }
        do {
            try await list(options, embeddedBaseURL: nil, json: global.json)
        } catch let error as ValidationError {
            throw error
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
    }

    private func list(_ options: MCPServerSelection, embeddedBaseURL: String?, json: Bool) async throws {
        try await options.withToolbox(embeddedBaseURL: embeddedBaseURL) { toolbox in
            let listing = toolbox.listing
            if json {
                try Terminal.printJSON(
                    listing.map { tool -> [String: Any] in
                        var object: [String: Any] = ["name": tool.exposedName, "server": tool.server, "tool": tool.tool]
                        if let description = tool.description { object["description"] = description }
                        return object
                    }
                )
                return
            }
            for tool in listing {
                let original = tool.tool == tool.exposedName ? "" : " (\(tool.server)/\(Self.oneLine(tool.tool, maxCharacters: 80)))"
                Terminal.line("\(tool.exposedName)\(original)" + (tool.description.map { " — \(Self.oneLine($0))" } ?? ""))
            }
            Terminal.note("\(listing.count) tool(s)")
        }
    }
}

extension MCPToolsCommand {
    /// What a server gave (a tool's name, its description) on one line, line breaks and tabs as
    /// spaces and other control characters escaped, cut to `maxCharacters`: a server cannot add
    /// lines to the listing, nor flood it with a name of kilobytes.
    static func oneLine(_ text: String, maxCharacters: Int = .max) -> String {
        let cut = text.count > maxCharacters ? text.prefix(maxCharacters) + "…" : text
        return SafeText.escapingControlCharacters(String(cut), keepingLineBreaks: false)
    }
}

/// `aiyou chat --mcp URL "question"`: the tool loop with the MCP servers' tools, printing each
/// call and its result.
struct MCPChat {
    let model: String?
    let json: Bool
    let options: MCPServerSelection

    func run(_ prompt: String, client: AIYouClient) async throws {
        guard client.configuration.api == .llmaas else {
            throw AIYouError(.unsupported, "chat --mcp: tool calling is offered by LLMaaS; add --api llmaas")
        }
        guard !prompt.isEmpty else { throw AIYouError(.invalidRequest, "chat --mcp: give the question") }
        let embedded = options.servers.contains("embedded") ? client.configuration.baseURL : nil
        try await options.withToolbox(embeddedBaseURL: embedded) { toolbox in
            let request = ChatCompletionRequest(messages: [.text(prompt)], model: model ?? "gpt-oss:120b")
            let result = try await client.runTools(request, toolbox: toolbox)
            try ToolDemo.print(result, json: json, maxResultCharacters: 500)
        }
    }
}
