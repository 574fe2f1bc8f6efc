import AIYou
import AIYouMockServer
import Foundation
import Testing

@testable import AIYouMCP

/// A stdio MCP server in a few lines of Python (the test machines have CPython): `echo` answers
/// its `text` argument; `crash` ends the process without answering.
private let stdioServerScript = #"""
    import json, sys
    for line in sys.stdin:
        message = json.loads(line)
        method, ident = message.get("method"), message.get("id")
        if ident is None or method is None:
            continue
        if method == "initialize":
            result = {"protocolVersion": message["params"]["protocolVersion"], "capabilities": {"tools": {}},
                      "serverInfo": {"name": "py", "version": "1"}}
        elif method == "tools/list":
            result = {"tools": [
                {"name": "echo", "description": "Echoes text", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}},
                {"name": "crash", "description": "Exits", "inputSchema": {"type": "object"}}]}
        elif method == "tools/call" and message["params"]["name"] == "crash":
            sys.exit(3)
        elif method == "tools/call":
            result = {"content": [{"type": "text", "text": "echo: " + json.dumps(message["params"].get("arguments", {}), sort_keys=True)}]}
        else:
            result = {}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}) + "\n")
        sys.stdout.flush()
    """#

@Suite("MCP servers on standard input and output", .apartFromMemoryMeasurements)
struct MCPStdioTests {
    static func scriptPath() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-mcp-stdio-\(UUID().uuidString).py")
        try stdioServerScript.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("a child process's tools in the tool loop; a child that dies mid-call is an error to the model, and is started again")
    func stdioServer() async throws {
        let script = try Self.scriptPath()
        defer { try? FileManager.default.removeItem(atPath: script) }
        let toolbox = MCPToolbox(servers: [.stdio(name: "py", executable: "/usr/bin/env", arguments: ["python3", script])])
        try await toolbox.connect()
        #expect(toolbox.listing.map(\.exposedName) == ["echo", "crash"])
        try await MockAIYouServer.withRunning { server in
            let configuration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
            try await withAIYouClient(configuration) { client in
                let echoed = try await client.runTools(question("echo please"), toolbox: toolbox)
                #expect(echoed.toolResults == ["echo: {}"])
                let crashed = try await client.runTools(question("crash now"), toolbox: toolbox)
                let answer = try #require(crashed.toolResults.first)
                #expect(answer.hasPrefix("error: MCP server \"py\": "), "\(answer)")
                let again = try await client.runTools(question("echo again"), toolbox: toolbox)
                #expect(again.toolResults == ["echo: {}"])
            }
        }
        await toolbox.close()
    }

    @Test("an executable that does not exist: a clear error")
    func missingExecutable() async throws {
        let toolbox = MCPToolbox(servers: [.stdio(name: "none", executable: "/nonexistent/mcp-server")])
        do {
            try await toolbox.connect()
            Issue.record("started a missing executable")
        } catch let error as MCPConnectionError {
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("could not be started"))
        }
        await toolbox.close()
    }
}
