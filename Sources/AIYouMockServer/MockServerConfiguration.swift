import Logging

/// Everything that shapes a ``MockAIYouServer`` when it starts, and how long it takes to stop.
///
/// Every property has a default, so `MockServerConfiguration()` gives a server on
/// `127.0.0.1` with a free port, the ``MockAccount/demo`` account, the
/// ``MockAccount/demoAPIKey`` API key and the ``MockResponseShape/primary`` shape.
/// The streaming settings, the shape and the shared quota are only initial values: they can be
/// changed on a running server through ``MockAIYouServer``'s properties.
public struct MockServerConfiguration: Sendable {
    /// The address to bind. Loopback by default.
    public var host: String = "127.0.0.1"
    /// The port to bind; `0` lets the system pick a free port (read it back with ``MockAIYouServer/port``).
    public var port: Int = 0
    /// The accounts that can log in with `POST /api/login`.
    public var accounts: [MockAccount] = [.demo]
    /// Bearer tokens accepted on every `/api/v1` route without logging in, and the API keys of
    /// the LLMaaS routes (`/v1/…`, `/v2/rerank`); they never expire.
    public var apiKeys: Set<String> = [MockAccount.demoAPIKey]
    /// How long a token issued by `POST /api/login` stays valid.
    public var tokenLifetime: Duration = .seconds(3600)
    /// The response shape the server starts with (see ``MockResponseShape``); it applies to the
    /// AI.YOU routes only, the LLMaaS routes have one shape.
    public var shape: MockResponseShape = .primary
    /// How many content chunks a streamed chat answer is split into (the text of an LLMaaS
    /// answer too; its tool calls are streamed in fragments of their own).
    public var streamChunkCount: Int = 8
    /// The pause between two events of a streamed chat answer; `.zero` streams without pausing.
    public var streamChunkInterval: Duration = .zero
    /// How many conversation threads exist when the server starts.
    public var seededThreadCount: Int = 23
    /// When `true`, an AI.YOU chat completion without `"stream": true` is refused with the
    /// "Stream options" error the real service has been seen to send (LLMaaS chat is not
    /// affected).
    public var requireStreaming: Bool = false
    /// When `true`, an LLMaaS chat request carrying `stream_options` is refused with 400
    /// `Unrecognized request argument supplied: stream_options` (param `stream_options`), as
    /// OpenAI-compatible servers that do not report streamed usage answer. `false` by default.
    public var refusesStreamOptions: Bool = false
    /// When `true`, an LLMaaS stream that asked for usage gets it on the chunk with the finish
    /// reason instead of in a last chunk with `"choices":[]` (both occur in the wild). `false` by
    /// default.
    public var usageOnFinishChunk: Bool = false
    /// Where the server logs; `nil` keeps it silent.
    public var logger: Logger? = nil
    /// How long a graceful stop (``MockAIYouServer/shutdown()``, or ``MockAIYouServer/run()``
    /// told to stop) waits for requests in flight to finish: once it has passed, the connections
    /// still open are closed and the server stops. Held and endless answers (``MockFault/hang``,
    /// ``MockFault/endlessComments(interval:)`` and the like) end as soon as the stop begins and
    /// never make it wait; a streamed answer paced by ``streamChunkInterval`` runs to its end
    /// within this time. 10 seconds by default.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// One quota shared by every caller of the server: requests and output tokens admitted per
    /// window, the excess refused with 429 (see ``MockSharedQuota`` and <doc:SharingAQuota>).
    /// Its windows start when the server starts listening. `nil` (the default) limits nothing.
    /// It can be changed on a running server with ``MockAIYouServer/sharedQuota``.
    public var sharedQuota: MockSharedQuota? = nil
    /// The embedded MCP server (Model Context Protocol, Streamable HTTP transport) at
    /// ``MockAIYouServer/mcpURL``: its path, bearer token, answer mode, sessions and the
    /// behaviour of its test tools (see <doc:MCPServer>). It is always on and costs nothing
    /// unless called.
    public var mcp: MockMCPConfiguration = .init()

