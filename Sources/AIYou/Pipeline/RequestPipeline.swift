import Logging
import NIOCore

/// The one path every call takes, as a chain of stages around the ``Transport``, each in its own
/// file with one job:
///
///     observe → cache → retry → limiter → credentials → attempt → transport
///
/// - ``ObserveStage``: the call's observer (span, metrics) and its trace context;
/// - ``CacheStage``: cacheable reads answered from the cache, stale families dropped after writes;
/// - ``RetryStage``: the retry loop, budget and backoff; classifies answers into errors;
/// - ``LimiterStage``: the client's rate limiter, and the service's quota headers;
/// - ``CredentialsStage``: the token, and one new login after a 401 (the login goes through
///   ``LoginChain``, the stages below, never back through this type);
/// - ``AttemptStage``: one HTTP attempt: headers, deadlines, its span and logs.
///
/// The retry stage sits above the limiter and the credentials: every attempt takes its place in
/// the limiter (the service counts retries against its quota too) and carries a valid token.
/// Endpoints validate their input, build an ``APIRequest`` (what to ask) and call one of the
/// entry points here (how): ``decode(_:_:fastPath:describe:options:)`` for an answer read whole,
/// ``discardingBody(_:options:)``, or ``open(_:budget:options:consume:)`` for an answer read as it
/// comes (a stream, audio, a results file).
final class RequestPipeline: Sendable {
    let transport: any Transport
    let configuration: Configuration
    let authenticator: Authenticator
    let rateLimiter: RateLimiter
    /// `nil` when caching is off.
    let cache: ResponseCache?
    let telemetry: Telemetry
    let backoff: Backoff
    /// The tasks the client starts outside callers' tasks (logins, cache loads, the limiter's
    /// timer); the client's shutdown joins them.
    let tasks = OwnedTasks()
    private let retryPolicy: RetryPolicy
    private let numbers = RequestNumbers()
    let observe: ObserveStage
    let caching: CacheStage
    let retry: RetryStage
    let limiter: LimiterStage
    let credentials: CredentialsStage
    let attempt: AttemptStage

    init(transport: any Transport, configuration: Configuration) {
        self.transport = transport
        self.configuration = configuration
        let time = configuration.timeSource
        let authenticator = Authenticator(
            credentials: configuration.credentials,
            refreshMargin: configuration.tokenRefreshMargin,
            timeSource: time,
            tasks: tasks
        )
        self.authenticator = authenticator
        self.cache =
            configuration.cache.isEnabled ? ResponseCache(maxEntries: configuration.cache.maxEntries, timeSource: time, tasks: tasks) : nil
        self.retryPolicy = RetryPolicy(configuration: configuration.retry)
        self.rateLimiter = RateLimiter(
            configuration: configuration.rateLimit,
            maxWait: configuration.rateLimit?.maxWait ?? configuration.retry.maxRetryAfter,
            timeSource: time,
            tasks: tasks
        )
        let (credentials, limit) = (configuration.credentials, configuration.limits.maxErrorBodyBytes)
        self.telemetry = Telemetry(observability: configuration.observability, baseURL: configuration.baseURL) { text in
            ErrorMapping(credentials: credentials, authenticator: authenticator, errorBodyLimit: limit).redactor.clean(text, limit: 65_536)
        }
        let backoff = Backoff(timeSource: time, shutdownSignal: ShutdownSignal())
        self.backoff = backoff
        let quota = configuration.quota.map { [tasks] in QuotaGate(quota: $0, backoff: backoff, tasks: tasks, logger: configuration.logger)
        }
        self.observe = ObserveStage(telemetry: telemetry, quota: quota)
        self.caching = CacheStage(cache: cache, settings: configuration.cache, credentialIdentity: configuration.credentials.hashValue)
        self.retry = RetryStage(backoff: backoff, timeSource: time)
        self.limiter = LimiterStage(
            rateLimiter: rateLimiter,
            maxRetryAfter: configuration.retry.maxRetryAfter,
            timeSource: time,
            quota: quota,
            pacer: configuration.adaptivePacing.map(AdaptivePacer.init)
        )
        if let initialRate = configuration.adaptivePacing?.initialRate { rateLimiter.pace(atMost: initialRate) }
        self.attempt = AttemptStage(
            transport: transport,
            headers: RequestHeaders(userAgent: configuration.userAgent),
            timeouts: configuration.timeouts,
            limits: configuration.limits,
            timeSource: time
        )
        let login = LoginChain(
            api: configuration.api,
            credentials: credentials,
            errorBodyLimit: limit,
            retryPolicy: retryPolicy,
            defaultLogger: configuration.logger,
            numbers: numbers,
            observe: observe,
            retry: retry,
            attempt: attempt
        )
        self.credentials = CredentialsStage(authenticator: authenticator, login: login, canRefresh: credentials.canRefresh)
    }

    /// Builds errors from failed attempts, redacting the configured secrets and every token issued.
    var errorMapping: ErrorMapping {
        ErrorMapping(
            credentials: configuration.credentials,
            authenticator: authenticator,
            errorBodyLimit: configuration.limits.maxErrorBodyBytes
        )
    }

