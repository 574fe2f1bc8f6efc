import Logging

/// Gives each attempt the bearer token (``Authenticator``: a login at first use and before
/// expiry, shared by concurrent callers) and, when the service rejects the token with a 401 and
/// the credentials can log in again, logs in once more and resends — at most once per call; a
/// second 401 is the call's answer.
///
/// The login itself goes through ``LoginChain``, the stages below this one, never back through
/// the whole pipeline.
struct CredentialsStage: Sendable {
    let authenticator: Authenticator
    let login: LoginChain
    let canRefresh: Bool

    func send(_ scope: inout CallScope, next: (inout CallScope) async throws -> TransportResponse) async throws -> TransportResponse {
        guard scope.request.authenticated else {
            scope.token = nil
            return try await next(&scope)
        }
        let token = try await authenticator.token(logger: scope.logger, login: login)
        scope.token = token
        let response = try await next(&scope)
        guard response.status == 401, canRefresh, !scope.reauthenticated else { return response }
        scope.reauthenticated = true
        authenticator.invalidate(token)
        scope.logger.debug("token rejected, logging in again", metadata: [AIYouLogKey.status: "401"])
        scope.token = try await authenticator.token(logger: scope.logger, login: login)
        return try await next(&scope)
    }
}

/// How the credentials stage logs in: the login request observed as a call of its own (its span
/// a child of the call that needed it), sent through the retry and attempt stages — no rate
/// limiter (the calls waiting for the login already hold their places) and no credentials.
struct LoginChain: Sendable {
    let api: ServiceAPI
    let credentials: Credentials
    let errorBodyLimit: Int
    let retryPolicy: RetryPolicy
    let defaultLogger: Logger
    let numbers: RequestNumbers
    let observe: ObserveStage
    let retry: RetryStage
    let attempt: AttemptStage

    /// Logs in with `email` and `password`; `authenticator` is the one asking (whose issued tokens
    /// the errors hide). Throws the login's ``AIYouError``.
    func logIn(email: String, password: String, logger: Logger, authenticator: Authenticator) async throws -> LoginResponse {
        var request = try APIRequest(.login, on: api, json: LoginRequest(email: email, password: password))
        request.authenticated = false
        let options = RequestOptions(logger: logger)
        let mapping = ErrorMapping(credentials: credentials, authenticator: authenticator, errorBodyLimit: errorBodyLimit)
        return try await observe.run(.login, nil) { observer in
            var scope = CallScope(
                request: request,
                options: options,
                defaultLogger: defaultLogger,
                requestID: numbers.next(),
                observer: observer,
                mapping: mapping,
                retryPolicy: retryPolicy,
                budget: nil
            )
            let response = try await retry.send(&scope) { scope in try await attempt.send(&scope) }
            return try WholeAnswer.decode(LoginResponse.self, from: response, fastPath: nil, scope: scope)
        }
    }
}
