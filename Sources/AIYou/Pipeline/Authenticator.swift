import Foundation
import Logging
import NIOHTTP1
import Synchronization

/// Holds the bearer token and logs in when needed: once at first use, again shortly before the
/// token expires, and once after the service rejects it. Concurrent callers that need a login share
/// a single one (single flight): the first starts it, the others await the same task.
final class Authenticator: Sendable {
    struct Token: Sendable {
        var value: String
        /// When to log in again; `nil` when the service gave no expiry (refresh on 401 only).
        var refreshAt: Date?
    }

    private struct State: Sendable {
        var token: Token?
        var login: Task<Token, any Error>?
    }

    private enum Next {
        case ready(String)
        case wait(Task<Token, any Error>)
    }

    private let credentials: Credentials
    private let refreshMargin: Duration
    private let timeSource: TimeSource
    private let state = Mutex(State())

    init(credentials: Credentials, refreshMargin: Duration, timeSource: TimeSource) {
        self.credentials = credentials
        self.refreshMargin = refreshMargin
        self.timeSource = timeSource
    }

    /// The token currently held, for redaction.
    var currentToken: String? {
        switch credentials.storage {
        case .bearerToken(let token): token
        case .emailPassword: state.withLock { $0.token?.value }
        }
    }

    /// A valid token, logging in through `pipeline` when there is none or it is about to expire.
    func token(pipeline: RequestPipeline, logger: Logger) async throws -> String {
        let email: String
        let password: String
        switch credentials.storage {
        case .bearerToken(let token): return token
        case .emailPassword(let address, let secret): (email, password) = (address, secret)
        }
        let now = timeSource.wallClock()
        let next: Next = state.withLock { state in
            if let token = state.token, token.refreshAt.map({ now < $0 }) ?? true {
                return .ready(token.value)
            }
            if let running = state.login { return .wait(running) }
            let task = Task { try await self.logIn(email: email, password: password, pipeline: pipeline, logger: logger) }
            state.login = task
            return .wait(task)
        }
        switch next {
        case .ready(let token): return token
        case .wait(let login): return try await login.value.value
        }
    }

    /// Forgets `token` after the service rejected it, so the next ``token(pipeline:logger:)`` logs in.
    /// A newer token (from a login another caller already made) is kept.
    func invalidate(_ token: String) {
        state.withLock { state in
            if state.token?.value == token { state.token = nil }
        }
    }

    private func logIn(email: String, password: String, pipeline: RequestPipeline, logger: Logger) async throws -> Token {
        do {
            var request = APIRequest.json("login", .POST, "/api/login", body: LoginRequest(email: email, password: password))
            request.authenticated = false
            let response = try await pipeline.decode(LoginResponse.self, request, logger: logger)
            let now = timeSource.wallClock()
            let token = Token(value: response.token, refreshAt: response.expiresAt.map { refreshDate(expiresAt: $0, now: now) })
            state.withLock { state in
                state.token = token
                state.login = nil
            }
            logger.debug("logged in", metadata: ["aiyou.token.expires_in_s": "\(response.expiresAt.map { Int($0.timeIntervalSince(now)) } ?? -1)"])
            return token
        } catch {
            state.withLock { $0.login = nil }
            throw error
        }
    }

    /// `refreshMargin` before expiry, or halfway to it when the token lives shorter than twice the margin.
    private func refreshDate(expiresAt: Date, now: Date) -> Date {
        let remaining = expiresAt.timeIntervalSince(now)
        return expiresAt.addingTimeInterval(-min(refreshMargin.seconds, max(remaining, 0) / 2))
    }
}

