import AIYou
import AIYouMCP
import ArgumentParser
import Foundation

/// The MCP servers of `aiyou chat --mcp` and `aiyou mcp tools`: their URLs, tokens and tool
/// filters. `embedded` names the embedded server's MCP endpoint (with `--mock`).
struct MCPOptions: ParsableArguments {
    @Option(
        name: .customLong("mcp"),
        help: ArgumentHelp(
            "An MCP server's Streamable HTTP URL (repeatable); `embedded` is the embedded server's, with --mock.",
            valueName: "url"
        )
    )
    var servers: [String] = []

    @Option(
        name: .customLong("mcp-token"),
        help: ArgumentHelp(
            "The bearer token of the MCP servers: once for all, or once per --mcp in order (or set AIYOU_MCP_TOKEN).",
            valueName: "token"
        )
    )
    var tokens: [String] = []

    @Option(
        name: .customLong("mcp-allow"),
        help: ArgumentHelp("Offer only this MCP tool (repeatable; `tool` or `server/tool`).", valueName: "tool")
    )
    var allowed: [String] = []

    @Option(
        name: .customLong("mcp-deny"),
        help: ArgumentHelp("Never offer this MCP tool (repeatable; `tool` or `server/tool`).", valueName: "tool")
    )
    var denied: [String] = []

    @Option(name: .customLong("mcp-timeout"), help: ArgumentHelp("Seconds one MCP tool call may take (default 60).", valueName: "seconds"))
    var callTimeout: Double = 60

    func validate() throws {
        guard tokens.count <= 1 || tokens.count == servers.count else {
            throw ValidationError("give --mcp-token once (for every --mcp) or once per --mcp")
        }
        guard callTimeout > 0, callTimeout <= 86_400 else { throw ValidationError("--mcp-timeout must be within (0, 86400] seconds") }
    }

    /// What these flags select.
    var selection: MCPServerSelection {
        MCPServerSelection(servers: servers, tokens: tokens, allowed: allowed, denied: denied, callTimeout: callTimeout)
    }
}

/// MCP servers to connect to and the tools to offer, as the flags give them.
struct MCPServerSelection {
    var servers: [String]
    var tokens: [String]
    var allowed: [String] = []
    var denied: [String] = []
    var callTimeout: Double = 60

    /// The servers, named by their host (or `embedded`, or `mcp2`… when hosts repeat).
    func mcpServers(embeddedBaseURL: String?) throws -> [MCPServer] {
        let environmentToken = ProcessInfo.processInfo.environment["AIYOU_MCP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var names: Set<String> = []
        return try servers.enumerated().map { index, url in
            var resolved = url
            var name = MCPServer.http(url).name
            if url == "embedded" {
                guard let embeddedBaseURL else { throw ValidationError("--mcp embedded needs --mock") }
                resolved = embeddedBaseURL + "/mcp"
                name = "embedded"
            }
            if !names.insert(name).inserted {
                name += "\(index + 1)"
                names.insert(name)
            }
            let token = tokens.count == 1 ? tokens[0] : (tokens.isEmpty ? environmentToken : tokens[index])
            return MCPServer.http(resolved, name: name, bearerToken: token)
        }
    }

    /// The toolbox options of these flags.
    func toolboxOptions() -> MCPToolboxOptions {
        var options = MCPToolboxOptions()
        options.allowedTools = allowed.isEmpty ? nil : Set(allowed)
        options.deniedTools = Set(denied)
        options.callTimeout = .milliseconds(Int64(callTimeout * 1000))
        return options
    }

    /// Runs `body` with a connected toolbox, closed afterwards.
    func withToolbox<T>(embeddedBaseURL: String?, _ body: (MCPToolbox) async throws -> T) async throws -> T {
        try await withMCPToolbox(servers: try mcpServers(embeddedBaseURL: embeddedBaseURL), options: toolboxOptions(), body)
    }
}
