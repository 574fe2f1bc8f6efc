import AIYou
import AIYouMockServer
import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import AIYouMCP

/// The embedded MCP server turned hostile (``MockMCPHostility``): each test checks what a user
/// would notice — the error's kind and its message (one short line, no control character, never
/// the server's junk) — what the server saw, and that nothing is left behind: no call running on
/// the server, no stream, no connection.
@Suite("MCP servers that attack the client", .apartFromMemoryMeasurements, .timeLimit(.minutes(2)))
struct MCPHostileServerTests {
    /// A name the model may see: `^[A-Za-z0-9_-]{1,64}$`.
    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            }
    }

    /// Whether `text` holds a control character (C0, DEL or C1), line breaks included.
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// What a user reads must be one line, short, and free of control characters.
    static func expectPrintable(_ text: String, maxBytes: Int = 400, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!hasControlCharacters(text), "control characters in: \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(text.utf8.count <= maxBytes, "\(text.utf8.count) bytes: \(text.prefix(200))…", sourceLocation: sourceLocation)
    }

    /// Runs `body` with a server whose MCP endpoint attacks with `hostility`, then checks that the
    /// client left nothing behind on it: no call running, no server stream, no connection.
    static func withHostileServer<T: Sendable>(
        _ hostility: MockMCPHostility?,
        mcp configure: (inout MockMCPConfiguration) -> Void = { _ in },
        _ body: (MockAIYouServer) async throws -> T
    ) async throws -> T {
        var configuration = MockServerConfiguration()
        configuration.mcp.hostility = hostility
        configure(&configuration.mcp)
        return try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let result = try await body(server)
            try await waitUntil("no call left running on the server") { server.mcpToolCallsInFlight == 0 }
            try await waitUntil("no server stream left open") { server.mcpOpenServerStreams == 0 }
            try await waitUntil("no connection left open") { server.openConnections == 0 }
            return result
        }
    }

    /// The error that connecting a toolbox of `server`'s endpoint throws (the toolbox closed).
    static func connectError(
        _ server: MockAIYouServer,
        options adjust: (inout MCPToolboxOptions) -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> MCPConnectionError {
        var options = MCPToolboxOptions()
        adjust(&options)
        let toolbox = MCPToolbox(servers: [.http(server.mcpURL, name: "hostile")], options: options)
        do {
            try await toolbox.connect()
        } catch let error as MCPConnectionError {
            await toolbox.close()
            #expect(error.server == "hostile", sourceLocation: sourceLocation)
            #expect(error.description == "MCP server \"hostile\": \(error.message)", sourceLocation: sourceLocation)
            return error
        } catch {
            await toolbox.close()
            throw error
        }
        await toolbox.close()
        throw MCPConnectionError(.invalidConfiguration, server: "test", "connected to a hostile server: \(toolbox.listing.count) tools")
    }

    /// Runs `body` with a connected toolbox of `server`'s endpoint (named `embedded`) and an
    /// LLMaaS client of the server, both closed afterwards.
    static func withToolbox<T: Sendable>(
        _ server: MockAIYouServer,
        options adjust: (inout MCPToolboxOptions) -> Void = { _ in },
        _ body: (AIYouClient, MCPToolbox) async throws -> T
    ) async throws -> T {
        var options = MCPToolboxOptions()
        adjust(&options)
        let configuration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
        return try await withMCPToolbox(servers: [.http(server.mcpURL, name: "embedded")], options: options) { toolbox in
            try await withAIYouClient(configuration) { client in try await body(client, toolbox) }
        }
    }

    /// Runs one question and returns its single tool result. (How long it took is not checked:
    /// the machines are noisy; each test's options set the deadlines, and its messages show which
    /// one ended the call, if any.)
    static func oneResult(_ client: AIYouClient, _ toolbox: MCPToolbox, _ text: String) async throws -> String {
        let result = try await client.runTools(question(text), toolbox: toolbox)
        return try #require(result.toolResults.count == 1 ? result.toolResults.first : nil, "\(result.toolResults)")
    }

    // MARK: - Listing

    @Test("a cursor that loops: connect stops at the second page with a clear error")
    func loopingCursor() async throws {
        try await Self.withHostileServer(.loopingCursor) { server in
            let error = try await Self.connectError(server)
            #expect(error.kind == .invalidAnswer)
            #expect(error.message.contains("loop"), "\(error.message)")
            Self.expectPrintable(error.description)
            #expect(server.mcpRequestCount(method: "tools/list") == 2)
            #expect(server.mcpRequestCount(method: "initialize") == 1)
            // The session the client opened is ended, not leaked.
            #expect(server.mcpDeletedSessionCount == 1)
        }
    }

    @Test("pages of new tools without end: the listing stops at maxToolsPerServer", arguments: [1, 2, 7])
    func endlessToolPages(pageSize: Int) async throws {
        try await Self.withHostileServer(.endlessToolPages, mcp: { $0.pageSize = pageSize }) { server in
            let error = try await Self.connectError(server) { $0.maxToolsPerServer = 20 }
            #expect(error.kind == .invalidAnswer)
            #expect(error.message.contains("more than 20 tools"), "\(error.message)")
            #expect(error.message.contains("maxToolsPerServer"))
            Self.expectPrintable(error.description)
            // The first page past 20 tools is the last one asked for.
            #expect(server.mcpRequestCount(method: "tools/list") == (20 / pageSize) + 1)
            #expect(server.mcpDeletedSessionCount == 1)
        }
    }

    @Test(
        "a session id with control characters, or 10 KB long: refused, and never repeated",
        arguments: [MockMCPHostility.SessionIDFlaw.controlCharacters, .permittedControlCharacters, .tooLong]
    )
    func badSessionID(flaw: MockMCPHostility.SessionIDFlaw) async throws {
        try await Self.withHostileServer(.badSessionID(flaw)) { server in
            let error = try await Self.connectError(server)
            #expect(error.kind == .invalidAnswer)
            if flaw == .controlCharacters {
                // ESC, BEL and DEL are refused by the HTTP parser already.
                #expect(error.message == "the answer is not valid HTTP (malformed or cut off)")
            } else {
                #expect(error.message.contains("session id"), "\(error.message)")
            }
            #expect(!error.message.contains("evil"))
            #expect(!error.message.contains("0123456789abcdef0123"))
            Self.expectPrintable(error.description)
            #expect(server.mcpRequestCount(method: "initialize") == 1)
            // Nothing was sent with the refused id.
            #expect(server.mcpRequestCount(method: "notifications/initialized") == 0)
            #expect(server.mcpRequestCount(method: "tools/list") == 0)
        }
    }

    @Test(
        "a schema nested 10,000 levels deep: the listing fails cleanly, no stack overflow",
        arguments: [MockMCPAnswerMode.eventStream, .json]
    )
    func deepSchema(mode: MockMCPAnswerMode) async throws {
        try await Self.withHostileServer(
            .deepSchema(levels: 10_000),
            mcp: {
                $0.answers = mode
                $0.pageSize = 0
            }
        ) { server in
            let error = try await Self.connectError(server) { $0.requestTimeout = .seconds(20) }
            #expect(error.kind == .invalidAnswer, "\(error)")
            #expect(error.message.contains("deeper than"), "\(error.message)")
            Self.expectPrintable(error.description)
            #expect(server.mcpRequestCount(method: "tools/list") == 1)
        }
    }

    @Test("a schema deeper than the client converts (but JSON the decoder reads): that tool is skipped, with a warning")
    func moderatelyDeepSchema() async throws {
        let logs = InMemoryLogHandler()
        try await Self.withHostileServer(.deepSchema(levels: 40)) { server in
            try await Self.withToolbox(server, options: { $0.logger = Logger(label: "test", factory: { _ in logs }) }) { client, toolbox in
                #expect(toolbox.listing.map(\.tool) == MCPToolboxTests.mockTools)
                let result = try await client.runTools(question("weather in Riga"), toolbox: toolbox)
                #expect(result.toolResults == ["Sunny, 21 °C in Riga"])
            }
        }
        let warnings = logs.entries.filter { $0.level == .warning }.map { "\($0.message)" }
        #expect(warnings.contains { $0.contains("nests too deep") }, "\(warnings)")
    }

    @Test("a nested schema within bounds is offered, and its tool called")
    func shallowDeepSchema() async throws {
        try await Self.withHostileServer(.deepSchema(levels: 20)) { server in
            try await Self.withToolbox(server, options: { $0.allowedTools = ["deep_schema"] }) { client, toolbox in
                let tool = try #require(toolbox.tools.first)
                var schema = tool.definition.parameters?.value
                var levels = 0
                while let next = schema?.objectValue?["properties"]?.objectValue?["nested"] {
                    levels += 1
                    schema = next
                }
                #expect(levels == 20)
                let answer = try await Self.oneResult(client, toolbox, "deep_schema")
                #expect(answer == "deep")
            }
        }
    }

    @Test("a tool name of 10 KB: offered under a valid name of 64 characters, and called by its own")
    func hugeToolName() async throws {
        try await Self.withHostileServer(.hugeToolName) { server in
            try await Self.withToolbox(server, options: { $0.deniedTools = ["get_weather"] }) { client, toolbox in
                #expect(toolbox.listing.allSatisfy { Self.isValidName($0.exposedName) }, "\(toolbox.listing.map(\.exposedName))")
                let long = try #require(toolbox.listing.first { $0.tool.utf8.count == 10_240 })
                #expect(long.exposedName == String(String(repeating: "long_", count: 13).prefix(64)))
                let answer = try await Self.oneResult(client, toolbox, long.exposedName)
                #expect(answer == "the long name answered")
                #expect(server.mcpRequestCount(method: "tools/call") == 1)
            }
        }
    }

    @Test("names with ESC, line breaks and BEL: valid names for the model, calls reach the right tool")
    func controlCharactersInNames() async throws {
        try await Self.withHostileServer(.controlCharactersInNames) { server in
            try await Self.withToolbox(server, options: { $0.deniedTools = ["get_weather"] }) { client, toolbox in
                let names = toolbox.listing.map(\.exposedName)
                #expect(names.count == MCPToolboxTests.mockTools.count - 1 + 3)  // get_weather denied
                #expect(names.allSatisfy(Self.isValidName), "\(names)")
                #expect(Set(names).count == names.count)
                let red = try #require(toolbox.listing.first { $0.tool == "\u{1B}[31mred\u{1B}[0m" })
                let answer = try await Self.oneResult(client, toolbox, "please call \(red.exposedName)")
                #expect(answer == "red answered")
                let lines = try #require(toolbox.listing.first { $0.tool.hasPrefix("two\n") })
                let other = try await Self.oneResult(client, toolbox, "please call \(lines.exposedName)")
                #expect(other == "two lines answered")
            }
        }
    }

    @Test("a tool whose name holds control characters times out: the message names it escaped")
    func controlCharactersInTimeoutMessage() async throws {
        try await Self.withHostileServer(.controlCharactersInNames, mcp: { $0.slowToolDelay = .seconds(60) }) { server in
            try await Self.withToolbox(
                server,
                options: {
                    $0.allowedTools = ["\tslow\u{07}\u{7F}"]
                    $0.callTimeout = .milliseconds(200)
                }
            ) { client, toolbox in
                let name = try #require(toolbox.listing.first?.exposedName)
                let answer = try await Self.oneResult(client, toolbox, "please call \(name)")
                #expect(answer.contains("callTimeout"), "\(answer)")
                Self.expectPrintable(answer)
                try await waitUntil("the server heard of the cancellation") { server.mcpCancelledRequestIDs.count == 1 }
            }
        }
    }

    // MARK: - Answers

    @Test(
        "an HTML error page of 100 KB full of escape sequences: a short, clean line with the status",
        arguments: [500, 502, 503, 404, 418]
    )
    func errorPageAtConnect(status: Int) async throws {
        try await Self.withHostileServer(.errorPage(status: status)) { server in
            let error = try await Self.connectError(server)
            #expect(error.kind == .httpStatus(status))
            #expect(error.message.hasPrefix("HTTP \(status)"), "\(error.message)")
            Self.expectPrintable(error.description)
            #expect(server.mcpRequestCount(method: "initialize") == 1)
        }
    }

    @Test("an error page for a tool call: the model reads one clean line, and the toolbox works once the server does")
    func errorPageDuringCall() async throws {
        try await Self.withHostileServer(nil) { server in
            try await Self.withToolbox(server, options: { $0.allowedTools = ["get_weather"] }) { client, toolbox in
                server.mcpHostility = .errorPage(status: 503)
                let answer = try await Self.oneResult(client, toolbox, "weather in Oslo")
                #expect(answer.hasPrefix("error: MCP server \"embedded\": HTTP 503"), "\(answer)")
                Self.expectPrintable(answer)
                server.mcpHostility = nil
                let again = try await toolbox.call("get_weather", arguments: ["city": "Oslo"], timeout: .seconds(120))
                #expect(again == "Sunny, 21 °C in Oslo")
                #expect(server.mcpRequestCount(method: "initialize") == 1)
            }
        }
    }

    @Test("200 with a text/plain body: refused as not MCP, at connect and for a call")
    func wrongContentType() async throws {
        try await Self.withHostileServer(.wrongContentType) { server in
            let error = try await Self.connectError(server)
            #expect(error.kind == .invalidAnswer)
            #expect(error.message.contains("neither JSON nor an event stream"), "\(error.message)")
            Self.expectPrintable(error.description)

            server.mcpHostility = nil
            try await Self.withToolbox(server, options: { $0.allowedTools = ["get_weather"] }) { client, toolbox in
                server.mcpHostility = .wrongContentType
                let answer = try await Self.oneResult(client, toolbox, "weather in Turku")
                #expect(answer.hasPrefix("error: MCP server \"embedded\": "), "\(answer)")
                #expect(answer.contains("neither JSON nor an event stream"))
                Self.expectPrintable(answer)
                server.mcpHostility = nil
                let again = try await toolbox.call("get_weather", arguments: ["city": "Turku"], timeout: .seconds(120))
                #expect(again == "Sunny, 21 °C in Turku")
            }
        }
    }

    @Test("events that are not JSON, then the end: the call fails clearly at once, the session lives on")
    func garbageEvents() async throws {
        try await Self.withHostileServer(.garbageEvents) { server in
            try await Self.withToolbox(server, options: { $0.allowedTools = ["get_weather"] }) { client, toolbox in
                let answer = try await Self.oneResult(client, toolbox, "weather in Bergen")
                #expect(answer.hasPrefix("error: MCP server \"embedded\": "), "\(answer)")
                #expect(answer.contains("not a JSON-RPC message"), "\(answer)")
                #expect(!answer.contains("<html>"))
                Self.expectPrintable(answer)
                #expect(server.mcpRequestCount(method: "tools/call") == 1)
                // The connection is still good: listing works under the same hostility…
                try await toolbox.refresh()
                #expect(toolbox.listing.map(\.tool) == ["get_weather"])
                // …and calls work once the server behaves.
                server.mcpHostility = nil
                let again = try await toolbox.call("get_weather", arguments: ["city": "Bergen"], timeout: .seconds(120))
                #expect(again == "Sunny, 21 °C in Bergen")
                #expect(server.mcpRequestCount(method: "initialize") == 1)
            }
        }
    }

    @Test("notifications without end, never the result: the call ends at callTimeout and its stream is closed")
    func endlessNotifications() async throws {
        try await Self.withHostileServer(.endlessNotifications) { server in
            try await Self.withToolbox(
                server,
                options: {
                    $0.allowedTools = ["get_weather"]
                    $0.callTimeout = .milliseconds(300)
                    $0.eventTimeout = .seconds(30)
                }
            ) { client, toolbox in
                let answer = try await Self.oneResult(client, toolbox, "weather in Tromsø")
                #expect(answer.contains("did not answer within"), "\(answer)")
                #expect(answer.contains("callTimeout"))
                Self.expectPrintable(answer)
                try await waitUntil("the server heard of the cancellation") { server.mcpCancelledRequestIDs.count == 1 }
                // The server ignores the cancellation: only the client closing the stream ends it.
                try await waitUntil("the client closed the endless stream") { server.mcpToolCallsInFlight == 0 }
                server.mcpHostility = nil
                let again = try await toolbox.call("get_weather", arguments: ["city": "Tromsø"], timeout: .seconds(120))
                #expect(again == "Sunny, 21 °C in Tromsø")
            }
        }
    }

    @Test("an answer's head, then silence: eventTimeout ends the call", arguments: [MockMCPAnswerMode.eventStream, .json])
    func silentAnswer(mode: MockMCPAnswerMode) async throws {
        try await Self.withHostileServer(.silentAnswer, mcp: { $0.answers = mode }) { server in
            try await Self.withToolbox(
                server,
                options: {
                    $0.allowedTools = ["get_weather"]
                    $0.callTimeout = .seconds(30)
                    $0.eventTimeout = .milliseconds(300)
                }
            ) { client, toolbox in
                let answer = try await Self.oneResult(client, toolbox, "weather in Kiruna")
                #expect(answer.hasPrefix("error: MCP server \"embedded\": "), "\(answer)")
                #expect(answer.contains("eventTimeout"), "\(answer)")
                Self.expectPrintable(answer)
                try await waitUntil("the client closed the silent answer") { server.mcpToolCallsInFlight == 0 }
                server.mcpHostility = nil
                let again = try await toolbox.call("get_weather", arguments: ["city": "Kiruna"], timeout: .seconds(120))
                #expect(again == "Sunny, 21 °C in Kiruna")
            }
        }
    }

    @Test("silence past callTimeout (eventTimeout longer): the call ends at callTimeout, the server is told")
    func silentAnswerPastCallTimeout() async throws {
        try await Self.withHostileServer(.silentAnswer) { server in
            try await Self.withToolbox(
                server,
                options: {
                    $0.allowedTools = ["get_weather"]
                    $0.callTimeout = .milliseconds(300)
                    $0.eventTimeout = .seconds(30)
                }
            ) { client, toolbox in
                let answer = try await Self.oneResult(client, toolbox, "weather in Narvik")
                #expect(answer.contains("callTimeout"), "\(answer)")
                Self.expectPrintable(answer)
                try await waitUntil("the server heard of the cancellation") { server.mcpCancelledRequestIDs.count == 1 }
                try await waitUntil("the client closed the silent answer") { server.mcpToolCallsInFlight == 0 }
            }
        }
    }

    // MARK: - Reading messages

    @Test("the nesting bound counts arrays and objects, never brackets in strings; only on what is received")
    func nesting() {
        let brackets = String(repeating: "[", count: 300)
        let quoted = Data(#"{"jsonrpc":"2.0","id":1,"result":{"text":"\#(brackets)\"{{{"}}"#.utf8)
        #expect(MessageHead(received: quoted).problem == nil)
        #expect(MessageHead(received: quoted).isResponse)
        // What the client sends is read as it is: a request whose arguments nest deep stays a request.
        let arguments = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let request = Data(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"a":\#(arguments)}}}"#.utf8)
        #expect(MessageHead(request).isRequest)
        #expect(MessageHead(request).idText == "7")
        #expect(MessageHead(received: request).problem == "JSON nested deeper than 128 levels")
    }

    @Test("what is not a JSON-RPC message is told apart, and why")
    func messageProblems() {
        #expect(MessageHead(received: Data(#"{"jsonrpc":"2.0","id":3,"result":{}}"#.utf8)).problem == nil)
        #expect(MessageHead(received: Data(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700}}"#.utf8)).problem == nil)
        #expect(MessageHead(received: Data(#"{"jsonrpc":"2.0","method":"notifications/message"}"#.utf8)).problem == nil)
        #expect(MessageHead(received: Data(#"[{"jsonrpc":"2.0","id":3,"result":{}}]"#.utf8)).problem == nil)
        #expect(MessageHead(received: Data("this is not JSON".utf8)).problem == "not JSON")
        #expect(MessageHead(received: Data(#"{"jsonrpc":"2.0","id":"#.utf8)).problem == "not JSON")
        #expect(MessageHead(received: Data(#"{"jsonrpc":"2.0","id":true,"result":{}}"#.utf8)).problem == "not a JSON-RPC object")
        #expect(
            MessageHead(received: Data(#"{"jsonrpc":"2.0","id":4}"#.utf8)).problem == "neither a request, a notification nor a response"
        )
        let deep = Data(
            (#"{"jsonrpc":"2.0","id":1,"result":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}").utf8
        )
        #expect(MessageHead(received: deep).problem == "JSON nested deeper than 128 levels")
    }

    // MARK: - The command line

    @Test("aiyou mcp tools: no raw escape sequence, one line per tool, valid names")
    func commandLineListing() async throws {
        try await Self.withHostileServer(.controlCharactersInNames) { server in
            let run = try await MCPCLITests.run(["mcp", "tools", server.mcpURL])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!Self.hasControlCharacters(run.stdout.replacingOccurrences(of: "\n", with: "")), "\(run.stdout.debugDescription)")
            #expect(!Self.hasControlCharacters(run.stderr.replacingOccurrences(of: "\n", with: "")), "\(run.stderr.debugDescription)")
            let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == MCPToolboxTests.mockTools.count + 3, "\(run.stdout)")
            #expect(lines.allSatisfy { Self.isValidName(String($0.prefix { $0 != " " })) }, "\(run.stdout)")

            let json = try await MCPCLITests.run(["--json", "mcp", "tools", server.mcpURL])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(!json.stdout.utf8.contains(0x1B))
            let tools = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(tools.count == MCPToolboxTests.mockTools.count + 3)
            #expect(tools.allSatisfy { Self.isValidName($0["name"] as? String ?? "") })
            #expect(tools.contains { $0["tool"] as? String == "\u{1B}[31mred\u{1B}[0m" })
        }
    }

    @Test("aiyou mcp tools with a 10 KB tool name: every line stays short")
    func commandLineHugeName() async throws {
        try await Self.withHostileServer(.hugeToolName) { server in
            let run = try await MCPCLITests.run(["mcp", "tools", server.mcpURL])
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == MCPToolboxTests.mockTools.count + 1)
            #expect(lines.allSatisfy { $0.utf8.count <= 300 }, "\(lines.map(\.utf8.count))")
        }
    }
}
