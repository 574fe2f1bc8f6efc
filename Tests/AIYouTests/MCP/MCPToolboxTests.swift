import AIYou
import AIYouMockServer
import Foundation
import InMemoryTracing
import Testing

@testable import AIYouMCP

@Suite("MCP tools in the tool loop", .apartFromMemoryMeasurements)
struct MCPToolboxTests {
    static let mockTools = ["get_weather", "calculate", "fail", "slow", "huge", "two_parts", "disconnect"]

    @Test("listing follows every page, keeps the names and schemas", arguments: [MockMCPAnswerMode.eventStream, .json])
    func listing(mode: MockMCPAnswerMode) async throws {
        try await withMCP(mcp: {
            $0.answers = mode
            $0.pageSize = 2
        }) { server, _, toolbox in
            #expect(Set(toolbox.listing.map(\.exposedName)) == Set(Self.mockTools))
            #expect(toolbox.listing.allSatisfy { $0.server == "embedded" && $0.tool == $0.exposedName })
            #expect(server.mcpRequestCount(method: "tools/list") == 4)
            #expect(server.mcpRequestCount(method: "initialize") == 1)
            let weather = try #require(toolbox.tools.first { $0.definition.name == "get_weather" })
            #expect(weather.definition.description?.isEmpty == false)
            let schema = try #require(weather.definition.parameters?.value.objectValue)
            #expect(schema["type"]?.stringValue == "object")
            #expect(schema["properties"]?.objectValue?["city"] != nil)
        }
    }

    @Test(
        "a full tool loop: the model calls get_weather, the MCP server answers, the model uses it",
        arguments: [MockMCPAnswerMode.eventStream, .json]
    )
    func toolLoop(mode: MockMCPAnswerMode) async throws {
        try await withMCP(mcp: { $0.answers = mode }, toolbox: { $0.allowedTools = ["get_weather"] }) { server, client, toolbox in
            let result = try await client.runTools(question("What is the weather in Lyon?"), toolbox: toolbox)
            #expect(result.toolResults == ["Sunny, 21 °C in Lyon"])
            #expect(result.text == "Results: Sunny, 21 °C in Lyon")
            #expect(result.rounds == 2)
            #expect(server.mcpRequestCount(method: "tools/call") == 1)
        }
    }

    @Test("the toolbox's tools and the caller's own tools run side by side")
    func withLocalTools() async throws {
        try await withMCP(toolbox: { $0.allowedTools = ["embedded/get_weather"] }) { _, client, toolbox in
            let clock = Tool(name: "local_clock", description: "The time") { _ in "noon" }
            let result = try await client.runTools(question("get_weather and local_clock in Nice"), toolbox: toolbox, tools: [clock])
            #expect(result.toolResults == ["Sunny, 21 °C in Nice", "noon"])
        }
    }

    @Test("a tool can be called directly, as the model would call it")
    func directCall() async throws {
        try await withMCP { server, _, toolbox in
            let weather = try await toolbox.call("get_weather", arguments: ["city": "Metz"])
            #expect(weather == "Sunny, 21 °C in Metz")
            let product = try await toolbox.call("calculate", arguments: ["operation": "multiply", "a": 6, "b": 7])
            #expect(product == "42")
            await #expect(throws: MCPToolCallError.self) { try await toolbox.call("fail") }
            await #expect(throws: MCPToolCallError.self) { try await toolbox.call("no_such_tool") }
            await #expect(throws: MCPToolCallError.self) { try await toolbox.call("get_weather", arguments: ["a", "b"]) }
            #expect(server.mcpRequestCount(method: "tools/call") == 3)
        }
    }

    @Test("an isError result reaches the model as an error, and the run goes on")
    func toolError() async throws {
        try await withMCP(toolbox: { $0.allowedTools = ["fail"] }) { server, client, toolbox in
            let result = try await client.runTools(question("please fail"), toolbox: toolbox)
            #expect(result.toolResults == ["error: the tool failed on purpose"])
            #expect(result.text == "Results: error: the tool failed on purpose")
            #expect(server.mcpRequestCount(method: "tools/call") == 1)
        }
    }

