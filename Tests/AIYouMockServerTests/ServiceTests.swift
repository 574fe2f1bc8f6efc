import AIYouMockServer
import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// The server as a ServiceLifecycle service, and its graceful stop.
@Suite("MockAIYouServer as a Service")
struct ServiceTests {
    static let silent = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A streamed chat request.
    static func streamRequest(_ server: MockAIYouServer) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: server.baseURL + "/api/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
        request.body = .bytes(ByteBuffer(string: TestHTTP.chatBody("Bonjour", stream: true)))
        return request
    }

    /// The `data:` payloads of a primary-shape stream.
    static func events(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    /// Polls until a new connection to `server` is refused, up to 100 tries; whether it was.
    static func eventuallyRefusesConnections(_ server: MockAIYouServer) async throws -> Bool {
        for _ in 0..<100 {
            do {
                _ = try await TestHTTP(server).timeout(.milliseconds(300)).send(.GET, "/api/v1/models", headers: [("Connection", "close")])
            } catch {
                return true
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test(
        "in a ServiceGroup: serves once listening; a graceful shutdown refuses new connections, finishes the stream in flight, and run returns"
    )
    func gracefulShutdownInGroup() async throws {
        // The grace period is a bound, not a wait: the one-second stream ends long before it, even
        // when a ThreadSanitizer run keeps the two cores busy.
        let server = MockAIYouServer(
            configuration: .init(streamChunkCount: 20, streamChunkInterval: .milliseconds(50), shutdownGracePeriod: .seconds(120))
        )
        let group = ServiceGroup(configuration: .init(services: [server], logger: Self.silent))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await server.waitUntilListening()
            #expect(server.port > 0)

            let response = try await HTTPClient.shared.execute(Self.streamRequest(server), timeout: .seconds(60))
            var body = response.body.makeAsyncIterator()
            var text = String(buffer: try #require(try await body.next()))
            await group.triggerGracefulShutdown()
            #expect(try await Self.eventuallyRefusesConnections(server), "the server kept accepting connections")
            while let buffer = try await body.next() {
                text += String(buffer: buffer)
            }
            let events = Self.events(text)
            #expect(events.count == 22, "20 content events, the final chunk and [DONE]: \(text)")
            #expect(events.last == "[DONE]")
            // The group ends once the server has stopped.
            try await tasks.waitForAll()
        }
        #expect(try await eventually { server.openConnections == 0 })
    }

    @Test("a stream longer than the grace period is cut, and shutdown still returns")
    func gracePeriodCutsLongRequests() async throws {
        // 1,000 events 20 ms apart would take 20 s.
        let server = MockAIYouServer(
            configuration: .init(streamChunkCount: 1000, streamChunkInterval: .milliseconds(20), shutdownGracePeriod: .milliseconds(100))
        )
        try await server.start()
        let response = try await HTTPClient.shared.execute(Self.streamRequest(server), timeout: .seconds(60))
        var body = response.body.makeAsyncIterator()
        var text = String(buffer: try #require(try await body.next()))
        try await server.shutdown()
        do {
            while let buffer = try await body.next() {
                text += String(buffer: buffer)
            }
        } catch {
            // The connection was closed in the middle of the body.
        }
        #expect(!text.contains("[DONE]"))
        #expect(Self.events(text).count < 1000)
    }

    @Test("run() on a port in use throws; waitUntilListening() throws failedToStart")
    func runFailsToBind() async throws {
        try await MockAIYouServer.withRunning { running in
            let clash = MockAIYouServer(configuration: .init(port: running.port))
            let listening = Task { try await clash.waitUntilListening() }
            await #expect(throws: (any Error).self) { try await clash.run() }
            await #expect(throws: MockServerError.failedToStart) { try await listening.value }
        }
    }

    @Test("waitUntilListening() returns at once on a server that listened, and throws on one shut down unstarted")
    func waitUntilListeningOutcomes() async throws {
        let server = MockAIYouServer()
        try await server.start()
        try await server.waitUntilListening()
        try await server.shutdown()
        try await server.waitUntilListening()

        let unstarted = MockAIYouServer()
        try await unstarted.shutdown()
        await #expect(throws: MockServerError.failedToStart) { try await unstarted.waitUntilListening() }
    }

    @Test("waitUntilListening() on a server nobody starts ends when its task is cancelled")
    func waitUntilListeningCancelled() async throws {
        let server = MockAIYouServer()
        let waiter = Task { try await server.waitUntilListening() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
