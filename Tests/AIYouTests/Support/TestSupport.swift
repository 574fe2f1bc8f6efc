import AIYouMockServer
import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A clock for tests: time moves only when a test advances it or when the client sleeps (a sleep
/// advances it at once and is recorded), so expiry and backoff run instantly.
final class ManualTime: Sendable {
    private struct State: Sendable {
        var offset: Duration = .zero
        var sleeps: [Duration] = []
    }

    private let state = Locked(State())
    private let startInstant = ContinuousClock.now
    private let startDate = Date()

    var source: TimeSource {
        TimeSource(
            now: { [self] in startInstant + state.withLock { $0.offset } },
            wallClock: { [self] in startDate.addingTimeInterval(state.withLock { $0.offset }.seconds) },
            sleep: { [self] duration in
                try Task.checkCancellation()
                state.withLock {
                    $0.sleeps.append(duration)
                    $0.offset += duration
                }
                await Task.yield()
                try Task.checkCancellation()
            }
        )
    }

    func advance(by duration: Duration) { state.withLock { $0.offset += duration } }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
}

/// Collects log entries in memory, at `trace` level.
struct LogCapture {
    let handler = InMemoryLogHandler()
    var logger: Logger {
        var logger = Logger(label: "aiyou.test", factory: { _ in handler })
        logger.logLevel = .trace
        return logger
    }

    /// Every message and metadata value, flattened into one text.
    var text: String {
        handler.entries.map { entry in
            "\(entry.level) \(entry.message) " + entry.metadata.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        }.joined(separator: "\n")
    }
}

enum Fixture {
    static let demo = Credentials.emailPassword(email: MockAccount.demo.email, password: MockAccount.demo.password)
    static let apiKey = Credentials.bearerToken(MockAccount.demoAPIKey)

    /// A configuration pointing at `server`, with retries that wait 1 ms and a manual clock.
    static func configuration(
        _ server: MockAIYouServer,
        credentials: Credentials = demo,
        time: ManualTime = ManualTime()
    ) -> Configuration {
        var configuration = Configuration(baseURL: server.baseURL, credentials: credentials)
        configuration.retry = .init(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5), jitter: 0)
        configuration.timeouts = .init(
            connect: TestTiming.generous(.seconds(5)),
            request: TestTiming.generous(.seconds(10)),
            streamIdle: TestTiming.generous(.seconds(10))
        )
        configuration.timeSource = time.source
        return configuration
    }
}

/// Runs `body` with a started server (configured by `configure`) and a client for it.
func withServerAndClient<T: Sendable>(
    server configure: (inout MockServerConfiguration) -> Void = { _ in },
    client adjust: (inout Configuration) -> Void = { _ in },
    _ body: (MockAIYouServer, AIYouClient) async throws -> T
) async throws -> T {
    var serverConfiguration = MockServerConfiguration()
    configure(&serverConfiguration)
    return try await MockAIYouServer.withRunning(configuration: serverConfiguration) { server in
        var configuration = Fixture.configuration(server)
        adjust(&configuration)
        return try await withAIYouClient(configuration) { client in
            try await body(server, client)
        }
    }
}

/// Asserts that `body` throws an `AIYouError` with `code`, and returns it.
@discardableResult
func expectAIYouError<T>(
    _ code: AIYouError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async -> AIYouError? {
    do {
        _ = try await body()
        Issue.record("expected AIYouError.\(code), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as AIYouError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected AIYouError.\(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A user message request for the mock server's default assistant.
func chatRequest(_ text: String = "Bonjour") -> ChatCompletionRequest {
    ChatCompletionRequest(messages: [.text(text)], assistantID: "602")
}

/// Runs `body` with a new HTTP client on `group` and shuts the client down afterwards, also when
/// `body` throws (a client dropped without a shutdown traps in AsyncHTTPClient's deinit, which
/// would take the whole test process down with one failing test).
func withHTTPClient<Result>(
    on group: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(eventLoopGroup: group)
    do {
        let result = try await body(client)
        // The body may have shut the client down itself (to watch connections close).
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Deadlines a test does not mean to reach (the fixture's request and stream timeouts, a server's
/// grace period) are bounds on a stall, not expectations: they grow with the slowdown of the run.
/// Under ThreadSanitizer (about 5–15× slower) the whole suite shares two cores with heavy tests
/// (32 MiB answers, 100,000-line files), and a 10-second request timeout was once passed by a
/// call that would have succeeded.
enum TestTiming {
    /// 1 in a plain run, 6 under ThreadSanitizer.
    static let slowdown = ProcessMemory.underThreadSanitizer ? 6 : 1

    static func generous(_ duration: Duration) -> Duration { duration * slowdown }

    /// A test's time limit: `minutes` in a plain run, grown like the deadlines under
    /// ThreadSanitizer (where a test that starts with the rest of the suite can wait minutes for
    /// a core), and never beyond the 15 minutes after which CI's own deadline takes a thread dump.
    static func limit(minutes: Int) -> TimeLimitTrait.Duration {
        .minutes(min(minutes * slowdown, 15))
    }
}
