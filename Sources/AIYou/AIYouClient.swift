import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Tracing

/// The AI.YOU client. Create one per application (it holds a connection pool and the session
/// token), share it freely between tasks, and shut it down when done:
///
/// ```swift
/// try await withAIYouClient(Configuration(credentials: .bearerToken(key))) { client in
///     let answer = try await client.chatCompletion(.init(messages: [.text("Bonjour")], assistantID: "602"))
///     print(answer.text)
/// }
/// ```
/// Every method validates its input before sending anything and throws ``AIYouError``.
public final class AIYouClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    let pipeline: RequestPipeline
    /// Set once the service has answered a non-streamed chat request with the "Stream options"
    /// error: later calls stream straight away instead of failing first.
    let nonStreamingChatUnsupported = Atomic<Bool>(false)
    /// Set once an LLMaaS server has refused `stream_options`: later streams no longer ask for
    /// usage (``Configuration/LLMaaSSettings/streamUsage``).
    let streamUsageRefused = Atomic<Bool>(false)
    /// Set once the service has refused `encoding_format` on an embeddings request: later
    /// requests ask for decimal numbers straight away.
    let base64EmbeddingsRefused = Atomic<Bool>(false)

    /// Creates a client with its own connection pool, on the shared NIO event loop group.
    /// Throws ``AIYouError/Code/invalidConfiguration`` when the configuration cannot work.
    /// Call ``shutdown()`` when done (or use ``withAIYouClient(_:isolation:_:)``).
    public convenience init(configuration: Configuration) throws {
        let baseURL = try configuration.validated()
        let http = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: Self.httpConfiguration(for: configuration)
        )
        self.init(configuration: configuration, baseURL: baseURL, http: http, owns: true)
    }

    /// Creates a client that borrows `httpClient`: its pool, TLS, connect and read timeouts apply,
    /// so this configuration's ``Configuration/connectionPool`` and ``Configuration/Timeouts/connect``
    /// are not used; the deadlines of each call (``Configuration/Timeouts/request``, `upload`, and
    /// `streamIdle` for stream events) and the ``Configuration/limits`` still are.
    /// ``shutdown()`` does not shut `httpClient` down. Throws ``AIYouError/Code/invalidConfiguration``.
    public convenience init(configuration: Configuration, httpClient: HTTPClient) throws {
        let baseURL = try configuration.validated()
        self.init(configuration: configuration, baseURL: baseURL, http: httpClient, owns: false)
    }

    private convenience init(configuration: Configuration, baseURL: String, http: HTTPClient, owns: Bool) {
        self.init(configuration: configuration, transport: HTTPClientTransport(http: http, ownsHTTPClient: owns, baseURL: baseURL))
    }

    /// A client over any transport (tests drive the pipeline through a scripted one).
    init(configuration: Configuration, transport: any Transport) {
        self.configuration = configuration
        self.pipeline = RequestPipeline(transport: transport, configuration: configuration)
    }

    /// A task executor on one of the client's event loops (the next one, round robin), for callers
    /// that make calls one after another and want them to run without a thread hop; see
    /// ``EventLoopTaskExecutor``.
    public func eventLoopExecutor() -> EventLoopTaskExecutor {
        pipeline.transport.nextEventLoopExecutor()
    }

    /// Drops cached answers of `groups` (everything when empty), e.g. after changes made
    /// elsewhere. Does nothing when ``Configuration/cache`` is disabled.
    public func invalidateCache(_ groups: Set<CacheGroup> = []) {
        pipeline.cache?.invalidate(groups)
    }

    /// Hits, misses, evictions and entries of the response cache (all zero when it is disabled).
    public var cacheStatistics: CacheStatistics {
        pipeline.cache?.statistics ?? CacheStatistics(hits: 0, misses: 0, evictions: 0, entries: 0)
    }

    /// Closes the connection pool (when the client owns it). Calls waiting in the rate limiter
    /// or in a backoff end at once, and calls in flight on an owned pool fail, with
    /// ``AIYouError/Code/clientShutdown``; later calls fail the same way. Calling it twice is
    /// harmless. Throws ``AIYouError/Code/clientShutdown`` when the pool did not close cleanly.
    public func shutdown() async throws {
        guard pipeline.markShutDown() else { return }
        let failure: (any Error)?
        do {
            try await pipeline.transport.shutdown()
            failure = nil
        } catch {
            failure = error
        }
        // After the pool: a login or cache load still in flight has failed with it by now.
        await pipeline.tasks.cancelAndJoin()
        if let failure {
            throw AIYouError(.clientShutdown, "the connection pool did not shut down cleanly", underlying: failure)
        }
    }

    static func httpConfiguration(for configuration: Configuration) -> HTTPClient.Configuration {
        httpConfiguration(timeouts: configuration.timeouts, connectionPool: configuration.connectionPool)
    }

    /// The AsyncHTTPClient settings of a client's own pool (also the MCP toolbox's).
    package static func httpConfiguration(
        timeouts: Configuration.Timeouts,
        connectionPool: Configuration.ConnectionPool
    )
        -> HTTPClient.Configuration
    {
        var http = HTTPClient.Configuration()
        // No read timeout: every read already has a deadline of the client's own (the request's
        // for a whole answer, the stream watchdog's phases for a stream), and AsyncHTTPClient's
        // idle-read timer is rescheduled on every read, about 9 allocations per call.
        http.timeout = .init(connect: TimeAmount(timeouts.connect), read: nil)
        http.connectionPool = .init(
            idleTimeout: TimeAmount(connectionPool.idleTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: connectionPool.maxConnectionsPerHost
        )
        http.connectionPool.preWarmedHTTP1ConnectionCount = connectionPool.preWarmedConnections
        // Connection failures surface at once and go through our retry policy (logged, bounded,
        // cancellable) instead of AsyncHTTPClient silently reconnecting until the connect timeout.
        http.connectionPool.retryConnectionEstablishment = false
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        http.httpVersion = .automatic
        // The client records the span of each attempt itself, as a child of the call's span:
        // AsyncHTTPClient starts its own on the event loop, where the caller's trace context is
        // not visible, so its spans would be orphans. (With no tracer it would also start a
        // no-op span and fill its attributes for every request: 13 % of a chat call's mallocs.)
        http.tracing.tracer = nil
        return http
    }
}

/// Creates a client, runs `body` with it and shuts it down afterwards, whether `body` returns or
/// throws. Throws what `body` throws, or ``AIYouError`` from construction.
///
/// `body` runs in the caller's isolation (top-level code, the main actor, an actor), so it may use
/// and change the caller's state; the result stays there too and need not be `Sendable`.
@discardableResult
public func withAIYouClient<Result>(
    _ configuration: Configuration,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (AIYouClient) async throws -> Result
) async throws -> Result {
    let client = try AIYouClient(configuration: configuration)
    return try await withCleanup {
        try await body(client)
    } finally: {
        try await client.shutdown()
    }
}