    /// Creates the default configuration.
    public init() {}

    /// Creates a configuration, overriding any of the defaults, without a shared quota.
    ///
    /// The same as ``init(host:port:accounts:apiKeys:tokenLifetime:shape:streamChunkCount:streamChunkInterval:seededThreadCount:requireStreaming:logger:shutdownGracePeriod:sharedQuota:)``
    /// with `sharedQuota` left `nil`; kept so that existing calls still compile to the same symbol.
    ///
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port to bind; `0` picks a free one.
    ///   - accounts: The accounts that can log in.
    ///   - apiKeys: Bearer tokens that are always accepted.
    ///   - tokenLifetime: The lifetime of tokens issued by login.
    ///   - shape: The initial response shape.
    ///   - streamChunkCount: The number of content chunks in a streamed answer.
    ///   - streamChunkInterval: The pause between streamed events.
    ///   - seededThreadCount: The number of threads present at start.
    ///   - requireStreaming: Whether non-streaming chat requests get the "Stream options" error.
    ///   - logger: Where to log; `nil` is silent.
    ///   - shutdownGracePeriod: How long a graceful stop lets requests in flight finish.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        accounts: [MockAccount] = [.demo],
        apiKeys: Set<String> = [MockAccount.demoAPIKey],
        tokenLifetime: Duration = .seconds(3600),
        shape: MockResponseShape = .primary,
        streamChunkCount: Int = 8,
        streamChunkInterval: Duration = .zero,
        seededThreadCount: Int = 23,
        requireStreaming: Bool = false,
        logger: Logger? = nil,
        shutdownGracePeriod: Duration = .seconds(10)
    ) {
        self.init(
            host: host,
            port: port,
            accounts: accounts,
            apiKeys: apiKeys,
            tokenLifetime: tokenLifetime,
            shape: shape,
            streamChunkCount: streamChunkCount,
            streamChunkInterval: streamChunkInterval,
            seededThreadCount: seededThreadCount,
            requireStreaming: requireStreaming,
            logger: logger,
            shutdownGracePeriod: shutdownGracePeriod,
            sharedQuota: nil
        )
    }

    /// Creates a configuration, overriding any of the defaults.
    ///
    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port to bind; `0` picks a free one.
    ///   - accounts: The accounts that can log in.
    ///   - apiKeys: Bearer tokens that are always accepted.
    ///   - tokenLifetime: The lifetime of tokens issued by login.
    ///   - shape: The initial response shape.
    ///   - streamChunkCount: The number of content chunks in a streamed answer.
    ///   - streamChunkInterval: The pause between streamed events.
    ///   - seededThreadCount: The number of threads present at start.
    ///   - requireStreaming: Whether non-streaming chat requests get the "Stream options" error.
    ///   - logger: Where to log; `nil` is silent.
    ///   - shutdownGracePeriod: How long a graceful stop lets requests in flight finish.
    ///   - sharedQuota: The quota shared by every caller; `nil` limits nothing.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        accounts: [MockAccount] = [.demo],
        apiKeys: Set<String> = [MockAccount.demoAPIKey],
        tokenLifetime: Duration = .seconds(3600),
        shape: MockResponseShape = .primary,
        streamChunkCount: Int = 8,
        streamChunkInterval: Duration = .zero,
        seededThreadCount: Int = 23,
        requireStreaming: Bool = false,
        logger: Logger? = nil,
        shutdownGracePeriod: Duration = .seconds(10),
        sharedQuota: MockSharedQuota? = nil
    ) {
        self.host = host
        self.port = port
        self.accounts = accounts
        self.apiKeys = apiKeys
        self.tokenLifetime = tokenLifetime
        self.shape = shape
        self.streamChunkCount = streamChunkCount
        self.streamChunkInterval = streamChunkInterval
        self.seededThreadCount = seededThreadCount
        self.requireStreaming = requireStreaming
        self.logger = logger
        self.shutdownGracePeriod = shutdownGracePeriod
        self.sharedQuota = sharedQuota
    }
}
