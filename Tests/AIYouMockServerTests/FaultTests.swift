import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@Suite("Fault injection")
struct FaultTests {
    static let chat = TestHTTP.chatBody("bonjour")

    @Test("status faults play in order, then normal answers resume")
    func statusSequence() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults(
                [
                    .status(503), .status(500, body: "plain failure", headers: ["Content-Type": "text/plain", "X-Request-Id": "r-1"]),
                    .status(204),
                ],
                for: .chatCompletions
            )
            let first = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(first.status == 503)
            #expect(try first.object()["code"] as? Int == 503)
            let second = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(second.status == 500)
            #expect(second.text == "plain failure")
            #expect(second.header("Content-Type") == "text/plain")
            #expect(second.header("X-Request-Id") == "r-1")
            let third = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(third.status == 204)
            #expect(third.body.isEmpty)
            #expect(try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat).status == 200)
            #expect(server.requestCount(.chatCompletions) == 4)
            // Faults are per route.
            #expect(try await http.send(.GET, "/api/v1/models").status == 200)
        }
    }

    @Test("faults apply before authentication, and to login")
    func beforeAuth() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.status(502)], for: .listModels)
            #expect(try await http.send(.GET, "/api/v1/models", token: nil).status == 502)
            server.enqueueFaults([.rateLimited(retryAfter: "2")], for: .login)
            let limited = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"demo@aiyou.test","password":"demo-password"}"#,
                token: nil
            )
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "2")
            #expect(try limited.object()["code"] as? Int == 429)
            _ = try await http.login()
            #expect(server.requestCount(.login) == 2)
        }
    }

    @Test("delay answers normally after the pause")
    func delay() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.delay(.milliseconds(150))], for: .assistants)
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await TestHTTP(server).send(.GET, "/api/v1/user/assistants")
            #expect(clock.now - start >= .milliseconds(150))
            #expect(response.status == 200)
        }
    }

    @Test("malformed JSON, malformed SSE, wrong content type and empty body")
    func brokenBodies() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.malformedJSON, .malformedSSE, .wrongContentType, .emptyBody], for: .chatCompletions)

            let json = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(json.status == 200)
            #expect(json.header("Content-Type") == "application/json")
            #expect(throws: (any Error).self) { try json.json() }

            let sse = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("x", stream: true))
            #expect(sse.status == 200)
            #expect(sse.header("Content-Type") == "text/event-stream")
            let data = try #require(sse.text.components(separatedBy: "\n").first { $0.hasPrefix("data: ") })
            #expect(throws: (any Error).self) {
                try JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8))
            }

            let html = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(html.status == 200)
            #expect(html.header("Content-Type") == "text/html")
            #expect(html.text == "<html>oops</html>")

            let empty = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            #expect(empty.status == 200)
            #expect(empty.body.isEmpty)
            #expect(empty.header("Content-Type") == "application/json")
        }
    }

    @Test("dropConnection closes the connection without a response; the next request is fine")
    func dropConnection() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.dropConnection], for: .threads)
            await #expect(throws: (any Error).self) {
                _ = try await http.send(.GET, "/api/v1/user/threads")
            }
            let after = try await http.send(.GET, "/api/v1/user/threads")
            #expect(after.status == 200)
            #expect(server.requestCount(.threads) == 2)
        }
    }

    @Test("dropStreamAfter sends K content events then cuts the stream; non-streaming requests are dropped")
    func dropStream() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.dropStreamAfter(events: 3)], for: .chatCompletions)
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
            request.body = .bytes(ByteBuffer(string: TestHTTP.chatBody("coupé", stream: true)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            #expect(response.status == .ok)
            var received = ""
            await #expect(throws: (any Error).self) {
                for try await buffer in response.body {
                    received += String(buffer: buffer)
                }
            }
            let events = received.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
            #expect(events.count == 3)
            #expect(!received.contains("[DONE]"))

            // On a non-streaming request, or another route, it drops the connection.
            server.enqueueFaults([.dropStreamAfter(events: 1)], for: .chatCompletions)
            server.enqueueFaults([.dropStreamAfter(events: 1)], for: .assistants)
            let http = TestHTTP(server)
            await #expect(throws: (any Error).self) {
                _ = try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat)
            }
            await #expect(throws: (any Error).self) {
                _ = try await http.send(.GET, "/api/v1/user/assistants")
            }
            #expect(try await http.send(.POST, "/api/v1/chat/completions", json: Self.chat).status == 200)
        }
    }

    @Test("hang holds the request until the client gives up, then frees the connection")
    func hangUntilClientLeaves() async throws {
        try await MockAIYouServer.withRunning { server in
            try await withHTTPClient { client in
                var http = TestHTTP(server, client: client)
                http.timeout = .milliseconds(200)
                server.enqueueFaults([.hang], for: .assistants)
                let clock = ContinuousClock()
                let start = clock.now
                await #expect(throws: (any Error).self) {
                    _ = try await http.send(.GET, "/api/v1/user/assistants")
                }
                #expect(clock.now - start >= .milliseconds(200))
                try await client.shutdown()
                #expect(try await eventually { server.openConnections == 0 })
            }
        }
    }

    @Test("hang is released by shutdown", .timeLimit(TestTiming.limit(minutes: 1)))
    func hangReleasedByShutdown() async throws {
        let server = MockAIYouServer()
        try await server.start()
        server.enqueueFaults([.hang], for: .assistants)
        // The request's own deadline is far beyond the test's time limit: if the request ends,
        // the shutdown released it (no wall-clock measurement needed).
        let http = TestHTTP(server).timeout(.hours(1))
        let request = Task { try await http.send(.GET, "/api/v1/user/assistants") }
        #expect(try await eventually { server.requestCount(.assistants) == 1 })
        try await server.shutdown()
        await #expect(throws: (any Error).self) { _ = try await request.value }
    }

    @Test("random failure rate applies to all routes but login, reproducibly")
    func randomFailures() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            try await MockAIYouServer.withRunning { server in
                let http = TestHTTP(server)
                server.setRandomFailureRate(0.5, status: 503, seed: seed)
                var statuses: [Int] = []
                for _ in 0..<40 {
                    statuses.append(try await http.send(.GET, "/api/v1/models").status)
                }
                for _ in 0..<5 {
                    _ = try await http.login()
                }
                server.setRandomFailureRate(0)
                #expect(try await http.send(.GET, "/api/v1/models").status == 200)
                return statuses
            }
        }
        let first = try await run(seed: 7)
        let second = try await run(seed: 7)
        #expect(first == second)
        let failures = first.filter { $0 == 503 }.count
        #expect(failures > 5 && failures < 35)
        #expect(Set(first) == [200, 503])
    }
}
