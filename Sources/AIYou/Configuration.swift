import Foundation
import Logging

/// Everything an ``AIYouClient`` needs: where the service is, who you are, and how to behave
/// under load and failure. Every property has a sensible default except ``credentials``.
///
/// ```swift
/// var configuration = Configuration(credentials: .emailPassword(email: "me@example.com", password: secret))
/// configuration.retry.maxRetries = 4
/// configuration.timeouts.request = .seconds(30)
/// ```
public struct Configuration: Sendable {
    /// Which service the client speaks to: ``ServiceAPI/aiyou`` (the default) or
    /// ``ServiceAPI/llmaas``. It decides the paths, the shape of some bodies and which
    /// operations exist; everything else (retries, limiter, cache, metrics, limits) is shared.
    public var api: ServiceAPI
    /// Scheme, host and optional port (and path prefix) of the service, e.g. `https://ai.dragonflygroup.fr`.
    /// Must be an absolute `https` URL; `http` is accepted for loopback hosts only, unless
    /// ``allowsInsecureHTTP`` is set.
    public var baseURL: String
    /// How the client authenticates.
    public var credentials: Credentials
    /// Allow plain `http://` to a non-loopback host (credentials would travel in clear text).
    public var allowsInsecureHTTP: Bool = false
    /// Connection, request and stream timeouts.
    public var timeouts: Timeouts = .init()
    /// Connection pool sizing.
    public var connectionPool: ConnectionPool = .init()
    /// Which failures are retried, and how long to wait between attempts.
    public var retry: Retry = .init()
    /// Client-side rate limit; `nil` (the default) sends as fast as callers ask. Either way, a 429
    /// with `Retry-After` holds every request back until the service's delay has passed.
    public var rateLimit: RateLimit? = nil
    /// A quota in requests and output tokens per window, kept in a store that several clients
    /// (the replicas of a service) may share; `nil` (the default) for none. See ``Quota``.
    public var quota: Quota? = nil
    /// Pacing from the service's rate-limit headers and 429s; `nil` (the default) for none. See
    /// ``AdaptivePacing``.
    public var adaptivePacing: AdaptivePacing? = nil
    /// In-memory cache of rarely changing reads; off unless enabled.
    public var cache: Cache = .disabled
    /// Where the client logs (at `debug` and `trace` only). Default: discards everything.
    public var logger: Logger = Configuration.disabledLogger
    /// Sent as `User-Agent` on every request.
    public var userAgent: String = "AIYou-Swift/1.0"
    /// Log in again this long before the token's `expires_at` (or at half the token's remaining
    /// lifetime, if that is sooner).
    public var tokenRefreshMargin: Duration = .seconds(60)
    /// How much the client reads from the service, whatever the service sends.
    public var limits: Limits = .init()
    /// Where metrics and spans go (by default: the backends the application bootstrapped).
    public var observability: Observability = .init()
    /// Moves `<think>…</think>` out of a chat answer's text into its reasoning
    /// (``AssistantMessage/reasoning``, ``ChatCompletionChunk/Delta/reasoning``), for reasoning
    /// models served without a reasoning parser, which write their thinking into the content. In
    /// whole answers and in streams (a tag may be cut across chunks). Off by default: a text may
    /// legitimately contain the tag.
    public var splitsThinkTags: Bool = false
    /// What the client asks of an LLMaaS (OpenAI-compatible) server beyond the basics; read only
    /// when ``api`` is ``ServiceAPI/llmaas``.
    public var llmaas: LLMaaSSettings = .init()

    /// The clocks the client reads and sleeps on; tests replace them.
    var timeSource: TimeSource = .system

    /// Creates a configuration for `api` (default AI.YOU) at `baseURL` (default: that service's
    /// production address, ``ServiceAPI/defaultBaseURL``) with `credentials`.
    ///
    /// ```swift
    /// let aiyou = Configuration(credentials: .emailPassword(email: "me@example.com", password: secret))
    /// let llmaas = Configuration(api: .llmaas, credentials: .apiKey(key))
    /// ```
    public init(api: ServiceAPI = .aiyou, baseURL: String? = nil, credentials: Credentials) {
        self.api = api
        self.baseURL = baseURL ?? api.defaultBaseURL
        self.credentials = credentials
    }