    @Test("a JSON-RPC error (invalid arguments) reaches the model, sanitized")
    func serverError() async throws {
        try await withMCP(toolbox: { $0.allowedTools = ["calculate"] }) { _, client, toolbox in
            // The embedded model calls calculate with {}: the server refuses the arguments.
            let result = try await client.runTools(question("calculate this"), toolbox: toolbox)
            let answer = try #require(result.toolResults.first)
            #expect(answer.hasPrefix("error: "))
            #expect(!SafeTextCheck.hasControlCharacters(answer))
        }
    }

    @Test("several contents are joined; an image is named, not inlined")
    func joinedContents() async throws {
        try await withMCP(toolbox: { $0.allowedTools = ["two_parts"] }) { _, client, toolbox in
            let result = try await client.runTools(question("two_parts please"), toolbox: toolbox)
            let answer = try #require(result.toolResults.first)
            #expect(answer.hasPrefix("first part\nsecond part\n[image image/png, "))
        }
    }

    @Test("a huge result is cut to maxResultBytes, on a character boundary, and says so")
    func hugeResultCut() async throws {
        try await withMCP(
            // Sizes kept small: the suite's memory measurements run beside these tests.
            mcp: { $0.hugeToolBytes = 300_000 },
            toolbox: {
                $0.allowedTools = ["huge"]
                $0.maxResultBytes = 4096
            }
        ) { server, client, toolbox in
            let result = try await client.runTools(question("huge"), toolbox: toolbox)
            let answer = try #require(result.toolResults.first)
            #expect(answer.utf8.count <= 4096)
            #expect(answer.hasSuffix("[result cut: 300000 bytes, the first 4096 kept]"))
            #expect(server.mcpRequestCount(method: "tools/call") == 1)
        }
    }

    @Test(
        "a result larger than the event limit is refused unread, and the model is told",
        arguments: [MockMCPAnswerMode.eventStream, .json]
    )
    func resultBeyondTheLimit(mode: MockMCPAnswerMode) async throws {
        try await withMCP(
            mcp: {
                $0.answers = mode
                $0.hugeToolBytes = 400_000
            },
            toolbox: {
                $0.allowedTools = ["huge", "get_weather"]
                $0.limits.maxStreamEventBytes = 100_000
                $0.limits.maxResponseBodyBytes = 100_000
            }
        ) { _, client, toolbox in
            let result = try await client.runTools(question("huge in Oslo"), toolbox: toolbox)
            #expect(result.toolResults.count == 2)
            #expect(result.toolResults[0] == "Sunny, 21 °C in Oslo")
            #expect(result.toolResults[1].contains("larger than 100000 bytes"))
            // The toolbox is still usable.
            let again = try await client.runTools(question("weather in Rome"), toolbox: toolbox)
            #expect(again.toolResults.first == "Sunny, 21 °C in Rome")
        }
    }

    @Test("allow and deny lists decide what the model sees")
    func allowAndDeny() async throws {
        try await withMCP(toolbox: {
            $0.deniedTools = ["huge", "embedded/slow"]
        }) { _, _, toolbox in
            #expect(Set(toolbox.listing.map(\.tool)) == Set(Self.mockTools).subtracting(["huge", "slow"]))
        }
        try await withMCP(toolbox: {
            $0.allowedTools = ["get_weather", "embedded/fail", "other/huge"]
            $0.deniedTools = ["fail"]
        }) { _, _, toolbox in
            #expect(toolbox.listing.map(\.tool) == ["get_weather"])
        }
    }

    @Test("a refused approval never reaches the server; the model is told why")
    func approval() async throws {
        let asked = AsyncStream.makeStream(of: MCPToolCallRequest.self)
        try await withMCP(toolbox: {
            $0.allowedTools = ["get_weather"]
            $0.approval = { request in
                asked.continuation.yield(request)
                return .refuse(reason: "not on Sundays")
            }
        }) { server, client, toolbox in
            let result = try await client.runTools(question("weather in Brest"), toolbox: toolbox)
            #expect(result.toolResults == ["error: the call was refused: not on Sundays"])
            #expect(server.mcpRequestCount(method: "tools/call") == 0)
            asked.continuation.finish()
            var requests: [MCPToolCallRequest] = []
            for await request in asked.stream { requests.append(request) }
            #expect(requests.map(\.tool) == ["get_weather"])
            #expect(requests.first?.arguments == ["city": "Brest"])
            #expect(requests.first?.server == "embedded")
        }
    }

