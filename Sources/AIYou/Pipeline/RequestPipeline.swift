import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The one path every request takes: validate (done by the endpoint before it builds the
/// ``APIRequest``) → credentials (login / refresh, single flight) → send → classify → retry or
/// consume the answer. Endpoints say *what*; this type owns *how*.
final class RequestPipeline: Sendable {
    let http: HTTPClient
    let baseURL: String
    let configuration: Configuration
    let authenticator: Authenticator
    let rateLimiter: RateLimiter
    /// `nil` when caching is off.
    let cache: ResponseCache?
    /// Part of every cache key, so that entries can never cross credentials.
    private let credentialIdentity: Int
    private let retryPolicy: RetryPolicy
    private let staticHeaders: HTTPHeaders
    private let requestCounter = Atomic<UInt64>(0)
    private let isShutDown = Atomic<Bool>(false)
    private let requestTemplates = RequestTemplates()
    private let headerSets = HeaderSets()
    /// A logger for AsyncHTTPClient's own messages: disabled, because its trace output is not ours to redact.
    private let transportLogger = Configuration.disabledLogger

    init(http: HTTPClient, baseURL: String, configuration: Configuration) {
        self.http = http
        self.baseURL = baseURL
        self.configuration = configuration
        self.authenticator = Authenticator(
            credentials: configuration.credentials, refreshMargin: configuration.tokenRefreshMargin,
            timeSource: configuration.timeSource
        )
        self.cache = configuration.cache.isEnabled
            ? ResponseCache(maxEntries: configuration.cache.maxEntries, timeSource: configuration.timeSource) : nil
        self.credentialIdentity = configuration.credentials.hashValue
        self.retryPolicy = RetryPolicy(configuration: configuration.retry)
        self.rateLimiter = RateLimiter(
            configuration: configuration.rateLimit, maxWait: configuration.rateLimit?.maxWait ?? configuration.retry.maxRetryAfter,
            timeSource: configuration.timeSource
        )
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: configuration.userAgent)
        self.staticHeaders = headers
    }

    /// Builds errors from failed attempts, redacting the configured secrets and the token held.
    var errorMapping: ErrorMapping {
        ErrorMapping(credentials: configuration.credentials, authenticator: authenticator)
    }

    /// Marks the pipeline as shut down; `true` for the first call only.
    func markShutDown() -> Bool {
        !isShutDown.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Sends `request` and decodes a JSON answer as `Output`; a cacheable read is answered from
    /// the cache when it holds a fresh entry.
    /// `fastPath`, when given, decodes the common shape of the answer and returns `nil` for
    /// anything else, which `JSONDecoder` then decodes (see ``JSONScanner``).
    func decode<Output: Decodable & Sendable>(
        _ type: Output.Type, _ request: APIRequest, fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)? = nil, logger: Logger?
    ) async throws -> Output {
        guard let group = request.cacheGroup, let cache, let ttl = configuration.cache.ttl(for: group) else {
            return try await fetch(type, request, fastPath: fastPath, logger: logger)
        }
        let key = ResponseCache.Key(group: group, identity: credentialIdentity, target: request.method.rawValue + " " + request.target)
        return try await cache.value(for: key, ttl: ttl) { try await self.fetch(type, request, fastPath: fastPath, logger: logger) }
    }

    private func fetch<Output: Decodable & Sendable>(
        _ type: Output.Type, _ request: APIRequest, fastPath: (@Sendable (UnsafeRawBufferPointer) -> Output?)?, logger: Logger?
    ) async throws -> Output {
        let limit = configuration.maxResponseBodyBytes
        return try await execute(request, logger: logger) { response, mapping in
            let body = try await Self.collect(response.body, limit: limit, operation: request.operation)
            if let fastPath, let output = body.withUnsafeReadableBytes(fastPath) { return output }
            do {
                return try JSONCoding.decoder.decode(Output.self, from: body)
            } catch {
                throw mapping.decodingError(
                    body: body, status: Int(response.status.code), operation: request.operation,
                    expected: String(describing: Output.self), underlying: error
                )
            }
        }
    }

    /// Sends `request` and discards a successful answer's body.
    func discardingBody(_ request: APIRequest, logger: Logger?) async throws {
        try await execute(request, logger: logger) { response, _ in
            for try await _ in response.body {}
        }
    }

    /// Runs `request` until it succeeds or fails for good, and hands the successful response to
    /// `consume`. A transport failure inside `consume` is retried like one before the answer;
    /// an ``AIYouError`` thrown by `consume` is final.
    func execute<Output: Sendable>(
        _ request: APIRequest,
        logger callerLogger: Logger?,
        consume: (HTTPClientResponse, ErrorMapping) async throws -> Output
    ) async throws -> Output {
        if isShutDown.load(ordering: .relaxed) {
            throw AIYouError(.clientShutdown, "\(request.operation): the client has been shut down")
        }
        var logger = callerLogger ?? configuration.logger
        let requestID = requestCounter.add(1, ordering: .relaxed).newValue
        // Metadata is only worth building when something will be logged.
        let logsDebug = logger.logLevel <= .debug
        if logsDebug {
            logger[metadataKey: "aiyou.request.id"] = "\(requestID)"
            logger[metadataKey: "aiyou.operation"] = "\(request.operation)"
        }
        let time = configuration.timeSource
        var attempt = 0
        var retriesUsed = 0
        var reauthenticated = false
        while true {
            attempt += 1
            if logsDebug { logger[metadataKey: "aiyou.attempt"] = "\(attempt)" }
            if Task.isCancelled { throw AIYouError(.cancelled, "\(request.operation): cancelled") }
            // Login is exempt: it is one request per session, made on behalf of requests that
            // already hold their place in the limiter.
            if request.authenticated, !rateLimiter.tryAcquire() { try await rateLimiter.acquire(operation: request.operation) }
            let token = request.authenticated ? try await authenticator.token(pipeline: self, logger: logger) : nil
            let headers = headers(for: request, token: token)
            let mapping = errorMapping
            let started = time.now()
            logger.debug("sending request", metadata: ["aiyou.method": "\(request.method.rawValue)", "aiyou.path": "\(request.path)"])
            if logger.logLevel <= .trace, case .json(let body) = request.body {
                logger.trace("request body", metadata: ["aiyou.body": "\(ErrorMapping.excerpt(of: body, redactor: mapping.redactor))"])
            }

            let failure: AIYouError
            let retryable: Bool
            var serverDelay: Duration?
            do {
                let response = try await send(request, headers: headers)
                let status = Int(response.status.code)
                applyRateLimitHeaders(response.headers)
                logger.debug(
                    "received answer",
                    metadata: ["aiyou.status": "\(status)", "aiyou.duration_ms": "\((time.now() - started).milliseconds)"]
                )
                if (200..<300).contains(status) {
                    let output = try await consume(response, mapping)
                    if !request.invalidates.isEmpty { cache?.invalidate(request.invalidates) }
                    return output
                }
                let body = try? await Self.collect(response.body, limit: 64 * 1024, operation: request.operation, truncate: true)
                if status == 401, let token, configuration.credentials.canRefresh, !reauthenticated {
                    reauthenticated = true
                    authenticator.invalidate(token)
                    logger.debug("token rejected, logging in again", metadata: ["aiyou.status": "401"])
                    continue
                }
                serverDelay = RetryPolicy.serverDelay(in: response.headers, now: time.wallClock())
                failure = mapping.error(
                    status: status, headers: response.headers, body: body, operation: request.operation, serverDelay: serverDelay
                )
                if status == 429, let serverDelay {
                    // Hold every caller of this client back, not only this one.
                    rateLimiter.pause(for: serverDelay)
                }
                if let serverDelay, serverDelay > configuration.retry.maxRetryAfter {
                    logger.debug("server delay beyond maxRetryAfter; failing now", metadata: ["aiyou.retry.delay_ms": "\(serverDelay.milliseconds)"])
                    retryable = false
                } else {
                    retryable = retryPolicy.isRetryable(status: status)
                }
            } catch {
                (failure, retryable) = mapping.transportError(error, operation: request.operation)
                if failure.code == .network || failure.code == .timeout {
                    logger.debug("request failed", metadata: ["aiyou.error": "\(failure.message)"])
                }
            }

            guard retryable, retriesUsed < configuration.retry.maxRetries, !Task.isCancelled else { throw failure }
            retriesUsed += 1
            let delay = retryPolicy.delay(beforeRetry: retriesUsed, serverDelay: serverDelay)
            logger.debug(
                "retrying",
                metadata: [
                    "aiyou.status": "\(failure.status.map(String.init) ?? failure.code.description)",
                    "aiyou.retry.delay_ms": "\(delay.milliseconds)",
                ]
            )
            do {
                try await time.sleep(delay)
            } catch {
                throw AIYouError(.cancelled, "\(request.operation): cancelled while waiting to retry", underlying: failure)
            }
        }
    }

    /// `X-RateLimit-Remaining-Requests: 0` with a reset time pauses the limiter until the reset.
    private func applyRateLimitHeaders(_ headers: HTTPHeaders) {
        guard let remainingText = headers.first(name: "x-ratelimit-remaining-requests"), let remaining = Int(remainingText),
            remaining <= 0
        else { return }
        let reset = headers.first(name: "x-ratelimit-reset-requests").flatMap(RetryPolicy.parseResetDuration)
        rateLimiter.apply(remaining: remaining, resetAfter: reset.map { min($0, configuration.retry.maxRetryAfter) })
    }

    private var deadline: NIODeadline {
        NIODeadline.now() + TimeAmount(configuration.timeouts.request)
    }

    /// One attempt on the wire.
    ///
    /// Event streams take AsyncHTTPClient's `async` API, whose body is an `AsyncSequence`.
    /// Everything else is read whole by a delegate on the event loop (``WholeResponse``), so
    /// the answer crosses from the event loop to the caller's task once, instead of once for the
    /// head and again for each part of the body.
    ///
    /// Uploads take the write-acknowledged body stream of that same API: each file chunk is read
    /// only after the previous one was accepted by the connection, so a large file never piles up
    /// in memory. (The `async` request body API reads ahead of the event loop's back-pressure
    /// signal and buffered most of a 25 MiB file in our measurements.)
    private func send(_ request: APIRequest, headers: HTTPHeaders) async throws -> HTTPClientResponse {
        let legacyBody: HTTPClient.Body?
        var eventLoop = HTTPClient.EventLoopPreference.indifferent
        switch (request.body, request.accept) {
        case (_, .eventStream):
            var streaming = HTTPClientRequest(url: baseURL + request.target)
            streaming.method = request.method
            streaming.headers = headers
            if case .json(let buffer) = request.body { streaming.body = .bytes(buffer) }
            return try await http.execute(streaming, deadline: deadline, logger: transportLogger)
        case (.none, .json):
            legacyBody = nil
        case (.json(let buffer), .json):
            legacyBody = .byteBuffer(buffer)
        case (.multipart(let upload), .json):
            let uploadLoop = http.eventLoopGroup.any()
            eventLoop = .delegate(on: uploadLoop)
            legacyBody = .stream(contentLength: Int64(upload.contentLength)) { writer in
                let finished = uploadLoop.makePromise(of: Void.self)
                finished.completeWithTask {
                    var chunks = upload.makeBodySequence().makeAsyncIterator()
                    while let chunk = try await chunks.next() {
                        try await writer.write(.byteBuffer(chunk)).get()
                    }
                }
                return finished.futureResult
            }
        }
        let legacyRequest = try requestTemplates.request(
            baseURL: baseURL, target: request.target, method: request.method, headers: headers, body: legacyBody
        )
        let task = http.execute(
            request: legacyRequest, delegate: WholeResponse(maxBodySize: configuration.maxResponseBodyBytes),
            eventLoop: eventLoop, deadline: deadline, logger: transportLogger
        )
        return try await withTaskCancellationHandler {
            try await task.futureResult.get()
        } onCancel: {
            task.cancel()
        }
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
        }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return headers
    }

    /// Reads a whole body, up to `limit` bytes. Past the limit: an error, or with `truncate` the
    /// first `limit` bytes (for error bodies, which only feed an excerpt).
    static func collect(_ body: HTTPClientResponse.Body, limit: Int, operation: String, truncate: Bool = false) async throws -> ByteBuffer {
        var collected: ByteBuffer?
        for try await var chunk in body {
            if collected == nil {
                collected = chunk
            } else {
                collected!.writeBuffer(&chunk)
            }
            if collected!.readableBytes > limit {
                if truncate { return collected!.getSlice(at: collected!.readerIndex, length: limit)! }
                throw AIYouError(.decoding, "\(operation): the answer is larger than \(limit) bytes")
            }
        }
        return collected ?? ByteBuffer()
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}

