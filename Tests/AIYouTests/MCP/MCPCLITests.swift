import AIYouMockServer
import Foundation
import Testing

/// `aiyou chat --mcp` and `aiyou mcp tools`, run as a user would.
@Suite("aiyou with MCP servers", .apartFromMemoryMeasurements)
struct MCPCLITests {
    static func run(_ arguments: [String]) async throws -> CLITests.Run {
        try await CLITests.run(arguments)
    }

    @Test("aiyou --mock --api llmaas chat --mcp embedded: the tool loop with the embedded MCP server's tools")
    func chatWithMCP() async throws {
        let run = try await Self.run([
            "--mock", "--api", "llmaas", "chat", "--model", "gpt-oss:120b", "--mcp", "embedded", "--mcp-allow", "get_weather",
            "What is the weather in Lyon?",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Results: Sunny, 21 °C in Lyon\n")
        #expect(run.stderr.contains("→ get_weather({\"city\":\"Lyon\"})"))
        #expect(run.stderr.contains("← Sunny, 21 °C in Lyon"))
    }

    @Test("aiyou mcp tools lists the names the model sees")
    func listTools() async throws {
        try await MockAIYouServer.withRunning { server in
            let run = try await Self.run(["mcp", "tools", server.mcpURL])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(
                run.stdout.split(separator: "\n").map { String($0.prefix { $0 != " " }) }.sorted() == MCPToolboxTests.mockTools.sorted()
            )
            let json = try await Self.run(["--json", "mcp", "tools", server.mcpURL])
            let tools = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            #expect(tools?.count == MCPToolboxTests.mockTools.count)
        }
    }

    @Test("a wrong token: one clear line, status 1, the token never printed")
    func wrongToken() async throws {
        var configuration = MockServerConfiguration()
        configuration.mcp.bearerToken = "the-right-one"
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let run = try await Self.run(["mcp", "tools", server.mcpURL, "--mcp-token", "not-the-right-one-secret"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("refused the credentials"))
            #expect(!run.stderr.contains("not-the-right-one-secret"))
            #expect(!run.stdout.contains("not-the-right-one-secret"))
        }
    }
}
