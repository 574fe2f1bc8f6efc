/// The names of the metadata the client puts on its log records, and of its own span attributes
/// and events: one spelling each, for the client and for a log pipeline that filters on them.
public enum AIYouLogKey {
    /// `aiyou.operation`: the call (``AIYouOperation/name``), on every record and span of a call.
    public static let operation = "aiyou.operation"
    /// `aiyou.request.id`: the client's number for the call, on every record of it.
    public static let requestID = "aiyou.request.id"
    /// `aiyou.attempt`: which attempt of the call (1 for the first).
    public static let attempt = "aiyou.attempt"
    /// `aiyou.method`: the HTTP method sent.
    public static let method = "aiyou.method"
    /// `aiyou.path`: the path sent (never the query or a body).
    public static let path = "aiyou.path"
    /// `aiyou.body`: the redacted beginning of a request body (trace level only).
    public static let body = "aiyou.body"
    /// `aiyou.status`: the HTTP status of an answer, or the error's code when there was none.
    public static let status = "aiyou.status"
    /// `aiyou.duration_ms`: how long an attempt took.
    public static let durationMilliseconds = "aiyou.duration_ms"
    /// `aiyou.error`: why an attempt failed (redacted).
    public static let error = "aiyou.error"
    /// `aiyou.retry`: the span event of a retry.
    public static let retry = "aiyou.retry"
    /// `aiyou.retry.reason`: why a call is sent again.
    public static let retryReason = "aiyou.retry.reason"
    /// `aiyou.retry.delay_ms`: the wait before the next attempt.
    public static let retryDelayMilliseconds = "aiyou.retry.delay_ms"
    /// `aiyou.token.expires_in_s`: when a new session token expires (never the token).
    public static let tokenExpiresInSeconds = "aiyou.token.expires_in_s"
    /// `aiyou.rate_limiter.wait`: the span event of a wait in the client's rate limiter.
    public static let rateLimiterWait = "aiyou.rate_limiter.wait"
    /// `aiyou.rate_limiter.refused`: the span event of a refusal by the client's rate limiter.
    public static let rateLimiterRefused = "aiyou.rate_limiter.refused"
    /// `aiyou.cache.group`: the family of cached answers (`assistants`, `models`, …).
    public static let cacheGroup = "aiyou.cache.group"
    /// `aiyou.cache.hit`: whether the answer came from the cache.
    public static let cacheHit = "aiyou.cache.hit"
    /// `aiyou.repair`: which repair of a structured answer is tried.
    public static let repair = "aiyou.repair"
    /// `aiyou.problem`: what was wrong with a structured answer.
    public static let problem = "aiyou.problem"
}