    /// A logger that drops every message, used when none is configured.
    public static var disabledLogger: Logger {
        Logger(label: "aiyou", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Timeouts applied to every request. Each attempt (a retry is a new attempt) gets them anew.
    public struct Timeouts: Sendable, Hashable {
        /// Time allowed to open a TCP (and TLS) connection.
        public var connect: Duration = .seconds(10)
        /// How long one attempt may take from sending the request until its answer is in hand:
        /// the whole body of a JSON answer; for a stream, its opening (the response headers and,
        /// when the service refuses, the whole error body). The events of an open stream are
        /// governed by ``streamIdle`` instead, and uploads by ``upload``.
        public var request: Duration = .seconds(120)
        /// The longest a stream may go without progress while you wait for it: text, reasoning, a
        /// piece of tool-call arguments, a new tool call, its first finish reason or usage, or its
        /// end. Comments, keep-alive lines and chunks that add nothing (empty `choices`, empty
        /// deltas, the role again) do not count, so a server sending only those ends like a
        /// silent one, with ``AIYouError/Code/timeout``.
        public var streamIdle: Duration = .seconds(120)
        /// What ``request`` is for an upload (an audio file, a batch file): sending the file and
        /// receiving the answer, so that a 25 MiB file over a slow link does not fail because of
        /// the request timeout. (A 100 MB batch file needs 1.4 Mbit/s to fit in the default.)
        public var upload: Duration = .seconds(600)

        /// Default timeouts: connect 10 s, request 120 s, stream idle 120 s, upload 600 s.
        public init() {}

        /// Timeouts with the given values.
        public init(
            connect: Duration = .seconds(10),
            request: Duration = .seconds(120),
            streamIdle: Duration = .seconds(120),
            upload: Duration = .seconds(600)
        ) {
            self.connect = connect
            self.request = request
            self.streamIdle = streamIdle
            self.upload = upload
        }
    }

    /// Bounds on what the client reads, so that no answer can make it allocate, loop or wait
    /// without end. Going beyond one fails the call with ``AIYouError/Code/limitExceeded`` and
    /// closes the connection.
    public struct Limits: Sendable, Hashable {
        /// The largest body of a successful non-streamed answer, and the most text
        /// ``ChatCompletionStream/collect()`` assembles; also the most audio a speech call reads
        /// when it gives no `maxBytes`. Default 32 MiB.
        public var maxResponseBodyBytes: Int = 32 * 1024 * 1024
        /// How much of an error answer's body is read (for its message and excerpt); the rest is
        /// not read. Default 64 KiB.
        public var maxErrorBodyBytes: Int = 64 * 1024
        /// The longest line, and the largest event, of a stream. Default 1 MiB.
        public var maxStreamEventBytes: Int = 1024 * 1024
        /// The most pages of threads walked by ``AIYouClient/allThreads(search:itemsPerPage:options:)``,
        /// ``AIYouClient/fetchAllThreads(search:itemsPerPage:maxConcurrentRequests:options:)`` and
        /// ``AIYouClient/thread(id:options:)``, whatever totals the service claims. Default 1,000
        /// (50,000 threads at 50 per page).
        public var maxPages: Int = 1000
        /// The most bytes of threads a walk of the thread list holds at once: everything
        /// ``AIYouClient/fetchAllThreads(search:itemsPerPage:maxConcurrentRequests:options:)`` returns
        /// and the pages it read ahead; the one page
        /// ``AIYouClient/allThreads(search:itemsPerPage:options:)`` and ``AIYouClient/thread(id:options:)``
        /// hold while you iterate. A thread counts the UTF-8 bytes of its text fields (id, content,
        /// names, first message…) plus 256 bytes for the rest of it. As soon as a page makes the
        /// walk hold more, the walk stops with ``AIYouError/Code/limitExceeded`` (an iteration of
        /// `allThreads` has delivered the threads of the pages before it).
        ///
        /// Default 256 MiB: a whole walk of ``maxPages`` pages of 50 threads fits when a thread
        /// averages about 5 KiB, and so do seven pages filled up to ``maxResponseBodyBytes``, while
        /// a service that answers every page with 32 MiB makes the client hold the budget and the
        /// one page that crosses it (until the error drops them), not the 32 GiB of 1,000 such
        /// pages.
        public var maxCollectedBytes: Int = 256 * 1024 * 1024

        /// The default limits.
        public init() {}

        /// Limits with the given values.
        public init(
            maxResponseBodyBytes: Int = 32 * 1024 * 1024,
            maxErrorBodyBytes: Int = 64 * 1024,
            maxStreamEventBytes: Int = 1024 * 1024,
            maxPages: Int = 1000,
            maxCollectedBytes: Int = 256 * 1024 * 1024
        ) {
            self.maxResponseBodyBytes = maxResponseBodyBytes
            self.maxErrorBodyBytes = maxErrorBodyBytes
            self.maxStreamEventBytes = maxStreamEventBytes
            self.maxPages = maxPages
            self.maxCollectedBytes = maxCollectedBytes
        }
    }

    /// How many connections the client keeps to the service.
    public struct ConnectionPool: Sendable, Hashable {
        /// Upper bound on concurrent HTTP/1.1 connections to the service. Requests beyond it wait
        /// for a free connection. (Over HTTP/2 one connection carries many requests.)
        public var maxConnectionsPerHost: Int = 16
        /// Close a connection after it has been idle this long.
        public var idleTimeout: Duration = .seconds(60)
        /// Connections opened ahead of time and kept open.
        public var preWarmedConnections: Int = 0

        /// Default pool: 16 connections, 60 s idle timeout, none pre-warmed.
        public init() {}

        /// A pool with the given sizing.
        public init(maxConnectionsPerHost: Int = 16, idleTimeout: Duration = .seconds(60), preWarmedConnections: Int = 0) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.idleTimeout = idleTimeout
            self.preWarmedConnections = preWarmedConnections
        }
    }

    /// Retries of transient failures. The delay grows exponentially from ``initialDelay`` up to
    /// ``maxDelay``, with random jitter; a `Retry-After` header from the server replaces it.
    ///
    /// What is retried depends on the request:
    /// - Reads and deletions (GET, DELETE, login, the model catalogue, embeddings, rerank) are
    ///   retried after a connection failure, a broken connection, and 408, 429, 500, 502, 503, 504.
    /// - Requests that create or generate something (chat completions and streams, saving a
    ///   conversation, creating a model, uploads) are retried only when the service did not
    ///   process them: the connection failed before the request was sent, or the answer was 408,
    ///   429 or 503 (with or without `Retry-After`: a 503 means the request was not handled, as
    ///   when a load balancer has no backend for it). After 500, 502 and 504, and after a
    ///   connection that broke once the request was sent, the work may have been done, so they
    ///   are not sent again. Set ``retriesNonIdempotent`` to retry them like reads.
    ///
    /// Whatever breaks where, one call sends at most ``maxRetries`` + 1 requests (a stream's
    /// reopenings count), plus one after the client logged in again on a 401.
    public struct Retry: Sendable, Hashable {
        /// Retries after the first attempt (0 disables retrying).
        public var maxRetries: Int = 2
        /// Delay before the first retry.
        public var initialDelay: Duration = .milliseconds(500)
        /// Upper bound of any computed delay.
        public var maxDelay: Duration = .seconds(10)
        /// Fraction (0…1) of each delay that is randomised, so that many clients do not retry in step.
        public var jitter: Double = 0.2
        /// The longest server-requested delay (`Retry-After`, `retry-after-ms`, rate-limit reset)
        /// the client waits out. A longer one fails at once with ``AIYouError/Code/rateLimited`` and
        /// the service's delay in ``AIYouError/retryAfter``.
        /// It is also the longest that a 429 holds back every caller of the client: beyond it the
        /// callers fail at once with ``AIYouError/Code/rateLimited`` for that long, then the client
        /// sends again by itself.
        public var maxRetryAfter: Duration = .seconds(60)
        /// Retry requests that create or generate something (a chat completion is billed) like
        /// reads, also after they were sent: a lost answer may then mean a second generation, a
        /// second saved thread, a second upload. Default `false`.
        public var retriesNonIdempotent: Bool = false

        /// Default policy: 2 retries, 0.5 s growing ×2 up to 10 s, 20 % jitter, server delays up to
        /// 60 s, non-idempotent requests retried only when not processed (see ``Retry``).
        public init() {}

        /// A policy with the given values.
        public init(
            maxRetries: Int = 2,
            initialDelay: Duration = .milliseconds(500),
            maxDelay: Duration = .seconds(10),
            jitter: Double = 0.2,
            maxRetryAfter: Duration = .seconds(60),
            retriesNonIdempotent: Bool = false
        ) {
            self.maxRetries = maxRetries
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.jitter = jitter
            self.maxRetryAfter = maxRetryAfter
            self.retriesNonIdempotent = retriesNonIdempotent
        }

        /// Never retry.
        public static let disabled = Retry(maxRetries: 0)

        /// What makes this policy unusable, or `nil` when it is valid.
        var problem: String? {
            if maxRetries < 0 || maxRetries > 100 || initialDelay < .zero || maxDelay < initialDelay || maxDelay > WireValue.maxServerDelay
                || !(0...1).contains(jitter)
            {
                return "0 ≤ maxRetries ≤ 100, 0 ≤ initialDelay ≤ maxDelay ≤ 1 day and jitter in 0…1 are required"
            }
            if maxRetryAfter < .zero || maxRetryAfter > WireValue.maxServerDelay { return "maxRetryAfter must be between 0 and 1 day" }
            return nil
        }
    }

    /// An opt-in cache for reads that change rarely: assistants and the model catalogue, and
    /// thread pages when ``threadsTTL`` is set. Entries expire after their time to live, the least
    /// recently used go first beyond ``maxEntries``, concurrent identical misses share one request,
    /// and the client's own writes (save, delete thread, create model) invalidate what they change.
    public struct Cache: Sendable, Hashable {
        /// Whether reads are cached at all.
        public var isEnabled: Bool
        /// Time to live of `assistants()`.
        public var assistantsTTL: Duration
        /// Time to live of `models()`.
        public var modelsTTL: Duration
        /// Time to live of thread pages; `nil` leaves them uncached.
        public var threadsTTL: Duration?
        /// Most entries kept.
        public var maxEntries: Int

        /// A cache with the given settings (enabled unless `isEnabled` is false).
        public init(
            isEnabled: Bool = true,
            assistantsTTL: Duration = .seconds(60),
            modelsTTL: Duration = .seconds(300),
            threadsTTL: Duration? = nil,
            maxEntries: Int = 256
        ) {
            self.isEnabled = isEnabled
            self.assistantsTTL = assistantsTTL
            self.modelsTTL = modelsTTL
            self.threadsTTL = threadsTTL
            self.maxEntries = maxEntries
        }

        /// No caching (the default).
        public static let disabled = Cache(isEnabled: false)
        /// Caching with the default times to live: assistants 60 s, models 300 s, threads not cached.
        public static let enabled = Cache()

        func ttl(for group: CacheGroup) -> Duration? {
            guard isEnabled else { return nil }
            switch group {
            case .assistants: return assistantsTTL
            case .models: return modelsTTL
            case .threads: return threadsTTL
            }
        }
    }

    /// A client-side token bucket shared by every request of a client (streams and uploads too).
    /// Callers beyond the rate wait in arrival order; one that would wait longer than ``maxWait``
    /// fails at once with ``AIYouError/Code/rateLimited`` and the expected wait in
    /// ``AIYouError/retryAfter``.
    public struct RateLimit: Sendable, Hashable {
        /// Sustained requests per second.
        public var requestsPerSecond: Double
        /// Requests that may go at once after a quiet period.
        public var burst: Int
        /// Longest a caller waits for its turn.
        public var maxWait: Duration

        /// A limit of `requestsPerSecond`, with `burst` (default 1) and `maxWait` (default 30 s).
        public init(requestsPerSecond: Double, burst: Int = 1, maxWait: Duration = .seconds(30)) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
            self.maxWait = maxWait
        }
    }
}

