import AIYouMockServer
import AsyncHTTPClient
import Foundation
import Testing

@Suite("Server lifecycle, counters and connections")
struct ServerTests {
    @Test("start binds a free loopback port; shutdown is idempotent; a server runs once")
    func lifecycle() async throws {
        let server = MockAIYouServer()
        #expect(server.port == 0)
        try await server.start()
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
        await #expect(throws: MockServerError.alreadyStarted) { try await server.start() }
        #expect(try await TestHTTP(server).send(.GET, "/api/v1/models").status == 200)
        try await server.shutdown()
        try await server.shutdown()
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTP(server).timeout(.milliseconds(300)).send(.GET, "/api/v1/models")
        }
    }

    @Test("two servers run side by side on different ports")
    func twoServers() async throws {
        try await MockAIYouServer.withRunning { first in
            try await MockAIYouServer.withRunning { second in
                #expect(first.port != second.port)
                first.shape = .alternate
                #expect(second.shape == .primary)
            }
        }
    }

    @Test("a port already in use makes start throw")
    func portInUse() async throws {
        try await MockAIYouServer.withRunning { server in
            var configuration = MockServerConfiguration()
            configuration.port = server.port
            let clash = MockAIYouServer(configuration: configuration)
            await #expect(throws: (any Error).self) { try await clash.start() }
            try await clash.shutdown()
        }
    }

    @Test("run() serves until its task is cancelled")
    func runUntilCancelled() async throws {
        let server = MockAIYouServer()
        let task = Task { try await server.run() }
        #expect(try await eventually { server.port > 0 })
        #expect(try await TestHTTP(server).send(.GET, "/api/v1/models").status == 200)
        task.cancel()
        try await task.value
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTP(server).timeout(.milliseconds(300)).send(.GET, "/api/v1/models")
        }
    }

    @Test("withRunning shuts down when the body throws")
    func withRunningThrows() async throws {
        struct Boom: Error {}
        var port = 0
        await #expect(throws: Boom.self) {
            try await MockAIYouServer.withRunning { server in
                port = server.port
                throw Boom()
            }
        }
        let http = TestHTTP(baseURL: "http://127.0.0.1:\(port)").timeout(.milliseconds(300))
        await #expect(throws: (any Error).self) { _ = try await http.send(.GET, "/api/v1/models") }
    }

    @Test("counters, recorded requests and reset")
    func counters() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            _ = try await http.login()
            _ = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("un"), headers: [("X-Trace", "abc")])
            _ = try await http.send(.GET, "/api/v1/user/threads?page=2&itemsPerPage=3")
            _ = try await http.send(.GET, "/api/v1/models", token: nil)
            #expect(server.requestCount(.login) == 1)
            #expect(server.requestCount(.chatCompletions) == 1)
            #expect(server.requestCount(.threads) == 1)
            #expect(server.requestCount(.listModels) == 1)
            #expect(server.requestCount(.save) == 0)
            #expect(server.totalRequestCount == 4)
            #expect(server.issuedTokenCount == 1)

            let chat = try #require(server.recordedRequests(.chatCompletions).first)
            #expect(chat.method == "POST")
            #expect(chat.path == "/api/v1/chat/completions")
            #expect(chat.query == nil)
            #expect(chat.header("x-trace") == "abc")
            #expect(chat.header("AUTHORIZATION") == "Bearer \(MockAccount.demoAPIKey)")
            #expect(String(decoding: chat.body, as: UTF8.self) == TestHTTP.chatBody("un"))
            let threads = try #require(server.recordedRequests(.threads).first)
            #expect(threads.query == "page=2&itemsPerPage=3")
            #expect(threads.body.isEmpty)

            // Only the last 100 requests per route are kept.
            for _ in 0..<105 {
                _ = try await http.send(.GET, "/api/v1/user/assistants")
            }
            #expect(server.requestCount(.assistants) == 105)
            #expect(server.recordedRequests(.assistants).count == 100)

            server.resetCounters()
            #expect(server.totalRequestCount == 0)
            #expect(server.requestCount(.assistants) == 0)
            #expect(server.recordedRequests(.assistants).isEmpty)
            #expect(server.issuedTokenCount == 0)
            #expect(server.connectionsOpened == 0)
            #expect(MockRoute.allCases.count == 25)
            #expect(MockRoute.deleteThread.description == "DELETE /api/v1/threads/{id}")
        }
    }

    @Test("connections are counted as they open and close")
    func connections() async throws {
        try await MockAIYouServer.withRunning { server in
            try await withHTTPClient { client in
                let http = TestHTTP(server, client: client)
                for _ in 0..<3 {
                    #expect(try await http.send(.GET, "/api/v1/models").status == 200)
                }
                // Keep-alive: one connection for three sequential requests.
                #expect(server.connectionsOpened == 1)
                #expect(server.openConnections == 1)

                // Two requests held at once need two connections.
                server.enqueueFaults([.delay(.milliseconds(100)), .delay(.milliseconds(100))], for: .listModels)
                async let first = http.send(.GET, "/api/v1/models")
                async let second = http.send(.GET, "/api/v1/models")
                let statuses = try await [first.status, second.status]
                #expect(statuses == [200, 200])
                #expect(server.connectionsOpened == 2)
                #expect(server.openConnections == 2)

                try await client.shutdown()
                #expect(try await eventually { server.openConnections == 0 })
                #expect(server.connectionsOpened == 2)
                server.resetCounters()
                #expect(server.connectionsOpened == 0)
            }
        }
    }

    @Test("the shape switches at runtime for every later request")
    func shapeSwitching() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            #expect(server.shape == .primary)
            let wrapped = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a")).object()
            #expect(wrapped["response"] != nil)
            server.shape = .alternate
            let bare = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a")).object()
            #expect(bare["response"] == nil)
            #expect(bare["object"] as? String == "chat.completion")
            let streamed = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a", stream: true))
            #expect(streamed.text.hasPrefix(": keep-alive\r\n"))
            server.shape = .primary
            let again = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a", stream: true))
            #expect(again.text.hasSuffix("data: [DONE]\n\n"))

            server.streamChunkCount = 2
            #expect(server.streamChunkCount == 2)
            let two = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("a", stream: true))
            #expect(two.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }.count == 3)
            server.streamChunkInterval = .milliseconds(1)
            #expect(server.streamChunkInterval == .milliseconds(1))
        }
    }

    @Test("unknown paths get 404 and are not counted")
    func unknownPath() async throws {
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(.GET, "/api/v1/nothing")
            #expect(response.status == 404)
            #expect(server.totalRequestCount == 0)
        }
    }
}