    /// Marks the pipeline as shut down and ends every call waiting in the limiter or in a backoff
    /// with ``AIYouError/Code/clientShutdown``; `true` for the first call only.
    func markShutDown() -> Bool {
        guard backoff.shutdownSignal.fire() else { return false }
        rateLimiter.shutdown()
        return true
    }

    /// Sends `request` and decodes a JSON answer as `Output`; a cacheable read is answered from
    /// the cache when it holds a fresh entry. `fastPath`, when given, decodes the common shape of
    /// the answer and returns `nil` for anything else, which `JSONDecoder` then decodes (see
    /// ``JSONScanner``). `describe` tells the call's observer what was answered.
    func decode<Output: Decodable & Sendable>(
        _ type: Output.Type,
        _ request: APIRequest,
        fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)? = nil,
        describe: ((Output) -> CallAnswer)? = nil,
        options: RequestOptions
    ) async throws -> Output {
        try await observe.run(request.operation, request.call, describe: describe) { observer in
            try await caching.run(request, options: options, observer: observer) {
                try await self.send(request, budget: nil, options: options, observer: observer) { response, scope in
                    try WholeAnswer.decode(Output.self, from: response, fastPath: fastPath, scope: scope)
                }
            }
        }
    }

    /// Sends `request` and ignores a successful answer's body.
    func discardingBody(_ request: APIRequest, options: RequestOptions) async throws {
        try await observe.run(request.operation, request.call) { observer in
            try await caching.run(request, options: options, observer: observer) {
                try await self.send(request, budget: nil, options: options, observer: observer) { _, _ in }
            }
        }
    }

    /// Opens a call whose answer is read as it comes (a stream, audio, a results file): sends
    /// `request` until a success, hands it to `consume`, and hands the call's observer to what
    /// `consume` returns, which reports the call's end (only a failure to open is reported here).
    /// `budget` is shared with the reopenings of a stream (``reopen(after:_:budget:options:observer:consume:)``).
    func open<Output: Sendable>(
        _ request: APIRequest,
        budget: RetryBudget? = nil,
        options: RequestOptions,
        consume: (TransportResponse, ErrorMapping, (any CallObserver)?) async throws -> Output
    ) async throws -> Output {
        try await observe.open(request.operation, request.call) { observer in
            try await send(request, budget: budget, options: options, observer: observer) { response, scope in
                try await consume(response, scope.mapping, observer)
            }
        }
    }

    /// Opens again a stream that broke with `failure` before any chunk reached the caller, when
    /// the retry rules and the call's `budget` allow it (after the backoff); throws the error the
    /// caller should see otherwise. `observer` is the call's, already started by ``open(_:budget:options:consume:)``.
    func reopen<Output: Sendable>(
        after failure: TransportError,
        _ request: APIRequest,
        budget: RetryBudget,
        options: RequestOptions,
        observer: (any CallObserver)?,
        consume: (TransportResponse, ErrorMapping) async throws -> Output
    ) async throws -> Output {
        let scope = scope(for: request, budget: budget, options: options, observer: observer)
        try await retry.prepareReopen(after: failure, scope: scope)
        return try await send(request, budget: budget, options: options, observer: observer) { response, scope in
            try await consume(response, scope.mapping)
        }
    }

    /// Waits `delay` on the configured clock (a poll's interval); see ``Backoff/pause(_:operation:waitingTo:underlying:)``.
    func pause(_ delay: Duration, operation: AIYouOperation, waitingTo purpose: String) async throws {
        try await backoff.pause(delay, operation: operation, waitingTo: purpose)
    }

    /// Runs `request` through the stages below the cache until it succeeds or fails for good, and
    /// hands the successful answer to `consume`, whose error is final.
    private func send<Output: Sendable>(
        _ request: APIRequest,
        budget: RetryBudget?,
        options: RequestOptions,
        observer: (any CallObserver)?,
        consume: (TransportResponse, CallScope) async throws -> Output
    ) async throws -> Output {
        // The service offers the operation: the request's path was found in the table
        // (``APIRequest/init(_:on:suffix:method:query:body:accept:)`` threw otherwise).
        try options.validate(operation: request.operation)
        let request = try request.addingExtraBodyFields(options.extraBodyFields)
        var scope = scope(for: request, budget: budget, options: options, observer: observer)
        let response = try await retry.send(&scope) { scope in
            try await limiter.send(&scope) { scope in
                try await credentials.send(&scope) { scope in
                    try await attempt.send(&scope)
                }
            }
        }
        return try await consume(response, scope)
    }

    func scope(for request: APIRequest, budget: RetryBudget?, options: RequestOptions, observer: (any CallObserver)?) -> CallScope {
        CallScope(
            request: request,
            options: options,
            defaultLogger: configuration.logger,
            requestID: numbers.next(),
            observer: observer,
            mapping: errorMapping,
            retryPolicy: retryPolicy,
            budget: budget
        )
    }
}