extension Configuration {
    /// Checks everything that can be checked before the first request and returns the base URL
    /// normalised (no trailing slash).
    func validated() throws(AIYouError) -> String {
        try credentials.validate()
        if api == .llmaas, credentials.canRefresh {
            throw .invalidConfiguration("credentials: LLMaaS authenticates with an API key, not an e-mail and password; use .apiKey(_:)")
        }
        let trimmed = baseURL.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed),
            let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalidConfiguration("baseURL \"\(Redactor.redactPatterns(in: trimmed))\" is not an absolute http(s) URL")
        }
        guard scheme == "https" || scheme == "http" else {
            throw .invalidConfiguration("baseURL scheme \"\(scheme)\" is not supported; use https")
        }
        if components.user != nil || components.password != nil {
            throw .invalidConfiguration("baseURL must not carry a user or password; use credentials")
        }
        if components.query != nil || components.fragment != nil {
            throw .invalidConfiguration("baseURL must not have a query or fragment")
        }
        if scheme == "http", !allowsInsecureHTTP, !Self.isLoopback(host) {
            throw .invalidConfiguration(
                "baseURL uses plain http to \(host), which would send credentials unencrypted; use https or set allowsInsecureHTTP"
            )
        }
        if timeouts.connect <= .zero || timeouts.request <= .zero || timeouts.streamIdle <= .zero || timeouts.upload <= .zero {
            throw .invalidConfiguration("timeouts must be positive")
        }
        if connectionPool.maxConnectionsPerHost < 1 {
            throw .invalidConfiguration("connectionPool.maxConnectionsPerHost must be at least 1")
        }
        if connectionPool.preWarmedConnections < 0 || connectionPool.preWarmedConnections > connectionPool.maxConnectionsPerHost {
            throw .invalidConfiguration("connectionPool.preWarmedConnections must be between 0 and maxConnectionsPerHost")
        }
        if let problem = retry.problem { throw .invalidConfiguration("retry: \(problem)") }
        if let rateLimit {
            guard rateLimit.requestsPerSecond > 0, rateLimit.requestsPerSecond.isFinite, rateLimit.burst >= 1, rateLimit.maxWait >= .zero
            else {
                throw .invalidConfiguration("rateLimit: requestsPerSecond > 0, burst ≥ 1 and maxWait ≥ 0 are required")
            }
        }
        if let problem = quota?.problem { throw .invalidConfiguration("quota: \(problem)") }
        if let problem = adaptivePacing?.problem { throw .invalidConfiguration("adaptivePacing: \(problem)") }
        if cache.isEnabled,
            cache.maxEntries < 1
                || [cache.assistantsTTL, cache.modelsTTL, cache.threadsTTL ?? .seconds(1)].contains(where: { $0 <= .zero })
        {
            throw .invalidConfiguration("cache: maxEntries ≥ 1 and positive times to live are required")
        }
        if limits.maxResponseBodyBytes < 1024 || limits.maxErrorBodyBytes < 256 || limits.maxStreamEventBytes < 1024 || limits.maxPages < 1
            || limits.maxCollectedBytes < 1024
        {
            throw .invalidConfiguration(
                "limits: maxResponseBodyBytes ≥ 1024, maxErrorBodyBytes ≥ 256, maxStreamEventBytes ≥ 1024, maxPages ≥ 1 and maxCollectedBytes ≥ 1024 are required"
            )
        }
        var normalised = trimmed
        while normalised.hasSuffix("/") { normalised.removeLast() }
        return normalised
    }

    /// Whether `host` names this machine: `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`
    /// (also as an IPv4-mapped `::ffff:127.x.y.z`). Decided by parsing the address, so that
    /// `127.evil.example` is not loopback.
    static func isLoopback(_ host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" || bare == "localhost." { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, bare, &ipv4) == 1 {
            return withUnsafeBytes(of: &ipv4) { $0[0] } == 127
        }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, bare, &ipv6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &ipv6) { Array($0) }
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        return bytes == loopback || (bytes.prefix(12).elementsEqual(mappedPrefix) && bytes[12] == 127)
    }
}
