import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Tracing

/// The one path every request takes: validate (done by the endpoint before it builds the
/// ``APIRequest``) → cache lookup (reads) → rate limiter → credentials (login / refresh, single
/// flight) → send through the ``Transport`` → classify → retry (``RetryPolicy``) or consume the
/// answer → cache store / invalidate. Endpoints say *what*; this type owns *how*.
final class RequestPipeline: Sendable {
    let transport: any Transport
    let configuration: Configuration
    let authenticator: Authenticator
    let rateLimiter: RateLimiter
    /// `nil` when caching is off.
    let cache: ResponseCache?
    /// Part of every cache key, so that entries can never cross credentials.
    private let credentialIdentity: Int
    let retryPolicy: RetryPolicy
    private let staticHeaders: HTTPHeaders
    private let requestCounter = Atomic<UInt64>(0)
    private let isShutDown = Atomic<Bool>(false)
    private let shutdownSignal = ShutdownSignal()
    private let headerSets = HeaderSets()
    let telemetry: Telemetry

    init(transport: any Transport, configuration: Configuration) {
        self.transport = transport
        self.configuration = configuration
        self.authenticator = Authenticator(
            credentials: configuration.credentials,
            refreshMargin: configuration.tokenRefreshMargin,
            timeSource: configuration.timeSource
        )
        self.cache =
            configuration.cache.isEnabled
            ? ResponseCache(maxEntries: configuration.cache.maxEntries, timeSource: configuration.timeSource) : nil
        self.credentialIdentity = configuration.credentials.hashValue
        self.retryPolicy = RetryPolicy(configuration: configuration.retry)
        self.rateLimiter = RateLimiter(
            configuration: configuration.rateLimit,
            maxWait: configuration.rateLimit?.maxWait ?? configuration.retry.maxRetryAfter,
            timeSource: configuration.timeSource
        )
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: configuration.userAgent)
        self.staticHeaders = headers
        let (credentials, authenticator, limit) = (configuration.credentials, authenticator, configuration.limits.maxErrorBodyBytes)
        self.telemetry = Telemetry(observability: configuration.observability, baseURL: configuration.baseURL) { text in
            ErrorMapping(credentials: credentials, authenticator: authenticator, errorBodyLimit: limit).redactor.clean(text, limit: 65_536)
        }
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
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        rateLimiter.shutdown()
        shutdownSignal.fire()
        return true
    }

    /// Sends `request` and decodes a JSON answer as `Output`; a cacheable read is answered from
    /// the cache when it holds a fresh entry.
    /// `fastPath`, when given, decodes the common shape of the answer and returns `nil` for
    /// anything else, which `JSONDecoder` then decodes (see ``JSONScanner``).
    func decode<Output: Decodable & Sendable>(
        _ type: Output.Type,
        _ request: APIRequest,
        fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)? = nil,
        options: RequestOptions
    ) async throws -> Output {
        let observation = telemetry.begin(request.operation, request.call)
        return try await observed(observation) {
            // A call with extra body fields asks something else than the cached answer answered.
            guard let group = request.cacheGroup, options.extraBodyFields.isEmpty, let cache, let ttl = configuration.cache.ttl(for: group)
            else {
                return try await fetch(type, request, fastPath: fastPath, options: options, observation: observation)
            }
            let key = ResponseCache.Key(group: group, identity: credentialIdentity, target: request.method.rawValue + " " + request.target)
            let loaded = observation.map { _ in Atomic<Bool>(false) }
            do {
                let value = try await cache.value(for: key, ttl: ttl) {
                    loaded?.store(true, ordering: .relaxed)
                    return try await self.fetch(type, request, fastPath: fastPath, options: options, observation: observation)
                }
                observation?.cache(hit: loaded?.load(ordering: .relaxed) == false, group: group)
                return value
            } catch is CancellationError {
                throw AIYouError(.cancelled, "\(request.operation.name): cancelled")
            }
        }
    }

    /// Runs one call's work under its observation: its span is the current context (so that a
    /// login's span and AsyncHTTPClient's span of each attempt are its children), and the
    /// outcome ends it. Without an observation, just runs `work`.
    func observed<Output: Sendable>(_ observation: CallObservation?, _ work: () async throws -> Output) async throws -> Output {
        guard let observation else { return try await work() }
        do {
            let output: Output
            if let context = observation.context {
                output = try await ServiceContext.withValue(context) { try await work() }
            } else {
                output = try await work()
            }
            observation.answered(output)
            observation.finish(error: nil)
            return output
        } catch {
            observation.finish(error: error)
            throw error
        }
    }

    private func fetch<Output: Decodable & Sendable>(
        _ type: Output.Type,
        _ request: APIRequest,
        fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)?,
        options: RequestOptions,
        observation: CallObservation?
    ) async throws -> Output {
        try await execute(request, options: options, observation: observation) { response, mapping in
            let body = response.wholeBody
            if let fastPath, let output = body.withUnsafeReadableBytes(fastPath) { return output }
            do {
                return try JSONCoding.decode(Output.self, from: body)
            } catch JSONGuard.Violation.tooManyValues(let limit) {
                throw AIYouError(
                    .limitExceeded,
                    "\(request.operation.name): the answer holds more than \(limit) JSON values for its \(body.readableBytes) bytes; it was not decoded",
                    status: response.status
                )
            } catch {
                throw mapping.decodingError(
                    body: body,
                    status: response.status,
                    operation: request.operation,
                    expected: String(describing: Output.self),
                    underlying: error
                )
            }
        }
    }

    /// Sends `request` and ignores a successful answer's body.
    func discardingBody(_ request: APIRequest, options: RequestOptions) async throws {
        let observation = telemetry.begin(request.operation, request.call)
        try await observed(observation) {
            try await execute(request, options: options, observation: observation) { _, _ in }
        }
    }

    /// Runs `request` until it succeeds or fails for good, and hands the successful answer to
    /// `consume`, whose ``AIYouError`` is final. `budget` is the call's retry budget when the call
    /// sends more than this request (a stream's reopenings); otherwise the budget is counted here.
    /// `observation` records attempts, retries and waits (the caller ends it).
    func execute<Output: Sendable>(
        _ request: APIRequest,
        budget: RetryBudget? = nil,
        options: RequestOptions,
        observation: CallObservation?,
        consume: (TransportResponse, ErrorMapping) async throws -> Output
    ) async throws -> Output {
        let operation = request.operation.name
        try configuration.api.require(request.operation)
        try options.validate(operation: request.operation)
        let request = try request.addingExtraBodyFields(options.extraBodyFields)
        let retryPolicy = options.retry.map(RetryPolicy.init) ?? self.retryPolicy
        var logger = options.logger ?? configuration.logger
        let requestID = requestCounter.add(1, ordering: .relaxed).newValue
        // Metadata is only worth building when something will be logged.
        let logsDebug = logger.logLevel <= .debug
        if logsDebug {
            logger[metadataKey: "aiyou.request.id"] = "\(requestID)"
            logger[metadataKey: "aiyou.operation"] = "\(operation)"
        }
        // Counted locally unless shared: no allocation for the common call.
        var localRetries = 0
        let time = configuration.timeSource
        // Read once per call: only a caller inside `withResponse` pays for the metadata and its clock.
        let recorder = request.operation == .login ? nil : MetadataRecorder.current
        let callStarted = recorder.map { _ in time.now() }
        var attempt = 0
        var reauthenticated = false
        while true {
            attempt += 1
            if logsDebug { logger[metadataKey: "aiyou.attempt"] = "\(attempt)" }
            if isShutDown.load(ordering: .relaxed) { throw AIYouError(.clientShutdown, "\(operation): the client has been shut down") }
            if Task.isCancelled { throw AIYouError(.cancelled, "\(operation): cancelled") }
            // Login is exempt: it is one request per session, made on behalf of requests that
            // already hold their place in the limiter.
            if request.authenticated, !rateLimiter.tryAcquire() {
                do {
                    try await rateLimiter.acquire(operation: operation)
                    observation?.limiterWaited(refused: false)
                } catch let error as AIYouError where error.code == .rateLimited {
                    observation?.limiterWaited(refused: true)
                    throw error
                }
            }
            let token = request.authenticated ? try await authenticator.token(pipeline: self, logger: logger) : nil
            let mapping = errorMapping
            let started = time.now()
            let attemptSpan = observation?.startAttempt(method: request.method, target: request.target, resendCount: attempt - 1)
            logger.debug("sending request", metadata: ["aiyou.method": "\(request.method.rawValue)", "aiyou.path": "\(request.path)"])
            if logger.logLevel <= .trace, case .json(let body) = request.body {
                logger.trace("request body", metadata: ["aiyou.body": "\(mapping.excerpt(of: body, redactor: mapping.redactor))"])
            }

            let outcome: RetryPolicy.Outcome
            let failure: AIYouError
            do {
                var attemptRequest = transportRequest(for: request, token: token, options: options)
                if let attemptSpan { telemetry.inject(attemptSpan, into: &attemptRequest.headers) }
                let response = try await transport.send(attemptRequest)
                let status = response.status
                observation?.attempt(attemptSpan, method: request.method, status: status, failure: nil, duration: time.now() - started)
                applyRateLimitHeaders(response.headers)
                logger.debug(
                    "received answer",
                    metadata: ["aiyou.status": "\(status)", "aiyou.duration_ms": "\((time.now() - started).milliseconds)"]
                )
                if (200..<300).contains(status) {
                    if let recorder, let callStarted {
                        recorder.record(metadata(of: response, attempts: attempt, since: callStarted, redactor: mapping.redactor))
                    }
                    let output = try await consume(response, mapping)
                    if !request.invalidates.isEmpty { cache?.invalidate(request.invalidates) }
                    return output
                }
                if status == 401, let token, configuration.credentials.canRefresh, !reauthenticated {
                    reauthenticated = true
                    authenticator.invalidate(token)
                    logger.debug("token rejected, logging in again", metadata: ["aiyou.status": "401"])
                    continue
                }
                let serverDelay = RetryPolicy.serverDelay(in: response.headers, now: time.wallClock())
                failure = mapping.error(
                    status: status,
                    headers: response.headers,
                    body: response.wholeBody,
                    operation: request.operation,
                    serverDelay: serverDelay,
                    model: request.call?.model
                )
                if status == 429, let serverDelay {
                    // Hold every caller of this client back, not only this one (up to maxRetryAfter).
                    rateLimiter.serverAskedToWait(serverDelay, ceiling: configuration.retry.maxRetryAfter)
                }
                outcome = .status(status, serverDelay: serverDelay)
            } catch let error as TransportError {
                failure = mapping.error(for: error, operation: request.operation)
                observation?.attempt(attemptSpan, method: request.method, status: nil, failure: failure, duration: time.now() - started)
                outcome = .failure(error)
                logger.debug("request failed", metadata: ["aiyou.error": "\(failure.message)"])
            }

            let delay = try retryDelay(
                after: outcome,
                failure: failure,
                of: request,
                policy: retryPolicy,
                retriesUsed: budget?.retriesUsed ?? localRetries,
                logger: logger
            )
            if let budget {
                guard budget.take() else { throw failure }
            } else {
                localRetries += 1
            }
            observation?.retrying(reason: Self.retryReason(failure), delay: delay, nextAttempt: attempt + 1)
            try await sleep(delay, operation: operation, failure: failure)
        }
    }

    /// Whether a call whose stream broke with `error` before any chunk reached the caller may
    /// send its request again, under the same rules and budget as any retry; waits the backoff
    /// when it may. Throws the error the caller should see when it may not.
    func prepareReopen(
        after error: TransportError,
        of request: APIRequest,
        budget: RetryBudget,
        options: RequestOptions,
        observation: CallObservation?
    ) async throws {
        let failure = errorMapping.error(for: error, operation: request.operation)
        let logger = options.logger ?? configuration.logger
        let policy = options.retry.map(RetryPolicy.init) ?? retryPolicy
        let delay = try retryDelay(
            after: .failure(error),
            failure: failure,
            of: request,
            policy: policy,
            retriesUsed: budget.retriesUsed,
            logger: logger
        )
        guard budget.take() else { throw failure }
        observation?.retrying(reason: Self.retryReason(failure), delay: delay, nextAttempt: budget.retriesUsed + 1)
        try await sleep(delay, operation: request.operation.name, failure: failure)
    }

    /// The backoff before the next attempt when `retriesUsed` retries are spent; throws `failure`
    /// when the policy says the call ends here.
    private func retryDelay(
        after outcome: RetryPolicy.Outcome,
        failure: AIYouError,
        of request: APIRequest,
        policy: RetryPolicy,
        retriesUsed: Int,
        logger: Logger
    ) throws(AIYouError) -> Duration {
        guard !Task.isCancelled,
            case .retry(let delay) = policy.decide(outcome, idempotent: request.operation.isIdempotent, retriesUsed: retriesUsed)
        else {
            if case .status(_, let serverDelay?) = outcome, serverDelay > policy.configuration.maxRetryAfter {
                logger.debug(
                    "server delay beyond maxRetryAfter; failing now",
                    metadata: ["aiyou.retry.delay_ms": "\(serverDelay.milliseconds)"]
                )
            }
            throw failure
        }
        logger.debug(
            "retrying",
            metadata: [
                "aiyou.status": "\(failure.status.map(String.init) ?? failure.code.description)",
                "aiyou.retry.delay_ms": "\(delay.milliseconds)",
            ]
        )
        return delay
    }

    /// `aiyou.retry.reason` of a retry: the status, or the kind of failure.
    static func retryReason(_ failure: AIYouError) -> String {
        failure.status.map(String.init) ?? failure.code.description
    }

    /// The metadata of a successful answer for ``AIYouClient/withResponse(isolation:_:)``.
    private func metadata(
        of response: TransportResponse,
        attempts: Int,
        since start: ContinuousClock.Instant,
        redactor: Redactor
    ) -> ResponseMetadata {
        let time = configuration.timeSource
        return ResponseMetadata(
            status: response.status,
            headers: response.headers,
            requestID: response.headers.first(name: "x-request-id").map { redactor.clean($0, limit: 256) },
            rateLimit: RateLimitStatus(headers: response.headers, now: time.wallClock()),
            attempts: attempts,
            duration: time.now() - start
        )
    }

    /// Waits `delay` before a retry; ends at once with ``AIYouError/Code/cancelled`` when the task
    /// is cancelled and with ``AIYouError/Code/clientShutdown`` when the client is shut down.
    private func sleep(_ delay: Duration, operation: String, failure: AIYouError) async throws {
        try await pause(delay, operation: operation, waitingTo: "retry", underlying: failure)
    }

    /// Waits `delay` on the configured clock (a retry's backoff, a poll's interval); ends at once
    /// with ``AIYouError/Code/cancelled`` when the task is cancelled and with
    /// ``AIYouError/Code/clientShutdown`` when the client is shut down. `purpose` ends the
    /// errors' "while waiting to …"; `underlying` is the error they wrap, if any.
    func pause(_ delay: Duration, operation: String, waitingTo purpose: String, underlying: AIYouError? = nil) async throws {
        enum Wake: Sendable {
            case slept
            case shutDown
            case cancelled
        }
        let time = configuration.timeSource
        let signal = shutdownSignal
        let wake: Wake = await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await time.sleep(delay)
                    return .slept
                } catch {
                    return .cancelled
                }
            }
            group.addTask { await signal.wait() ? .shutDown : .cancelled }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        switch wake {
        case .slept:
            return
        case .shutDown:
            throw AIYouError(
                .clientShutdown,
                "\(operation): the client was shut down while the call waited to \(purpose)",
                underlying: underlying
            )
        case .cancelled:
            throw AIYouError(.cancelled, "\(operation): cancelled while waiting to \(purpose)", underlying: underlying)
        }
    }

    /// `X-RateLimit-Remaining-Requests: 0` with a reset time holds requests back until the reset.
    private func applyRateLimitHeaders(_ headers: HTTPHeaders) {
        guard let remainingText = headers.first(name: "x-ratelimit-remaining-requests"),
            let remaining = WireValue.decimal(remainingText[...]), remaining < 1,
            let resetText = headers.first(name: "x-ratelimit-reset-requests"),
            let reset = RetryPolicy.resetDelay(resetText, now: configuration.timeSource.wallClock())
        else { return }
        rateLimiter.serverAskedToWait(reset, ceiling: configuration.retry.maxRetryAfter)
    }

    private func transportRequest(for request: APIRequest, token: String?, options: RequestOptions) -> TransportRequest {
        let timeouts = configuration.timeouts
        let isUpload = if case .multipart = request.body { true } else { false }
        var headers = headers(for: request, token: token)
        for (name, value) in options.headers { headers.add(name: name, value: value) }
        return TransportRequest(
            method: request.method,
            target: request.target,
            headers: headers,
            body: request.body,
            accept: request.accept,
            timeout: options.timeout ?? (isUpload ? timeouts.upload : timeouts.request),
            eventTimeout: timeouts.streamIdle,
            limits: configuration.limits
        )
    }

    /// The headers of one request. All but an upload's (whose boundary varies) come from
    /// ``HeaderSets``, built once per token and kind of request instead of on every call.
    private func headers(for request: APIRequest, token: String?) -> HTTPHeaders {
        if case .multipart(let upload) = request.body {
            var headers = Self.headers(static: staticHeaders, token: token, accept: request.accept, contentType: nil)
            headers.add(name: "Content-Type", value: upload.contentType)
            return headers
        }
        let hasJSONBody = if case .json = request.body { true } else { false }
        return headerSets.headers(token: token, accept: request.accept, jsonBody: hasJSONBody) {
            Self.headers(static: staticHeaders, token: token, accept: request.accept, contentType: hasJSONBody ? "application/json" : nil)
        }
    }

    private static func headers(static base: HTTPHeaders, token: String?, accept: APIRequest.Accept, contentType: String?) -> HTTPHeaders {
        var headers = base
        headers.reserveCapacity(base.count + 3)
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        switch accept {
        case .json: headers.add(name: "Accept", value: "application/json")
        case .eventStream: headers.add(name: "Accept", value: "text/event-stream")
        // JSON too: that is how a service explains a refusal.
        case .audio: headers.add(name: "Accept", value: "audio/*, application/octet-stream, application/json;q=0.5")
        case .jsonLines: headers.add(name: "Accept", value: "application/jsonl, application/x-ndjson, application/octet-stream, */*")
        }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return headers
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}

/// Request headers by kind of request (accepted type, JSON body or none) for the current token.
/// A new token (after a login or refresh) replaces the sets.
final class HeaderSets: Sendable {
    private struct State: Sendable {
        var token: String?
        var sets: [HTTPHeaders?] = Array(repeating: nil, count: 8)
    }

    private let state = Locked(State())

    func headers(token: String?, accept: APIRequest.Accept, jsonBody: Bool, build: () -> HTTPHeaders) -> HTTPHeaders {
        let kind =
            switch accept {
            case .json: 0
            case .eventStream: 2
            case .audio: 4
            case .jsonLines: 6
            }
        let slot = kind + (jsonBody ? 1 : 0)
        if let cached = state.withLock({ $0.token == token ? $0.sets[slot] : nil }) { return cached }
        let headers = build()
        state.withLock { state in
            if state.token != token { state = State(token: token) }
            state.sets[slot] = headers
        }
        return headers
    }
}
