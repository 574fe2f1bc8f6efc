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
/// inject faults. On the same port it also answers Cloud Temple's OpenAI-compatible LLMaaS
/// API (`/v1/chat/completions`, `/v1/embeddings`, `/v1/rerank`, …; see <doc:LLMaaSRoutes>).
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
///
/// It is also a ServiceLifecycle `Service`: in a `ServiceGroup`, ``run()`` starts the server
/// and serves until the group shuts down gracefully (or the task is cancelled), then stops the
/// same way as ``shutdown()``. ``waitUntilListening()`` tells when a server started that way
/// listens, and on which ``port``.
///
/// A graceful stop lets requests in flight finish for at most
/// ``MockServerConfiguration/shutdownGracePeriod``; requests still running then are cut
/// (their connections closed) and the server stops.
public final class MockAIYouServer: Service, Sendable {
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
    private let listening = ListeningSignal()

    /// Creates a server; it listens only once ``start()`` returns (or, run as a service, once
    /// ``waitUntilListening()`` returns).
    ///
    /// - Parameter configuration: Address, accounts, initial shape, streaming settings and
    ///   shutdown grace period.
    public init(configuration: MockServerConfiguration = .init()) {
        self.state = MockServerState(configuration: configuration)
    }

    /// Binds the configured address and returns once the server is listening, with
    /// ``port`` and ``baseURL`` known.
    ///
    /// - Throws: ``MockServerError/alreadyStarted`` when called twice; the bind error when the
    ///   address cannot be bound; `CancellationError` when the calling task is cancelled before
    ///   the server listens (the server is then stopped).
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
        // The grace period is enforced by the group: once it has passed, the group cancels the
        // application, which closes every connection still open.
        var groupConfiguration = ServiceGroupConfiguration(services: [application], logger: self.state.logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        let group = ServiceGroup(configuration: groupConfiguration)

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
            self.listening.markFailed()
            try await self.shutdown()
            try Task.checkCancellation()
            throw MockServerError.failedToStart
        }
        self.boundPort.store(port, ordering: .releasing)
        // A configured quota's windows start now, when callers can first reach the server.
        self.state.sharedQuota.restart()
        self.listening.markListening()
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

    /// Waits until the server listens, so that ``port`` and ``baseURL`` are known: for a server
    /// started by ``run()`` (in a `ServiceGroup`, say) rather than by ``start()``.
    ///
    /// It returns at once when the server has listened already, even if it has stopped since.
    /// It does not start the server: on a server nobody starts, it waits until the task is
    /// cancelled.
    ///
    /// - Throws: ``MockServerError/failedToStart`` when the server stopped without listening
    ///   (the address could not be bound, or it was shut down first); `CancellationError` when
    ///   the waiting task is cancelled before.
    public func waitUntilListening() async throws {
        try await self.listening.wait()
    }

    /// Stops the server gracefully and waits until it has stopped: it stops accepting
    /// connections, lets requests in flight finish, lets go of held requests, ends the endless
    /// answers of faults such as ``MockFault/endlessComments(interval:)``, and closes idle
    /// connections. Requests still running after ``MockServerConfiguration/shutdownGracePeriod``
    /// are cut. Calling it again, or on a server never started, does nothing.
    ///
    /// - Throws: The error the server stopped with, if it failed (for example, the bind error
    ///   of a ``start()`` that failed).
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
        guard let running else {
            self.listening.markFailed()
            return
        }
        await self.beginStopping(running)
        defer {
            self.lifecycle.withLockedValue { $0 = .stopped }
        }
        try await running.task.value
    }

    /// Starts the server and serves until the service group it runs in shuts down gracefully,
    /// the task is cancelled, or ``shutdown()`` is called; then stops it as ``shutdown()`` does
    /// (requests in flight get up to ``MockServerConfiguration/shutdownGracePeriod`` to finish)
    /// and returns once it has stopped. This is the `Service` conformance: add the server to a
    /// `ServiceGroup`, and learn its port with ``waitUntilListening()``.
    ///
    /// - Throws: What ``start()`` throws (``MockServerError/alreadyStarted`` on a server
    ///   started before, the bind error); the error the server stopped with, if it failed.
    public func run() async throws {
        try await self.start()
        let running: Running? = self.lifecycle.withLockedValue { lifecycle in
            if case .running(let running) = lifecycle { running } else { nil }
        }
        if let running {
            // The server's task is not a child of this one: cancelling this task (or the
            // group's graceful shutdown) starts a graceful stop rather than tearing it down.
            await withTaskCancellationOrGracefulShutdownHandler {
                _ = await running.task.result
            } onCancelOrGracefulShutdown: {
                Task { await self.beginStopping(running) }
            }
        }
        try await self.shutdown()
    }

    /// Lets held and endless answers go, and asks the server to stop gracefully.
    private func beginStopping(_ running: Running) async {
        self.state.isStopping.store(true, ordering: .relaxed)
        await running.group.triggerGracefulShutdown()
    }

    /// Starts a server, runs `body` with it, and always shuts it down, even when `body` throws.
    ///
    /// `body` runs in the caller's isolation (the actor passed as `isolation`, by default the
    /// caller's own, as with `withTaskGroup`): it need not be `@Sendable`, and may capture and
    /// mutate the caller's non-`Sendable` state, or an actor's state without `await`. For the
    /// same reason `Result` needs to be neither `Sendable` nor `sending`: the value `body`
    /// returns stays in the caller's isolation domain and is handed back to the caller without
    /// crossing into another one. (Only starting and stopping the server leave the caller's
    /// actor, and they do not touch the result.)
    ///
    /// - Parameters:
    ///   - configuration: The server's configuration.
    ///   - isolation: The actor `body` runs on; defaults to the caller's.
    ///   - body: What to do while the server runs.
    /// - Returns: What `body` returns.
    /// - Throws: What ``start()`` throws; what `body` throws (after the server has stopped); what
    ///   ``shutdown()`` throws once `body` has returned.
    public static func withRunning<Result>(
        configuration: MockServerConfiguration = .init(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MockAIYouServer) async throws -> Result
    ) async throws -> Result {
        let server = MockAIYouServer(configuration: configuration)
        try await server.start()
        let result: Result
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