    @Test("two servers offering the same tool: each name is prefixed by its server, and each call reaches its server")
    func clashingNames() async throws {
        try await MockAIYouServer.withRunning { first in
            try await MockAIYouServer.withRunning { second in
                let toolbox = MCPToolbox(
                    servers: [.http(first.mcpURL, name: "alpha"), .http(second.mcpURL, name: "beta.eu")],
                    options: {
                        var options = MCPToolboxOptions()
                        options.allowedTools = ["two_parts", "beta.eu/fail"]
                        return options
                    }()
                )
                try await toolbox.connect()
                #expect(toolbox.listing.map(\.exposedName) == ["alpha_two_parts", "fail", "beta_eu_two_parts"])
                #expect(toolbox.listing.map(\.server) == ["alpha", "beta.eu", "beta.eu"])
                let configuration = Configuration(api: .llmaas, baseURL: first.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
                try await withAIYouClient(configuration) { client in
                    let result = try await client.runTools(question("beta_eu_two_parts please"), toolbox: toolbox)
                    #expect(result.toolResults.first?.hasPrefix("first part\nsecond part") == true)
                }
                #expect(first.mcpRequestCount(method: "tools/call") == 0)
                #expect(second.mcpRequestCount(method: "tools/call") == 1)
                await toolbox.close()
            }
        }
    }

    @Test("the tool list is refreshed on notifications/tools/list_changed")
    func listChanged() async throws {
        let changes = AsyncStream.makeStream(of: [MCPToolListing].self)
        try await withMCP(toolbox: { $0.onToolsChanged = { changes.continuation.yield($0) } }) { server, client, toolbox in
            try await waitUntil("the toolbox listens") { server.mcpOpenServerStreams == 1 }
            server.addMCPTool(name: "joke", description: "A joke", text: "Why did the model cross the road?")
            var iterator = changes.stream.makeAsyncIterator()
            var latest = await iterator.next()
            while latest?.contains(where: { $0.tool == "joke" }) != true { latest = await iterator.next() }
            #expect(toolbox.listing.contains { $0.exposedName == "joke" })
            let result = try await client.runTools(question("tell a joke"), toolbox: toolbox)
            #expect(result.toolResults.last == "Why did the model cross the road?")
            server.removeMCPTool(name: "joke")
            while latest?.contains(where: { $0.tool == "joke" }) == true { latest = await iterator.next() }
            #expect(!toolbox.listing.contains { $0.exposedName == "joke" })
        }
    }

    @Test("each call runs under an execute_tool span, with the MCP request's span inside it")
    func spans() async throws {
        let tracer = InMemoryTracer()
        var configuration = MockServerConfiguration()
        configuration.mcp.answers = .eventStream
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            var options = MCPToolboxOptions()
            options.allowedTools = ["get_weather", "fail"]
            options.tracer = tracer
            let toolbox = MCPToolbox(servers: [.http(server.mcpURL, name: "embedded")], options: options)
            try await toolbox.connect()
            var clientConfiguration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
            clientConfiguration.observability.tracer = tracer
            try await withAIYouClient(clientConfiguration) { client in
                _ = try await client.runTools(question("fail in Lille"), toolbox: toolbox)
            }
            await toolbox.close()
        }
        let spans = tracer.finishedSpans
        let weather = try #require(spans.first { $0.operationName == "execute_tool get_weather" })
        #expect(weather.attributes.get(GenAIAttribute.operationName)?.toSpanAttribute() == .string("execute_tool"))
        #expect(weather.attributes.get(GenAIAttribute.toolName)?.toSpanAttribute() == .string("get_weather"))
        #expect(weather.attributes.get(GenAIAttribute.toolType)?.toSpanAttribute() == .string("function"))
        #expect(weather.attributes.get(GenAIAttribute.toolCallID)?.toSpanAttribute() != nil)
        #expect(weather.kind == .internal)
        let request = try #require(spans.first { $0.operationName == "tools/call get_weather" })
        #expect(request.parentSpanID == weather.spanID)
        #expect(request.kind == .client)
        #expect(request.attributes.get("mcp.method.name")?.toSpanAttribute() == .string("tools/call"))
        let failed = try #require(spans.first { $0.operationName == "execute_tool fail" })
        #expect(failed.status?.code == .error)
        #expect(failed.attributes.get("error.type")?.toSpanAttribute() == .string("MCPToolCallError"))
    }
}

/// Whether text holds a control character other than a line break.
enum SafeTextCheck {
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }
}
