import AIYou
import AIYouMCP
import AIYouMockServer
import Benchmark

/// One MCP tool call over loopback (the embedded server's `huge` tool, event-stream answers),
/// whole, through `MCPToolbox.call`: the POST, the bounded SSE read, the MCP SDK's decoding and
/// the result's text. Two sizes ten times apart: the cost per call must grow about tenfold, not a
/// hundredfold.
func mcpBenchmarks(configuration: Benchmark.Configuration) {
    for bytes in [100_000, 1_000_000] {
        let environment = MCPEnvironment(resultBytes: bytes)
        var measured = configuration
        measured.setup = { try await environment.start() }
        measured.teardown = { await environment.stop() }
        Benchmark("MCP tool call, \(bytes / 1000) KB result (MCPToolbox.call over loopback)", configuration: measured) { benchmark in
            for _ in benchmark.scaledIterations {
                let text = try await environment.toolbox().call("huge")
                precondition(text.utf8.count == bytes, "the result has \(text.utf8.count) bytes")
                blackHole(text)
            }
        }
    }
}

/// An embedded server whose `huge` tool answers `resultBytes`, and a toolbox connected to it.
final class MCPEnvironment: @unchecked Sendable {
    // @unchecked: written only in setup and teardown, which the benchmark runner calls before and
    // after the measured iterations, never concurrently with them.
    private var server: MockAIYouServer?
    private var connected: MCPToolbox?
    private let resultBytes: Int

    init(resultBytes: Int) { self.resultBytes = resultBytes }

    func toolbox() -> MCPToolbox { connected! }

    func start() async throws {
        var configuration = MockServerConfiguration()
        configuration.mcp.hugeToolBytes = resultBytes
        let server = MockAIYouServer(configuration: configuration)
        try await server.start()
        self.server = server
        var options = MCPToolboxOptions()
        options.allowedTools = ["huge"]
        options.maxResultBytes = 2_000_000
        options.listensForToolChanges = false
        let toolbox = MCPToolbox(servers: [.http(server.mcpURL, name: "bench")], options: options)
        try await toolbox.connect()
        connected = toolbox
    }

    func stop() async {
        await connected?.close()
        try? await server?.shutdown()
        connected = nil
        server = nil
    }
}
