import AIYou
import AIYouMockServer
import Foundation
import Testing

@testable import AIYouMCP

@Suite("MCP servers that fail, stall or disconnect", .apartFromMemoryMeasurements)
struct MCPFaultTests {
    @Test("a slow tool is given up at the call's deadline: the model is told, the server told to cancel")
    func slowToolDeadline() async throws {
        try await withMCP(
            mcp: { $0.slowToolDelay = .seconds(60) },
            toolbox: {
                $0.allowedTools = ["slow"]
                $0.callTimeout = .milliseconds(200)
            }
        ) { server, client, toolbox in
            let result = try await client.runTools(question("slow"), toolbox: toolbox)
            let answer = try #require(result.toolResults.first)
            #expect(answer.contains("did not answer within"), "\(answer)")
            #expect(answer.contains("callTimeout"))
            try await waitUntil("the server heard of the cancellation") { server.mcpCancelledRequestIDs.count == 1 }
            try await waitUntil("the server stopped the call") { server.mcpToolCallsInFlight == 0 }
        }
    }

    @Test("cancelling the run cancels the call in flight, on the server too")
    func cancellation() async throws {
        try await withMCP(
            mcp: { $0.slowToolDelay = .seconds(60) },
            toolbox: { $0.allowedTools = ["slow"] }
        ) { server, client, toolbox in
            let run = Task { try await client.runTools(question("slow"), toolbox: toolbox) }
            try await waitUntil("the call reached the server") { server.mcpToolCallsInFlight == 1 }
            run.cancel()
            await #expect(throws: AIYouError.self) { try await run.value }
            do {
                _ = try await run.value
            } catch let error as AIYouError {
                #expect(error.code == .cancelled)
            }
            try await waitUntil("the server heard of the cancellation") { server.mcpCancelledRequestIDs.count == 1 }
            try await waitUntil("the server stopped the call") { server.mcpToolCallsInFlight == 0 }
            // The toolbox goes on working.
            let tools = toolbox.tools.filter { $0.definition.name == "slow" }
            #expect(tools.count == 1)
        }
    }

    @Test("a stream that breaks mid-call is resumed with Last-Event-ID")
    func resumedAfterDisconnect() async throws {
        try await withMCP(
            mcp: {
                $0.answers = .eventStream
                $0.resumable = true
            },
            toolbox: { $0.allowedTools = ["disconnect"] }
        ) { server, client, toolbox in
            let result = try await client.runTools(question("disconnect"), toolbox: toolbox)
            #expect(result.toolResults == ["resumed"])
            #expect(server.mcpRequestCount(method: "tools/call") == 1)
        }
    }

    @Test(
        "a server that disconnects mid-call without resumption: the model is told, nothing hangs",
        arguments: [MockMCPAnswerMode.eventStream, .json]
    )
    func disconnectWithoutResumption(mode: MockMCPAnswerMode) async throws {
        try await withMCP(
            mcp: {
                $0.answers = mode
                $0.resumable = false
            },
            toolbox: { $0.allowedTools = ["disconnect", "get_weather"] }
        ) { _, client, toolbox in
            let result = try await client.runTools(question("disconnect in Bern"), toolbox: toolbox)
            #expect(result.toolResults.count == 2)
            #expect(result.toolResults[0] == "Sunny, 21 °C in Bern")
            #expect(result.toolResults[1].hasPrefix("error: MCP server \"embedded\": "), "\(result.toolResults[1])")
            let again = try await client.runTools(question("weather in Bern"), toolbox: toolbox)
            #expect(again.toolResults.first == "Sunny, 21 °C in Bern")
        }
    }

    @Test("a server that is gone: connect fails with a clear error, quickly")
    func unreachable() async throws {
        let url = try await MockAIYouServer.withRunning { server in server.mcpURL }
        let toolbox = MCPToolbox(servers: [.http(url, name: "gone")])
        do {
            try await toolbox.connect()
            Issue.record("connected to a stopped server")
        } catch let error as MCPConnectionError {
            #expect(error.kind == .unreachable)
            #expect(error.description.hasPrefix("MCP server \"gone\": "))
        }
        await toolbox.close()
    }

