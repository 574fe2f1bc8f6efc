import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@Suite("Embedded MCP server", .timeLimit(TestTiming.limit(minutes: 1)))
struct MockMCPServerTests {
    /// The names of the built-in tools, in the order `tools/list` gives them.
    static let builtInTools = ["get_weather", "calculate", "fail", "slow", "huge", "two_parts", "disconnect"]

    /// A server configuration whose MCP endpoint has `mcp`'s settings.
    static func configuration(_ change: (inout MockMCPConfiguration) -> Void = { _ in }) -> MockServerConfiguration {
        var configuration = MockServerConfiguration()
        change(&configuration.mcp)
        return configuration
    }

    @Test("initialize: the negotiated version, the capabilities, a session id; initialized gets 202")
    func initialize() async throws {
        try await MockAIYouServer.withRunning { server in
            #expect(server.mcpURL == server.baseURL + "/mcp")
            var mcp = MCPTestClient(server)
            let response = try await mcp.initialize(version: "2025-11-25")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            #expect(response.header("Cache-Control") == "no-cache")
            let session = try #require(mcp.session)
            #expect(!session.isEmpty && session.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) })
            let events = MCPTestEvent.parse(response.text)
            #expect(events.count == 1)
            #expect(events.first?.id != nil)
            let message = try MCPTestClient.message(of: response)
            #expect(message["jsonrpc"] as? String == "2.0")
            #expect(message["id"] as? Int == 0)
            let result = try #require(message["result"] as? [String: Any])
            #expect(result["protocolVersion"] as? String == "2025-11-25")
            let tools = (result["capabilities"] as? [String: Any])?["tools"] as? [String: Any]
            #expect(tools?["listChanged"] as? Bool == true)
            let info = try #require(result["serverInfo"] as? [String: Any])
            #expect(info["name"] as? String == "aiyou-mock-mcp")
            #expect(info["version"] as? String == "1.0.0")

            let initialized = try await mcp.notify("notifications/initialized")
            #expect(initialized.status == 202)
            #expect(initialized.body.isEmpty)
            let ping = try await mcp.call(1, "ping")
            #expect((ping["result"] as? [String: Any])?.isEmpty == true)

            // An unknown version gets the fallback; every initialize starts a new session.
            var other = MCPTestClient(server)
            let fallback = try MCPTestClient.message(of: try await other.initialize(version: "1999-01-01"))
            #expect((fallback["result"] as? [String: Any])?["protocolVersion"] as? String == "2025-06-18")
            #expect(other.session != nil && other.session != mcp.session)

            #expect(server.mcpRequestCount(method: "initialize") == 2)
            #expect(server.mcpRequestCount(method: "notifications/initialized") == 1)
            #expect(server.mcpRequestCount(method: "ping") == 1)
            #expect(server.totalRequestCount == 4)
            server.resetCounters()
            #expect(server.mcpRequestCount(method: "initialize") == 0)
        }
    }

