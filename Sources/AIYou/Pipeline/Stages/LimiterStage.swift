import NIOHTTP1

/// Holds each attempt back until the client's ``RateLimiter`` admits it, and paces the client by
/// what the service says of its quota: `X-RateLimit-Remaining-Requests: 0` with a reset time, or a
/// 429 with `Retry-After`, holds every caller of this client back (up to
/// ``Configuration/Retry/maxRetryAfter``; beyond it they are refused at once).
///
/// A login is exempt: it is one request per session, sent on behalf of calls that already hold
/// their place in the limiter.
struct LimiterStage: Sendable {
    let rateLimiter: RateLimiter
    let maxRetryAfter: Duration
    let timeSource: TimeSource

    func send(_ scope: inout CallScope, next: (inout CallScope) async throws -> TransportResponse) async throws -> TransportResponse {
        if scope.request.authenticated, !rateLimiter.tryAcquire() {
            do {
                try await rateLimiter.acquire()
                scope.observer?.limiterWaited(refused: false)
            } catch  where error.code == .rateLimited {
                scope.observer?.limiterWaited(refused: true)
                throw error
            }
        }
        let response = try await next(&scope)
        pace(by: response)
        return response
    }

    /// Applies what an answer says of the service's quota to every caller of the client.
    private func pace(by response: TransportResponse) {
        let headers = response.headers
        if let remainingText = headers.first(name: "x-ratelimit-remaining-requests"),
            let remaining = WireValue.decimal(remainingText[...]), remaining < 1,
            let resetText = headers.first(name: "x-ratelimit-reset-requests"),
            let reset = RetryPolicy.resetDelay(resetText, now: timeSource.wallClock())
        {
            rateLimiter.serverAskedToWait(reset, ceiling: maxRetryAfter)
        }
        if response.status == 429, let delay = RetryPolicy.serverDelay(in: headers, now: timeSource.wallClock()) {
            rateLimiter.serverAskedToWait(delay, ceiling: maxRetryAfter)
        }
    }
}
