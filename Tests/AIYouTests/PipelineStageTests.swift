import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Each stage of the request pipeline on its own: the stage under test gets a closure as the
/// rest of the chain (or the scripted transport for the attempt stage and the login), so what it
/// decides is seen without the stages around it and without sockets.
@Suite("Pipeline stages, one at a time")
struct PipelineStageTests {
    /// A client over `transport` whose stages the tests take apart.
    static func pipeline(
        _ transport: ScriptedTransport = ScriptedTransport(),
        time: ManualTime = ManualTime(),
        adjust: (inout Configuration) -> Void = { _ in }
    ) throws -> RequestPipeline {
        try AIYouClient.scripted(transport, time: time, adjust: adjust).pipeline
    }

    static func answer(_ status: Int, headers: [(String, String)] = [], body: String = "") -> TransportResponse {
        TransportResponse(status: status, headers: HTTPHeaders(headers), body: .whole(ByteBuffer(string: body)))
    }

    static let modelsRequest = try! APIRequest(.models, on: .aiyou)
    static let chatRequest = try! APIRequest(.chatCompletion, on: .aiyou, body: .json(ByteBuffer(string: "{}")))

    // MARK: Retry

    @Test("retry: transient answers of a read are sent again after the backoff, then the success is returned")
    func retryResendsTransientAnswers() async throws {
        let time = ManualTime()
        let pipeline = try Self.pipeline(time: time)
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        let answers = Locked([503, 502, 200])
        let response = try await pipeline.retry.send(&scope) { scope in
            scope.attempts += 1
            return Self.answer(answers.withLock { $0.removeFirst() })
        }
        #expect(response.status == 200)
        #expect(scope.attempts == 3)
        #expect(time.sleeps == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("retry: a chat answered 500 is not sent again (not idempotent); the error carries the status")
    func retryKeepsNonIdempotentCallsToOneRequest() async throws {
        let pipeline = try Self.pipeline()
        var scope = pipeline.scope(for: Self.chatRequest, budget: nil, options: RequestOptions(), observer: nil)
        let sent = Locked(0)
        let error = await #expect(throws: AIYouError.self) {
            _ = try await pipeline.retry.send(&scope) { _ in
                sent.withLock { $0 += 1 }
                return Self.answer(500, body: #"{"error": "boom"}"#)
            }
        }
        #expect(error?.status == 500)
        #expect(sent.withLock { $0 } == 1)
    }

    @Test("retry: a chat whose request never left is sent again; the shared budget bounds all retries")
    func retryUsesTheSharedBudget() async throws {
        let pipeline = try Self.pipeline()
        let budget = RetryBudget(maxRetries: 1)
        var scope = pipeline.scope(for: Self.chatRequest, budget: budget, options: RequestOptions(), observer: nil)
        let sent = Locked(0)
        let error = await #expect(throws: AIYouError.self) {
            _ = try await pipeline.retry.send(&scope) { scope in
                sent.withLock { $0 += 1 }
                let failure = TransportError(.connectionFailed, "refused", requestSent: false)
                throw AttemptFailure(transport: failure, error: scope.mapping.error(for: failure, operation: .chatCompletion))
            }
        }
        #expect(error?.code == .network)
        #expect(sent.withLock { $0 } == 2)
        #expect(budget.retriesUsed == 1)
    }