/// `HTTPClient.Request` parses its URL string with Foundation on every request. The parsed form
/// depends only on the method and the URL, so one request per method and target is parsed once,
/// kept, and copied with each call's headers and body. Targets with a query (thread pages,
/// searches) vary without bound and are parsed each time.
final class RequestTemplates: Sendable {
    private struct Key: Hashable {
        var method: String
        var target: String
    }

    private let templates = Mutex<[Key: HTTPClient.Request]>([:])
    private static let capacity = 64

    func request(baseURL: String, target: String, method: HTTPMethod, headers: HTTPHeaders, body: HTTPClient.Body?) throws -> HTTPClient.Request {
        guard !target.utf8.contains(UInt8(ascii: "?")) else {
            return try HTTPClient.Request(url: baseURL + target, method: method, headers: headers, body: body)
        }
        let key = Key(method: method.rawValue, target: target)
        if var request = templates.withLock({ $0[key] }) {
            request.headers = headers
            request.body = body
            return request
        }
        let request = try HTTPClient.Request(url: baseURL + target, method: method, headers: headers, body: body)
        templates.withLock { templates in
            if templates.count < Self.capacity { templates[key] = request }
        }
        return request
    }
}

/// Request headers by kind of request (accepted type, JSON body or none) for the current token.
/// A new token (after a login or refresh) replaces the sets.
final class HeaderSets: Sendable {
    private struct State {
        var token: String?
        var sets: [HTTPHeaders?] = Array(repeating: nil, count: 4)
    }

    private let state = Mutex(State())

    func headers(token: String?, accept: APIRequest.Accept, jsonBody: Bool, build: () -> HTTPHeaders) -> HTTPHeaders {
        let slot = (accept == .json ? 0 : 2) + (jsonBody ? 1 : 0)
        if let cached = state.withLock({ $0.token == token ? $0.sets[slot] : nil }) { return cached }
        let headers = build()
        state.withLock { state in
            if state.token != token { state = State(token: token) }
            state.sets[slot] = headers
        }
        return headers
    }
}