    @Test("the server deletes the session at close")
    func sessionDeleted() async throws {
        try await MockAIYouServer.withRunning { server in
            let toolbox = MCPToolbox(servers: [.http(server.mcpURL, name: "embedded")])
            try await toolbox.connect()
            #expect(server.mcpDeletedSessionCount == 0)
            await toolbox.close()
            #expect(server.mcpDeletedSessionCount == 1)
            #expect(server.mcpOpenServerStreams == 0)
        }
    }

    @Test("a session the server forgot is opened anew, and the call goes through")
    func sessionExpired() async throws {
        try await withMCP(toolbox: { $0.allowedTools = ["get_weather"] }) { server, client, toolbox in
            server.dropMCPSessions()
            let result = try await client.runTools(question("weather in Graz"), toolbox: toolbox)
            #expect(result.toolResults == ["Sunny, 21 °C in Graz"])
            #expect(server.mcpRequestCount(method: "initialize") == 2)
            // Many calls meeting a forgotten session at once open one new session, not one each.
            server.dropMCPSessions()
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask { try await toolbox.call("get_weather", arguments: ["city": .string("City\(index)")]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 8)
            #expect(server.mcpRequestCount(method: "initialize") == 3)
        }
    }

    @Test("a wrong bearer token: a typed error that never shows the token")
    func bearer() async throws {
        var configuration = MockServerConfiguration()
        configuration.mcp.bearerToken = "right-token-0123456789"
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let wrong = MCPToolbox(servers: [.http(server.mcpURL, name: "embedded", bearerToken: "wrong-token-secret-42")])
            do {
                try await wrong.connect()
                Issue.record("connected with a wrong token")
            } catch let error as MCPConnectionError {
                #expect(error.kind == .unauthorized)
                #expect(!"\(error)".contains("wrong-token-secret-42"))
                #expect(!String(reflecting: error).contains("wrong-token-secret-42"))
            }
            await wrong.close()
            let right = MCPToolbox(servers: [.http(server.mcpURL, name: "embedded", bearerToken: "right-token-0123456789")])
            try await right.connect()
            #expect(right.listing.count == MCPToolboxTests.mockTools.count)
            #expect(!"\(MCPServer.http(server.mcpURL, bearerToken: "right-token-0123456789"))".contains("right-token"))
            await right.close()
        }
    }

    @Test("bad configuration is refused before anything is sent")
    func invalidConfiguration() async throws {
        let cases: [(MCPServer, MCPToolboxOptions, String)] = [
            (.http("ftp://example.com/mcp"), .init(), "URL"),
            (.http("https://user:pw@example.com/mcp"), .init(), "URL"),
            (.http("http://192.0.2.1/mcp"), .init(), "plain http"),
            (.http("https://example.com/mcp", bearerToken: "a\r\nX-Evil: 1"), .init(), "bearer token"),
            (.http("https://example.com/mcp", headers: ["X-Key": "a\nb"]), .init(), "header"),
            (
                .http("https://example.com/mcp"),
                {
                    var options = MCPToolboxOptions()
                    options.callTimeout = .zero
                    return options
                }(), "callTimeout"
            ),
            (.stdio(name: "none", executable: ""), .init(), "executable"),
        ]
        for (server, options, mention) in cases {
            let toolbox = MCPToolbox(servers: [server], options: options)
            do {
                try await toolbox.connect()
                Issue.record("accepted \(server)")
            } catch let error as MCPConnectionError {
                #expect(error.kind == .invalidConfiguration, "\(server)")
                #expect(error.message.contains(mention), "\(error.message)")
                #expect(!error.message.contains("pw@"))
            }
            await toolbox.close()
        }
        let none = MCPToolbox(servers: [])
        await #expect(throws: MCPConnectionError.self) { try await none.connect() }
        let twice = MCPToolbox(servers: [.http("https://a.example/mcp", name: "x"), .http("https://b.example/mcp", name: "x")])
        await #expect(throws: MCPConnectionError.self) { try await twice.connect() }
    }
}
