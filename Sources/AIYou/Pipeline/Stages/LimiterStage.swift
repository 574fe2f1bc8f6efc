import NIOHTTP1

/// Holds each attempt back until the client may send it, and paces the client by what the
/// service says of its quota:
/// - the client's ``RateLimiter`` (``Configuration/rateLimit``, and the pauses the service asks
///   for: `X-RateLimit-Remaining-Requests: 0` with a reset time, or a 429 with `Retry-After`,
///   hold every caller of this client back up to ``Configuration/Retry/maxRetryAfter``; beyond
///   it they are refused at once);
/// - the ``Configuration/Quota`` (``QuotaGate``): a place in the shared quota for each attempt,
///   its output tokens given back when the service refused the attempt, handed to the call's
///   observer to be settled to the answer's usage otherwise;
/// - ``Configuration/AdaptivePacing`` (``AdaptivePacer``): the rate the answers call for.
///
/// A login is exempt: it is one request per session, sent on behalf of calls that already hold
/// their place.
struct LimiterStage: Sendable {
    let rateLimiter: RateLimiter
    let maxRetryAfter: Duration
    let timeSource: TimeSource
    var quota: QuotaGate? = nil
    var pacer: AdaptivePacer? = nil

    func send(_ scope: inout CallScope, next: (inout CallScope) async throws -> TransportResponse) async throws -> TransportResponse {
        if scope.request.authenticated, !rateLimiter.tryAcquire() {
            do throws(AIYouError) {
                try await rateLimiter.acquire()
            } catch {
                if error.code == .rateLimited { scope.observer?.limiterWaited(refused: true) }
                throw error
            }
            scope.observer?.limiterWaited(refused: false)
        }
        guard scope.request.authenticated, quota != nil || pacer != nil else {
            let response = try await next(&scope)
            pace(by: response)
            return response
        }
        return try await sendAccounted(&scope, next: next)
    }

    /// The attempt with a quota or adaptive pacing configured.
    private func sendAccounted(
        _ scope: inout CallScope,
        next: (inout CallScope) async throws -> TransportResponse
    ) async throws -> TransportResponse {
        var reservation: QuotaGate.Reservation?
        if let quota {
            let call = scope.request.call
            do throws(AIYouError) {
                reservation = try await quota.reserve(
                    tokens: quota.tokens(for: call),
                    model: call?.model,
                    operation: scope.request.operation
                )
            } catch {
                if error.code == .rateLimited { scope.observer?.limiterWaited(refused: true) }
                throw error
            }
        }
        let sentAt = rateLimiter.nanosecondsNow
        let response = try await next(&scope)
        pace(by: response)
        if let pacer {
            let pace = pacer.observe(
                status: response.status,
                headers: response.headers,
                sentAt: sentAt,
                now: rateLimiter.nanosecondsNow,
                wallClock: timeSource.wallClock()
            )
            rateLimiter.pace(atMost: pace.rate, then: pace.then)
        }
        if let quota, let reservation, reservation.cost.tokens > 0 {
            if response.status >= 300 { quota.attemptRefused(reservation) } else { scope.observer?.quotaReserved(reservation) }
        }
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
