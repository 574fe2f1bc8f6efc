import AIYou
import AIYouMockServer
import Foundation
import Testing

@testable import AIYouMCP

/// Runs `body` with a started embedded server (its MCP endpoint shaped by `mcp`), an LLMaaS
/// client for it, and a connected toolbox of that endpoint (named `embedded`), closed afterwards.
func withMCP<T: Sendable>(
    mcp configure: (inout MockMCPConfiguration) -> Void = { _ in },
    toolbox adjust: (inout MCPToolboxOptions) -> Void = { _ in },
    token: String? = nil,
    _ body: (MockAIYouServer, AIYouClient, MCPToolbox) async throws -> T
) async throws -> T {
    var configuration = MockServerConfiguration()
    configure(&configuration.mcp)
    return try await MockAIYouServer.withRunning(configuration: configuration) { server in
        var options = MCPToolboxOptions()
        adjust(&options)
        let clientConfiguration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
        return try await withMCPToolbox(servers: [.http(server.mcpURL, name: "embedded", bearerToken: token)], options: options) {
            toolbox in
            try await withAIYouClient(clientConfiguration) { client in try await body(server, client, toolbox) }
        }
    }
}

/// A question to the embedded server's model, which calls the tools named in it (and
/// `get_weather`, with the city after " in ").
func question(_ text: String) -> ChatCompletionRequest {
    ChatCompletionRequest(messages: [.text(text)], model: "gpt-oss:120b")
}

/// Waits until `condition` holds, checking every 5 ms, for at most 10 seconds (a condition that
/// never holds fails the test instead of hanging it).
func waitUntil(_ what: Comment, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("never happened: \(what)")
}

/// The tool results of a run, in order.
extension ToolRunResult {
    var toolResults: [String] { messages.filter { $0.role == .tool }.map(\.text) }
}
