import Synchronization

/// Admits requests at a configured rate, in arrival order, and holds every request back while the
/// service has asked the client to wait (a 429's `Retry-After`).
///
/// The lock protects only the bucket and the queue; nobody sleeps while holding it. Waiting callers
/// park on a continuation; one timer task sleeps until the next token is due and hands tokens to
/// the queue head first (FIFO). A cancelled waiter leaves the queue at once, giving its place back.
@_spi(Benchmarks)
public final class RateLimiter: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<ContinuousClock.Instant, any Error>
    }

    private struct State {
        var bucket: TokenBucket
        var queue: [Waiter] = []
        var head = 0
        var timerRunning = false
        var nextID: UInt64 = 0

        var waiting: Int { queue.count - head }

        mutating func popFirst() -> Waiter {
            let waiter = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return waiter
        }

        mutating func remove(id: UInt64) -> Waiter? {
            guard let index = queue[head...].firstIndex(where: { $0.id == id }) else { return nil }
            return queue.remove(at: index)
        }
    }

    private let state: Mutex<State>
    private let timeSource: TimeSource
    private let maxWait: Duration

    /// A limiter for `configuration`; `nil` configuration means no client-side rate (pauses still
    /// apply). A caller that would wait longer than `maxWait` fails at once.
    public init(configuration: Configuration.RateLimit?, maxWait: Duration, timeSource: TimeSource) {
        self.timeSource = timeSource
        self.maxWait = maxWait
        self.state = Mutex(
            State(bucket: TokenBucket(ratePerSecond: configuration?.requestsPerSecond, burst: configuration?.burst ?? 1, now: timeSource.now()))
        )
    }

    /// Returns when the caller may send a request, with the instant it was admitted. Throws
    /// ``AIYouError/Code/rateLimited`` at once when the wait would exceed `maxWait` (with the
    /// expected wait as `retryAfter`), and ``AIYouError/Code/cancelled`` as soon as the task is cancelled.
    @discardableResult
    public func acquire(operation: String) async throws -> ContinuousClock.Instant {
        let now = timeSource.now()
        let id: UInt64? = state.withLock { state in
            state.bucket.refill(now: now)
            if state.waiting == 0, state.bucket.tryTake(now: now) { return nil }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return now }
        do {
            return try await wait(id: id)
        } catch let error as AIYouError {
            throw AIYouError(error.code, "\(operation): \(error.message)", retryAfter: error.retryAfter)
        } catch {
            throw AIYouError(.cancelled, "\(operation): cancelled while waiting for the rate limiter")
        }
    }

    /// Holds every request back until `duration` from now (the service's `Retry-After`).
    func pause(for duration: Duration) {
        let until = timeSource.now() + duration
        state.withLock { $0.bucket.pause(until: until) }
    }

    /// Applies the service's rate-limit headers: with no requests remaining, pause until the reset.
    func apply(remaining: Int, resetAfter: Duration?) {
        let now = timeSource.now()
        state.withLock { state in
            state.bucket.refill(now: now)
            if remaining <= 0, let resetAfter { state.bucket.pause(until: now + resetAfter) }
        }
    }

    /// Callers waiting right now (for tests and diagnostics).
    var waitingCount: Int { state.withLock { $0.waiting } }

    private enum Admission {
        case now(ContinuousClock.Instant)
        case refused(Duration)
        case cancelled
        case queued(startTimer: Bool)
    }

    /// Decides and queues atomically: the place in line, the expected wait and the append happen
    /// under one lock, so concurrent arrivals never compute the same place.
    private func wait(id: UInt64) async throws -> ContinuousClock.Instant {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ContinuousClock.Instant, any Error>) in
                let now = timeSource.now()
                let admission: Admission = state.withLock { state in
                    // Cancelled before we could queue: the cancellation handler found nothing to remove.
                    if Task.isCancelled { return .cancelled }
                    state.bucket.refill(now: now)
                    if state.waiting == 0, state.bucket.tryTake(now: now) { return .now(now) }
                    let delay = state.bucket.delay(untilTokens: state.waiting + 1, now: now)
                    if delay > maxWait { return .refused(delay) }
                    state.queue.append(Waiter(id: id, continuation: continuation))
                    if state.timerRunning { return .queued(startTimer: false) }
                    state.timerRunning = true
                    return .queued(startTimer: true)
                }
                switch admission {
                case .now(let instant):
                    continuation.resume(returning: instant)
                case .refused(let delay):
                    continuation.resume(
                        throwing: AIYouError(
                            .rateLimited,
                            "the client-side rate limit would delay this request by \(delay.formattedSeconds), more than maxWait",
                            retryAfter: delay
                        )
                    )
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .queued(let startTimer):
                    if startTimer { Task { await self.runTimer() } }
                }
            }
        } onCancel: {
            state.withLock { $0.remove(id: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands tokens to waiters in order, sleeping (without the lock) until the next one is due.
    private func runTimer() async {
        while true {
            let now = timeSource.now()
            var admitted: [CheckedContinuation<ContinuousClock.Instant, any Error>] = []
            let sleep: Duration? = state.withLock { state in
                state.bucket.refill(now: now)
                while state.waiting > 0, state.bucket.tryTake(now: now) {
                    admitted.append(state.popFirst().continuation)
                }
                guard state.waiting > 0 else {
                    state.timerRunning = false
                    return nil
                }
                return state.bucket.delay(untilTokens: 1, now: now)
            }
            for continuation in admitted { continuation.resume(returning: now) }
            guard let sleep else { return }
            // The timer must keep serving the queue, so it ignores cancellation of its own task.
            try? await timeSource.sleep(max(sleep, .microseconds(10)))
        }
    }
}
