import Foundation
import Logging

/// Holds the bearer token and logs in when needed: once at first use, again shortly before the
/// token expires, and once after the service rejects it.
///
/// Concurrent callers that need a login share a single one (``SharedWork``): the first starts it,
/// the others join it, and a caller whose task is cancelled leaves at once while the login goes
/// on for the others. When an early refresh fails while the current token is still valid, the
/// callers go on with that token, and the next refresh is tried a little later.
final class Authenticator: Sendable {
    struct Token: Sendable {
        var value: String
        /// When to log in again; `nil` when the service gave no expiry (refresh on 401 only).
        var refreshAt: Date?
        /// When the token stops working; `nil` when unknown.
        var expiresAt: Date?
    }

    private struct State: Sendable {
        var token: Token?
        var login: SharedWork<Token>?
        /// The most recent tokens this client was issued, for redaction.
        var issued: [String] = []
        /// Counts the tokens issued, so that the cached redactor knows when it is out of date.
        var issuedGeneration: UInt64 = 0
    }

    private enum Next {
        case ready(String)
        case wait(SharedWork<Token>, fallback: String?)
    }

    /// How many issued tokens are remembered for redaction: days of hourly refreshes, while a
    /// process that runs for months neither grows nor slows its error paths without bound. A token
    /// older than that expired long ago (and, being a JWT, is still masked by its shape).
    static let rememberedTokens = 64

    private let credentials: Credentials
    private let refreshMargin: Duration
    private let timeSource: TimeSource
    /// Where the shared login runs (joined by the client's shutdown).
    private let tasks: OwnedTasks
    private let state = Locked(State())
    /// The redactor of ``redactor``, with the generation of issued tokens it knows.
    private let cachedRedactor = Locked<(generation: UInt64, redactor: Redactor)?>(nil)

    init(credentials: Credentials, refreshMargin: Duration, timeSource: TimeSource, tasks: OwnedTasks) {
        self.tasks = tasks
        self.credentials = credentials
        self.refreshMargin = refreshMargin
        self.timeSource = timeSource
    }

    /// Every token this client holds or was issued (most recent first), for redaction.
    var issuedTokens: [String] {
        switch credentials.storage {
        case .bearerToken(let token): [token]
        case .emailPassword: state.withLock { $0.issued.reversed() }
        }
    }

    /// A redactor hiding the credentials (and the HTTP Basic form of an email and password) and
    /// every token issued. Built once per token issued, not per use: with 64 tokens building one
    /// takes about half a millisecond, which a trace log or `withResponse` would pay per call.
    var redactor: Redactor {
        let generation = state.withLock { $0.issuedGeneration }
        if let cached = cachedRedactor.withLock({ $0 }), cached.generation == generation { return cached.redactor }
        // Read after the generation: a token issued meanwhile is included, never missed.
        var emailAndPassword: (email: String, password: String)?
        if case .emailPassword(let email, let password) = credentials.storage { emailAndPassword = (email, password) }
        let redactor = Redactor(knownSecrets: credentials.secrets + issuedTokens, emailAndPassword: emailAndPassword)
        cachedRedactor.withLock { $0 = (generation, redactor) }
        return redactor
    }

    /// A valid token, logging in through `login` when there is none or it is about to expire.
    /// Throws the login's ``AIYouError``, or ``AIYouError/Code/cancelled`` as soon as the task is
    /// cancelled while it waits for a login.
    func token(logger: Logger, login chain: LoginChain) async throws -> String {
        let email: String
        let password: String
        switch credentials.storage {
        case .bearerToken(let token): return token
        case .emailPassword(let address, let secret): (email, password) = (address, secret)
        }
        let now = timeSource.wallClock()
        let next: Next = state.withLock { state in
            var fallback: String?
            if let token = state.token {
                if token.refreshAt.map({ now < $0 }) ?? true { return .ready(token.value) }
                if token.expiresAt.map({ now < $0 }) ?? false { fallback = token.value }
            }
            if let running = state.login { return .wait(running, fallback: fallback) }
            let login = SharedWork(in: tasks) { try await self.logIn(email: email, password: password, chain: chain, logger: logger) }
            state.login = login
            return .wait(login, fallback: fallback)
        }
        switch next {
        case .ready(let token):
            return token
        case .wait(let login, let fallback):
            do {
                return try await login.value().value
            } catch is CancellationError {
                throw AIYouError(.cancelled, "cancelled while waiting for the login", operation: .login)
            } catch {
                guard let fallback else { throw error }
                logger.debug("early token refresh failed; using the current token until it expires")
                return fallback
            }
        }
    }

    /// Forgets `token` after the service rejected it, so the next ``token(logger:login:)`` logs in.
    /// A newer token (from a login another caller already made) is kept.
    func invalidate(_ token: String) {
        state.withLock { state in
            if state.token?.value == token { state.token = nil }
        }
    }

    private func logIn(email: String, password: String, chain: LoginChain, logger: Logger) async throws -> Token {
        do {
            let response = try await chain.logIn(email: email, password: password, logger: logger, authenticator: self)
            let now = timeSource.wallClock()
            let token = Token(
                value: response.token,
                refreshAt: response.expiresAt.map { refreshDate(expiresAt: $0, now: now) },
                expiresAt: response.expiresAt
            )
            state.withLock { state in
                state.token = token
                state.login = nil
                state.issued.append(response.token)
                state.issuedGeneration &+= 1
                if state.issued.count > Self.rememberedTokens { state.issued.removeFirst(state.issued.count - Self.rememberedTokens) }
            }
            logger.debug(
                "logged in",
                metadata: [
                    AIYouLogKey.tokenExpiresInSeconds: "\(response.expiresAt.map { WireValue.wholeSeconds(from: now, to: $0) } ?? -1)"
                ]
            )
            return token
        } catch {
            let now = timeSource.wallClock()
            state.withLock { state in
                state.login = nil
                // A failed early refresh: keep the valid token, and try again after a while rather
                // than on every call.
                if var token = state.token, let expiresAt = token.expiresAt, now < expiresAt {
                    token.refreshAt = now.addingTimeInterval(min(30, expiresAt.timeIntervalSince(now) / 2))
                    state.token = token
                }
            }
            throw error
        }
    }

    /// `refreshMargin` before expiry, or halfway to it when the token lives shorter than twice the margin.
    private func refreshDate(expiresAt: Date, now: Date) -> Date {
        let remaining = expiresAt.timeIntervalSince(now)
        return expiresAt.addingTimeInterval(-min(refreshMargin.seconds, max(remaining, 0) / 2))
    }
}