    @Test("retry: a shut-down client sends nothing")
    func retryStopsAfterShutdown() async throws {
        let pipeline = try Self.pipeline()
        #expect(pipeline.markShutDown())
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        let error = await #expect(throws: AIYouError.self) {
            _ = try await pipeline.retry.send(&scope) { _ in Self.answer(200) }
        }
        #expect(error?.code == .clientShutdown)
        #expect(scope.attempts == 0)
    }

    // MARK: Limiter

    @Test("limiter: an answer with no requests left holds the next caller back until the reset")
    func limiterPacesByTheQuotaHeaders() async throws {
        let pipeline = try Self.pipeline()
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        #expect(pipeline.rateLimiter.tryAcquire())
        _ = try await pipeline.limiter.send(&scope) { _ in
            Self.answer(200, headers: [("X-RateLimit-Remaining-Requests", "0"), ("X-RateLimit-Reset-Requests", "5")])
        }
        #expect(!pipeline.rateLimiter.tryAcquire())
    }

    @Test("limiter: a 429 with Retry-After beyond maxRetryAfter refuses the next callers at once; a login is exempt")
    func limiterRefusesDuringALongPauseButNotTheLogin() async throws {
        let pipeline = try Self.pipeline { $0.retry.maxRetryAfter = .seconds(1) }
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        _ = try await pipeline.limiter.send(&scope) { _ in Self.answer(429, headers: [("Retry-After", "30")]) }
        var next = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        let error = await #expect(throws: AIYouError.self) {
            _ = try await pipeline.limiter.send(&next) { _ in Self.answer(200) }
        }
        #expect(error?.code == .rateLimited)
        var login = try APIRequest(.login, on: .aiyou)
        login.authenticated = false
        var loginScope = pipeline.scope(for: login, budget: nil, options: RequestOptions(), observer: nil)
        let response = try await pipeline.limiter.send(&loginScope) { _ in Self.answer(200) }
        #expect(response.status == 200)
    }

    // MARK: Credentials

    @Test("credentials: a bearer token is given to authenticated requests only")
    func credentialsGiveTheToken() async throws {
        let pipeline = try Self.pipeline()
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        _ = try await pipeline.credentials.send(&scope) { scope in
            #expect(scope.token == "scripted-token")
            return Self.answer(200)
        }
        var login = try APIRequest(.login, on: .aiyou)
        login.authenticated = false
        var loginScope = pipeline.scope(for: login, budget: nil, options: RequestOptions(), observer: nil)
        _ = try await pipeline.credentials.send(&loginScope) { scope in
            #expect(scope.token == nil)
            return Self.answer(200)
        }
    }

    @Test("credentials: a 401 logs in again through the login chain and resends once; a second 401 is the answer")
    func credentialsLogInAgainOnceAfterA401() async throws {
        let transport = ScriptedTransport([
            .answer(200, body: #"{"token": "first"}"#),
            .answer(200, body: #"{"token": "second"}"#),
        ])
        let pipeline = try Self.pipeline(transport) { $0.credentials = .emailPassword(email: "me@example.com", password: "secret") }
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        let tokens = Locked<[String?]>([])
        let response = try await pipeline.credentials.send(&scope) { scope in
            tokens.withLock { $0.append(scope.token) }
            return Self.answer(401)
        }
        #expect(response.status == 401)
        #expect(tokens.withLock { $0 } == ["first", "second"])
        #expect(scope.reauthenticated)
        // The logins went to the transport (the stages below the credentials), as POST /api/login.
        #expect(transport.sent.map(\.target) == ["/api/login", "/api/login"])
        #expect(transport.sent.allSatisfy { $0.headers.first(name: "Authorization") == nil })
    }

    // MARK: Attempt

    @Test("attempt: one request with the token, the accepted type and the request timeout; a wire failure is typed")
    func attemptSendsOneRequest() async throws {
        let transport = ScriptedTransport([.answer(200), .failure(.broken, requestSent: true)])
        let pipeline = try Self.pipeline(transport) { $0.timeouts.request = .seconds(7) }
        var scope = pipeline.scope(for: Self.modelsRequest, budget: nil, options: RequestOptions(), observer: nil)
        scope.token = "t0ken"
        _ = try await pipeline.attempt.send(&scope)
        let sent = try #require(transport.sent.first)
        #expect(sent.method == .GET)
        #expect(sent.target == "/api/v1/models")
        #expect(sent.headers.first(name: "Authorization") == "Bearer t0ken")
        #expect(sent.headers.first(name: "Accept") == "application/json")
        #expect(sent.timeout == .seconds(7))
        await #expect(throws: AttemptFailure.self) { _ = try await pipeline.attempt.send(&scope) }
        #expect(scope.attempts == 2)
    }

    // MARK: Cache

    @Test("cache: a second read is answered from the cache; extra body fields bypass it; a write makes its family stale")
    func cacheAnswersReadsAndForgetsAfterWrites() async throws {
        let pipeline = try Self.pipeline { $0.cache = .init(isEnabled: true) }
        var read = Self.modelsRequest
        read.cacheGroup = .models
        let fetches = Locked(0)
        let fetch: @Sendable () async throws -> Int = {
            fetches.withLock {
                $0 += 1
                return $0
            }
        }
        #expect(try await pipeline.caching.run(read, options: RequestOptions(), observer: nil, fetch: fetch) == 1)
        #expect(try await pipeline.caching.run(read, options: RequestOptions(), observer: nil, fetch: fetch) == 1)
        var extra = RequestOptions()
        extra.extraBodyFields = ["seed": 1]
        #expect(try await pipeline.caching.run(read, options: extra, observer: nil, fetch: fetch) == 2)
        var write = try APIRequest(.createModel, on: .aiyou)
        write.invalidates = [.models]
        _ = try await pipeline.caching.run(write, options: RequestOptions(), observer: nil, fetch: fetch)
        #expect(try await pipeline.caching.run(read, options: RequestOptions(), observer: nil, fetch: fetch) == 4)
    }

    // MARK: The table

    @Test("every operation a service offers has a path on it, and its method from the one table")
    func theTableOfOperations() throws {
        for operation in AIYouOperation.allCases {
            let paths = [ServiceAPI.aiyou.path(operation), ServiceAPI.llmaas.path(operation)].compactMap { $0 }
            #expect(!paths.isEmpty, "\(operation.name) is offered by no service")
            for api in [ServiceAPI.aiyou, .llmaas] {
                guard let path = api.path(operation) else {
                    #expect(throws: AIYouError.self) { _ = try APIRequest(operation, on: api) }
                    continue
                }
                let request = try APIRequest(operation, on: api, suffix: "/x")
                #expect(request.path == path + "/x")
                #expect(request.method == operation.facts.method)
            }
        }
    }
}
