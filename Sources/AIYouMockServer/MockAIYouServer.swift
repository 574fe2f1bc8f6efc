import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Synchronization

/// An AI.YOU-compatible HTTP server that runs in-process, for tests, demos and benchmarks.
///
/// It answers every endpoint of the service (login, chat completions with and without
/// streaming, assistants, models, conversations and threads, audio transcription) in either
/// of the two response shapes seen from the live service, keeps its data in memory, and can
/// inject faults.
///
/// ```swift
/// try await MockAIYouServer.withRunning { server in
///     let client = makeClient(baseURL: server.baseURL)
///     server.enqueueFaults([.status(503), .status(503)], for: .chatCompletions)
///     // …
///     #expect(server.requestCount(.chatCompletions) == 3)
/// }
/// ```
///
/// Lifetime is explicit: ``start()`` binds and returns once the server listens; ``shutdown()``
/// stops it gracefully (in-flight requests finish, held ``MockFault/hang`` requests are let go)
/// and waits until it has stopped. A server runs once. ``withRunning(configuration:isolation:_:)``
/// does both around a closure.
public final class MockAIYouServer: Sendable {
    private struct Running: Sendable {
        let group: ServiceGroup
        let task: Task<Void, any Error>
    }

    private enum Lifecycle: Sendable {
        case idle
        case running(Running)
        case stopping(Running)
        case stopped
    }

    let state: MockServerState
    private let lifecycle = NIOLockedValueBox(Lifecycle.idle)
    private let boundPort = Atomic<Int>(0)

    /// Creates a server; it listens only once ``start()`` returns.
    ///
    /// - Parameter configuration: Address, accounts, initial shape and streaming settings.
    public init(configuration: MockServerConfiguration = .init()) {
        self.state = MockServerState(configuration: configuration)
    }

    /// Binds the configured address and returns once the server is listening, with
    /// ``port`` and ``baseURL`` known.
    ///
    /// - Throws: ``MockServerError/alreadyStarted`` when called twice; the bind error when the
    ///   address cannot be bound.
    public func start() async throws {
        let configuration = self.state.configuration
        let (listening, listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: MockRouterBuilder(state: self.state).build(),
            server: .countingHTTP1(tracker: self.state.connections),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                listeningContinuation.yield(channel.localAddress?.port ?? configuration.port)
                listeningContinuation.finish()
            },
            logger: self.state.logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: self.state.logger))

        try self.lifecycle.withLockedValue { lifecycle in
            guard case .idle = lifecycle else { throw MockServerError.alreadyStarted }
            let task = Task {
                defer { listeningContinuation.finish() }
                try await group.run()
            }
            lifecycle = .running(Running(group: group, task: task))
        }

        var iterator = listening.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // Either the server stopped before it listened (shutdown rethrows why, e.g. a bind
            // error) or the calling task was cancelled (shutdown stops the server).
            try await self.shutdown()
            try Task.checkCancellation()
            throw MockServerError.failedToStart
        }
        self.boundPort.store(port, ordering: .releasing)
        self.state.logger.info("Mock AI.YOU server listening", metadata: ["aiyou.mock.url": "\(self.baseURL)"])
    }

    /// The port the server listens on (or listened on, once stopped); `0` before ``start()``
    /// has returned.
    public var port: Int {
        self.boundPort.load(ordering: .acquiring)
    }

    /// The server's base URL, e.g. `http://127.0.0.1:54321` (valid after ``start()``).
    public var baseURL: String {
        let host = self.state.configuration.host
        let printableHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(printableHost):\(self.port)"
    }

    /// Stops the server gracefully and waits until it has stopped: it stops accepting
    /// connections, lets requests in flight finish, lets go of held requests, ends the endless
    /// answers of faults such as ``MockFault/endlessComments(interval:)``, and closes idle
    /// connections. Calling it again, or on a server never started, does nothing.
    public func shutdown() async throws {
        let running: Running? = self.lifecycle.withLockedValue { lifecycle in
            switch lifecycle {
            case .idle:
                lifecycle = .stopped
                return nil
            case .running(let running):
                lifecycle = .stopping(running)
                return running
            case .stopping(let running):
                return running
            case .stopped:
                return nil
            }
        }
        guard let running else { return }
        self.state.isStopping.store(true, ordering: .relaxed)
        await running.group.triggerGracefulShutdown()
        defer {
            self.lifecycle.withLockedValue { $0 = .stopped }
        }
        try await running.task.value
    }

    /// Starts the server and runs until the calling task is cancelled, then shuts down
    /// gracefully. Meant for long-running use such as a `serve` command.
    public func run() async throws {
        try await self.start()
        let running: Running? = self.lifecycle.withLockedValue { lifecycle in
            if case .running(let running) = lifecycle { running } else { nil }
        }
        if let running {
            await withTaskCancellationHandler {
                _ = await running.task.result
            } onCancel: {
                self.state.isStopping.store(true, ordering: .relaxed)
                Task { await running.group.triggerGracefulShutdown() }
            }
        }
        try await self.shutdown()
    }

    /// Starts a server, runs `body` with it, and always shuts it down, even when `body` throws.
    ///
    /// - Parameters:
    ///   - configuration: The server's configuration.
    ///   - isolation: The caller's actor, inherited so that `body` runs on it.
    ///   - body: What to do while the server runs.
    /// - Returns: What `body` returns.
    public static func withRunning<T: Sendable>(
        configuration: MockServerConfiguration = .init(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MockAIYouServer) async throws -> T
    ) async throws -> T {
        let server = MockAIYouServer(configuration: configuration)
        try await server.start()
        let result: T
        do {
            result = try await body(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
        return result
    }
}
