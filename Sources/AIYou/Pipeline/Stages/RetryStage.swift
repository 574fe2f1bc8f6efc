import Foundation
import Logging

/// Sends a call's request again until it is answered with success or fails for good, under the
/// ``RetryPolicy`` (idempotency, statuses, the service's `Retry-After`) and the call's retry budget,
/// waiting the backoff between attempts. Returns a successful answer; throws the error the caller
/// sees otherwise. Everything below it runs once per attempt (the limiter, the credentials, the
/// attempt itself).
struct RetryStage: Sendable {
    let backoff: Backoff
    let timeSource: TimeSource

    func send(_ scope: inout CallScope, next: (inout CallScope) async throws -> TransportResponse) async throws -> TransportResponse {
        // Counted locally unless shared: no allocation for the common call.
        var localRetries = 0
        // Read once per call: only a caller inside `withResponse` pays for the metadata and its clock.
        let recorder = scope.request.operation == .login ? nil : MetadataRecorder.current
        let callStarted = recorder.map { _ in timeSource.now() }
        while true {
            if backoff.isShutDown { throw AIYouError(.clientShutdown, "the client has been shut down", operation: scope.request.operation) }
            if Task.isCancelled { throw AIYouError(.cancelled, "cancelled", operation: scope.request.operation) }
            let outcome: RetryPolicy.Outcome
            let failure: AIYouError
            do {
                let response = try await next(&scope)
                let status = response.status
                if (200..<300).contains(status) {
                    if let recorder, let callStarted {
                        recorder.record(
                            metadata(of: response, attempts: scope.attempts, since: callStarted, redactor: scope.mapping.redactor)
                        )
                    }
                    return response
                }
                let serverDelay = RetryPolicy.serverDelay(in: response.headers, now: timeSource.wallClock())
                failure = scope.mapping.error(
                    status: status,
                    headers: response.headers,
                    body: response.wholeBody,
                    operation: scope.request.operation,
                    serverDelay: serverDelay,
                    model: scope.request.call?.model
                )
                outcome = .status(status, serverDelay: serverDelay)
            } catch let attempt as AttemptFailure {
                // The pool's shutdown cancels what is in flight: the caller sees why.
                if backoff.isShutDown, attempt.error.code == .cancelled {
                    throw AIYouError(
                        .clientShutdown,
                        "the client was shut down during the call",
                        underlying: attempt.error,
                        operation: scope.request.operation
                    )
                }
                failure = attempt.error
                outcome = .failure(attempt.transport)
            }
            let delay = try retryDelay(
                after: outcome,
                failure: failure,
                scope: scope,
                retriesUsed: scope.budget?.retriesUsed ?? localRetries
            )
            if let budget = scope.budget {
                guard budget.take() else { throw failure }
            } else {
                localRetries += 1
            }
            scope.observer?.retrying(reason: Self.retryReason(failure), delay: delay, nextAttempt: scope.attempts + 1)
            try await backoff.pause(delay, operation: scope.request.operation, waitingTo: "retry", underlying: failure)
        }
    }

    /// Whether a call whose stream broke with `error` before any chunk reached the caller may
    /// send its request again, under the same rules and budget as any retry; waits the backoff
    /// when it may. Throws the error the caller should see when it may not.
    func prepareReopen(after error: TransportError, scope: CallScope) async throws {
        let failure = scope.mapping.error(for: error, operation: scope.request.operation)
        let budget = scope.budget ?? RetryBudget(maxRetries: 0)
        let delay = try retryDelay(after: .failure(error), failure: failure, scope: scope, retriesUsed: budget.retriesUsed)
        guard budget.take() else { throw failure }
        scope.observer?.retrying(reason: Self.retryReason(failure), delay: delay, nextAttempt: budget.retriesUsed + 1)
        try await backoff.pause(delay, operation: scope.request.operation, waitingTo: "retry", underlying: failure)
    }

    /// The backoff before the next attempt when `retriesUsed` retries are spent; throws `failure`
    /// when the policy says the call ends here.
    private func retryDelay(
        after outcome: RetryPolicy.Outcome,
        failure: AIYouError,
        scope: CallScope,
        retriesUsed: Int
    ) throws(AIYouError) -> Duration {
        let policy = scope.retryPolicy
        guard !Task.isCancelled,
            case .retry(let delay) = policy.decide(outcome, idempotent: scope.request.operation.isIdempotent, retriesUsed: retriesUsed)
        else {
            if case .status(_, let serverDelay?) = outcome, serverDelay > policy.configuration.maxRetryAfter {
                scope.logger.debug(
                    "server delay beyond maxRetryAfter; failing now",
                    metadata: [AIYouLogKey.retryDelayMilliseconds: "\(serverDelay.milliseconds)"]
                )
            }
            throw failure
        }
        scope.logger.debug(
            "retrying",
            metadata: [
                AIYouLogKey.status: "\(failure.status.map(String.init) ?? failure.code.description)",
                AIYouLogKey.retryDelayMilliseconds: "\(delay.milliseconds)",
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
        ResponseMetadata(
            status: response.status,
            headers: response.headers,
            requestID: response.headers.first(name: "x-request-id").map { redactor.clean($0, limit: 256) },
            rateLimit: RateLimitStatus(headers: response.headers, now: timeSource.wallClock()),
            attempts: attempts,
            duration: timeSource.now() - start
        )
    }
}
