import AIYouMockServer
import Foundation
import Testing

/// `aiyou chat --mcp` and `aiyou mcp tools`, run as a user would.
@Suite("aiyou with MCP servers")
struct MCPCLITests {
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("aiyou").path), directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("aiyou")
    }

    /// Runs the tool on a thread of its own (its pipes are read to their end, which blocks).
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = executable
                        process.arguments = arguments
                        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AIYOU_") }
                        let out = Pipe()
                        let err = Pipe()
                        process.standardOutput = out
                        process.standardError = err
                        process.standardInput = FileHandle.nullDevice
                        try process.run()
                        let errorData = ErrorBox()
                        let done = DispatchSemaphore(value: 0)
                        Thread.detachNewThread {
                            errorData.data = err.fileHandleForReading.readDataToEndOfFile()
                            done.signal()
                        }
                        let output = out.fileHandleForReading.readDataToEndOfFile()
                        done.wait()
                        process.waitUntilExit()
                        return (
                            process.terminationStatus, String(decoding: output, as: UTF8.self),
                            String(decoding: errorData.data, as: UTF8.self)
                        )
                    }
                )
            }
        }
    }

    final class ErrorBox: @unchecked Sendable {
        // Written by one thread before the semaphore is signalled, read after the wait.
        var data = Data()
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