    @Test("tools/list pages through every tool; an unknown cursor gets -32602", arguments: [1, 2, 3, 0])
    func pagination(pageSize: Int) async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.pageSize = pageSize }) { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            var names: [String] = []
            var pages = 0
            var cursor: String?
            repeat {
                let params = cursor.map { #"{"cursor":"\#($0)"}"# } ?? "{}"
                let message = try await mcp.call(10 + pages, "tools/list", params: params)
                let result = try #require(message["result"] as? [String: Any])
                let tools = try #require(result["tools"] as? [[String: Any]])
                #expect(tools.count <= (pageSize < 1 ? Int.max : pageSize))
                for tool in tools {
                    names.append(try #require(tool["name"] as? String))
                    #expect(tool["description"] is String)
                    #expect((tool["inputSchema"] as? [String: Any])?["type"] as? String == "object")
                }
                cursor = result["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 20
            #expect(names == Self.builtInTools)
            let expectedPages = pageSize < 1 ? 1 : (Self.builtInTools.count + pageSize - 1) / pageSize
            #expect(pages == expectedPages)

            let unknown = try await mcp.call(99, "tools/list", params: #"{"cursor":"not-a-cursor"}"#)
            #expect(try MCPTestClient.error(unknown).code == -32602)
            #expect(server.mcpRequestCount(method: "tools/list") == pages + 1)
        }
    }

    @Test("every tool answers in both answer modes", arguments: [MockMCPAnswerMode.json, .eventStream])
    func tools(mode: MockMCPAnswerMode) async throws {
        let configuration = Self.configuration {
            $0.answers = mode
            $0.slowToolDelay = .milliseconds(20)
            // Small enough not to disturb the suite's memory measurements, which run beside it.
            $0.hugeToolBytes = 200_000
        }
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            var mcp = MCPTestClient(server)
            let initialize = try await mcp.initialize()
            #expect(initialize.header("Content-Type") == (mode == .json ? "application/json" : "text/event-stream"))

            var weather = try MCPTestClient.texts(try await mcp.callTool(1, "get_weather", arguments: #"{"city":"Lyon"}"#))
            #expect(weather.texts == ["Sunny, 21 °C in Lyon"])
            #expect(weather.isError == false)
            weather = try MCPTestClient.texts(try await mcp.callTool(2, "get_weather"))
            #expect(weather.isError == true)
            #expect(weather.texts.first?.contains("city") == true)
            weather = try MCPTestClient.texts(try await mcp.callTool(3, "get_weather", arguments: #"{"city":7}"#))
            #expect(weather.isError == true)
            #expect(weather.texts.first?.contains("city") == true)

            let sums: [(String, String, Bool)] = [
                (#"{"operation":"add","a":2,"b":3}"#, "5", false),
                (#"{"operation":"subtract","a":2,"b":3.5}"#, "-1.5", false),
                (#"{"operation":"multiply","a":-4,"b":2.5}"#, "-10", false),
                (#"{"operation":"divide","a":1,"b":4}"#, "0.25", false),
            ]
            for (index, (arguments, expected, _)) in sums.enumerated() {
                let answer = try MCPTestClient.texts(try await mcp.callTool(10 + index, "calculate", arguments: arguments))
                #expect(answer.texts == [expected], "\(arguments)")
                #expect(answer.isError == false)
            }
            for (index, arguments) in [
                #"{"operation":"divide","a":1,"b":0}"#, #"{"operation":"modulo","a":1,"b":2}"#, #"{"operation":"add","a":"1","b":2}"#,
                #"{"a":1,"b":2}"#,
            ].enumerated() {
                let answer = try MCPTestClient.texts(try await mcp.callTool(20 + index, "calculate", arguments: arguments))
                #expect(answer.isError == true, "\(arguments)")
                #expect(answer.texts.count == 1)
            }

            let failed = try MCPTestClient.texts(try await mcp.callTool(30, "fail"))
            #expect(failed.texts == ["the tool failed on purpose"])
            #expect(failed.isError == true)

            let slow = try MCPTestClient.texts(try await mcp.callTool(31, "slow"))
            #expect(slow.texts == ["done"])

            let hugeResponse = try await mcp.send(body: #"{"jsonrpc":"2.0","id":32,"method":"tools/call","params":{"name":"huge"}}"#)
            let huge = try MCPTestClient.texts(try MCPTestClient.message(of: hugeResponse))
            #expect(huge.texts.count == 1)
            #expect(huge.texts.first?.utf8.count == 200_000)
            #expect(huge.texts.first?.hasPrefix("lorem ipsum lorem") == true)
            if mode == .eventStream {
                // One event, on one data line.
                #expect(hugeResponse.text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.count == 1)
            }

            let twoParts = try await mcp.callTool(33, "two_parts")
            #expect(try MCPTestClient.texts(twoParts).texts == ["first part", "second part"])
            let content = try #require((twoParts["result"] as? [String: Any])?["content"] as? [[String: Any]])
            let image = try #require(content.last)
            #expect(image["type"] as? String == "image")
            #expect(image["mimeType"] as? String == "image/png")
            let base64 = try #require(image["data"] as? String)
            let png = try #require(Data(base64Encoded: base64))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            server.addMCPTool(name: "greet", description: "Says hello.", text: "hello there")
            #expect(try MCPTestClient.texts(try await mcp.callTool(34, "greet")).texts == ["hello there"])
            server.removeMCPTool(name: "greet")

            let unknownTool = try MCPTestClient.error(try await mcp.callTool(35, "greet"))
            #expect(unknownTool.code == -32602)
            #expect(unknownTool.message == "Unknown tool: greet")
            let unknownMethod = try MCPTestClient.error(try await mcp.call(36, "resources/list"))
            #expect(unknownMethod.code == -32601)
            let noName = try MCPTestClient.error(try await mcp.call(37, "tools/call", params: "{}"))
            #expect(noName.code == -32602)

            #expect(server.mcpRequestCount(method: "tools/call") == 18)
            #expect(server.mcpToolCallsInFlight == 0)
        }
    }

    @Test("a progress token brings a progress notification before the response")
    func progress() async throws {
        try await MockAIYouServer.withRunning { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let body = #"{"jsonrpc":"2.0","id":"p1","method":"tools/call","params":{"name":"fail","_meta":{"progressToken":"tok"}}}"#
            let events = MCPTestEvent.parse(try await mcp.send(body: body).text)
            #expect(events.count == 2)
            let progress = try #require(events.first).object()
            #expect(progress["method"] as? String == "notifications/progress")
            #expect((progress["params"] as? [String: Any])?["progressToken"] as? String == "tok")
            let answer = try #require(events.last).object()
            #expect(answer["id"] as? String == "p1")
            let ids = events.compactMap(\.id)
            #expect(ids.count == 2 && Set(ids).count == 2)
        }
    }

    @Test("a bearer token is required when configured: 401 with WWW-Authenticate: Bearer")
    func bearer() async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.bearerToken = "mcp-secret" }) { server in
            var anonymous = MCPTestClient(server)
            let refused = try await anonymous.initialize()
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate") == "Bearer")
            #expect(anonymous.session == nil)
            var wrong = MCPTestClient(server, token: "other")
            #expect(try await wrong.initialize().status == 401)
            // The AI.YOU API key is no MCP token.
            var apiKey = MCPTestClient(server, token: MockAccount.demoAPIKey)
            #expect(try await apiKey.initialize().status == 401)

            var mcp = MCPTestClient(server, token: "mcp-secret")
            #expect(try await mcp.initialize().status == 200)
            var noToken = mcp
            noToken.token = nil
            #expect(try await noToken.send(.GET).status == 401)
            #expect(try await noToken.send(.DELETE).status == 401)
            #expect(try await mcp.send(.DELETE).status == 200)
            #expect(server.secretsSeen.contains("mcp-secret"))
            #expect(server.mcpRequestCount(method: "initialize") == 1)
        }
    }

    @Test("a missing session gets 400, an unknown or deleted one 404; DELETE ends a session")
    func sessions() async throws {
        try await MockAIYouServer.withRunning { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let session = try #require(mcp.session)
            var noSession = mcp
            noSession.session = nil
            let missing = try await noSession.send(body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(missing.status == 400)
            #expect(try missing.object()["error"] != nil)
            #expect(try await noSession.notify("notifications/initialized").status == 400)
            #expect(try await noSession.send(.GET).status == 400)
            #expect(try await noSession.send(.DELETE).status == 400)
            var unknown = mcp
            unknown.session = "no-such-session"
            #expect(try await unknown.send(body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).status == 404)

            #expect(try await mcp.send(.DELETE).status == 200)
            #expect(server.mcpDeletedSessionCount == 1)
            let deleted = try await mcp.send(body: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
            #expect(deleted.status == 404)
            #expect(try await mcp.send(.GET).status == 404)
            #expect(try await mcp.send(.DELETE).status == 404)
            #expect(server.mcpDeletedSessionCount == 1)
            #expect(mcp.session == session)
        }
    }

    @Test("stateless: no session header, none required; DELETE gets 405")
    func stateless() async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.usesSessions = false }) { server in
            var mcp = MCPTestClient(server)
            let initialize = try await mcp.initialize()
            #expect(initialize.status == 200)
            #expect(mcp.session == nil)
            let weather = try await MCPTestClient(server).callTool(1, "get_weather", arguments: #"{"city":"Nice"}"#)
            #expect(try MCPTestClient.texts(weather).texts == ["Sunny, 21 °C in Nice"])
            let delete = try await mcp.send(.DELETE)
            #expect(delete.status == 405)
            #expect(delete.header("Allow") == "GET, POST")
        }
    }

    @Test("the transport's refusals: 406, 415, 400 with -32700 or -32600, 413, unknown protocol version; 202 for a response")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let list = #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#
            #expect(try await mcp.send(body: list, headers: [("Accept", "application/json")]).status == 406)
            #expect(try await mcp.send(body: list, headers: [("Accept", "*/*")]).status == 406)
            #expect(try await mcp.send(body: list, headers: [("Content-Type", "text/plain")]).status == 415)
            #expect(try await mcp.send(body: list, headers: [("Content-Type", "application/json; charset=utf-8")]).status == 200)

            let malformed = try await mcp.send(body: #"{"jsonrpc":"2.0","#)
            #expect(malformed.status == 400)
            let parseError = try malformed.object()
            #expect(parseError["id"] is NSNull)
            #expect(try MCPTestClient.error(parseError).code == -32700)
            let batch = try await mcp.send(body: "[\(list)]")
            #expect(batch.status == 400)
            #expect(try MCPTestClient.error(try batch.object()).code == -32600)
            let noVersion = try await mcp.send(body: #"{"id":1,"method":"tools/list"}"#)
            #expect(noVersion.status == 400)
            #expect(try MCPTestClient.error(try noVersion.object()).code == -32600)

            let tooLarge = try await mcp.send(
                body: #"{"jsonrpc":"2.0","method":"x","params":{"p":""# + String(repeating: "a", count: 1_100_000) + #""}}"#
            )
            #expect(tooLarge.status == 413)

            #expect(try await mcp.send(body: list, headers: [("MCP-Protocol-Version", "2000-01-01")]).status == 400)
            #expect(try await mcp.send(body: list, headers: [("MCP-Protocol-Version", "2025-06-18")]).status == 200)

            let response = try await mcp.send(body: #"{"jsonrpc":"2.0","id":5,"result":{}}"#)
            #expect(response.status == 202)
            #expect(response.body.isEmpty)
        }
    }

    @Test("disconnect closes the stream after one event; GET with Last-Event-ID replays the answer")
    func disconnectAndResume() async throws {
        try await MockAIYouServer.withRunning { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let response = try await mcp.open(body: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"disconnect"}}"#)
            #expect(response.status == .ok)
            var reader = MCPStreamReader(response)
            await reader.readToEnd()
            #expect(reader.failure != nil)  // closed mid-stream, not ended
            let events = reader.events
            #expect(events.count == 1)
            let notice = try #require(events.first)
            #expect(try notice.object()["method"] as? String == "notifications/message")
            let lastEventID = try #require(notice.id)

            let replay = try await mcp.send(.GET, headers: [("Last-Event-ID", lastEventID)])
            #expect(replay.status == 200)
            #expect(replay.header("Content-Type") == "text/event-stream")
            let replayed = MCPTestEvent.parse(replay.text)
            #expect(replayed.count == 1)
            #expect(replayed.first?.id != nil && replayed.first?.id != lastEventID)
            let answer = try #require(replayed.first).object()
            #expect(answer["id"] as? Int == 7)
            #expect(try MCPTestClient.texts(answer).texts == ["resumed"])

            // Another session cannot replay it.
            var other = MCPTestClient(server)
            try await other.initialize()
            #expect(MCPTestEvent.parse(try await other.send(.GET, headers: [("Last-Event-ID", lastEventID)]).text).isEmpty)
        }
    }

    @Test("not resumable: no event ids, nothing replayed; in JSON mode disconnect closes without an answer")
    func disconnectWithoutResumption() async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.resumable = false }) { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let response = try await mcp.open(body: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"disconnect"}}"#)
            var reader = MCPStreamReader(response)
            await reader.readToEnd()
            #expect(reader.failure != nil)
            #expect(reader.events.count == 1)
            #expect(reader.events.first?.id == nil)
            let replay = try await mcp.send(.GET, headers: [("Last-Event-ID", "1-1")])
            #expect(replay.status == 200)
            #expect(replay.body.isEmpty)
        }
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.answers = .json }) { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            await #expect(throws: (any Error).self) {
                _ = try await mcp.callTool(7, "disconnect")
            }
        }
    }

    @Test("GET opens a server stream: tool list changes arrive on it; DELETE ends it")
    func serverStream() async throws {
        try await MockAIYouServer.withRunning { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let response = try await mcp.open(.GET)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            #expect(try await eventually { server.mcpOpenServerStreams == 1 })
            var reader = MCPStreamReader(response)

            server.addMCPTool(name: "greet", description: "Says hello.", text: "hello")
            #expect(await reader.read { $0.count == 1 })
            let changed = try #require(reader.events.first).object()
            #expect(changed["method"] as? String == "notifications/tools/list_changed")
            #expect(changed["id"] == nil)
            let cursor = try await Self.lastCursor(mcp)
            let list = try await mcp.call(1, "tools/list", params: #"{"cursor":"\#(cursor)"}"#)
            let names = ((list["result"] as? [String: Any])?["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names?.last == "greet")

            server.removeMCPTool(name: "greet")
            #expect(await reader.read { $0.count == 2 })
            let ids = reader.events.compactMap(\.id)
            #expect(ids.count == 2 && Set(ids).count == 2)

            #expect(try await mcp.send(.DELETE).status == 200)
            await reader.readToEnd()
            #expect(reader.ended)
            #expect(try await eventually { server.mcpOpenServerStreams == 0 })
        }
    }

    /// The cursor of the last page of `tools/list`.
    static func lastCursor(_ mcp: MCPTestClient) async throws -> String {
        var cursor = ""
        var next: String? = ""
        var id = 100
        while let current = next {
            cursor = current
            let params = current.isEmpty ? "{}" : #"{"cursor":"\#(current)"}"#
            let message = try await mcp.call(id, "tools/list", params: params)
            next = (message["result"] as? [String: Any])?["nextCursor"] as? String
            id += 1
        }
        return cursor
    }

    @Test("without a server stream, GET gets 405")
    func noServerStream() async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.offersServerStream = false }) { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let response = try await mcp.send(.GET)
            #expect(response.status == 405)
            #expect(response.header("Allow") == "POST, DELETE")
        }
    }

    @Test("the slow tool ends on notifications/cancelled, or when its client goes away")
    func slowCancelled() async throws {
        try await MockAIYouServer.withRunning(configuration: Self.configuration { $0.slowToolDelay = .seconds(600) }) { server in
            var mcp = MCPTestClient(server)
            try await mcp.initialize()
            let response = try await mcp.open(body: #"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"slow"}}"#)
            #expect(response.status == .ok)
            #expect(try await eventually { server.mcpToolCallsInFlight == 1 })
            let cancelled = try await mcp.notify("notifications/cancelled", params: #"{"requestId":42,"reason":"test"}"#)
            #expect(cancelled.status == 202)
            var reader = MCPStreamReader(response)
            await reader.readToEnd()
            #expect(reader.ended)
            #expect(reader.events.isEmpty)
            #expect(try await eventually { server.mcpToolCallsInFlight == 0 })
            #expect(server.mcpCancelledRequestIDs == ["42"])
            #expect(server.mcpRequestCount(method: "notifications/cancelled") == 1)

            // A client that goes away ends the call too.
            let call = Task {
                try await mcp.send(body: #"{"jsonrpc":"2.0","id":"s2","method":"tools/call","params":{"name":"slow"}}"#)
            }
            #expect(try await eventually { server.mcpToolCallsInFlight == 1 })
            call.cancel()
            _ = await call.result
            #expect(try await eventually { server.mcpToolCallsInFlight == 0 })
        }
    }

    @Test("shutdown ends an open server stream at once")
    func shutdownWithOpenStream() async throws {
        var configuration = MockServerConfiguration()
        // A stop that waited for the stream would take this long (beyond the test's time limit).
        configuration.shutdownGracePeriod = .seconds(3600)
        let server = MockAIYouServer(configuration: configuration)
        try await server.start()
        var mcp = MCPTestClient(server)
        try await mcp.initialize()
        let response = try await mcp.open(.GET)
        #expect(try await eventually { server.mcpOpenServerStreams == 1 })
        try await server.shutdown()
        var reader = MCPStreamReader(response)
        await reader.readToEnd()
        #expect(server.mcpOpenServerStreams == 0)
    }
}
