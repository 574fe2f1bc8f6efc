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
        let continuation: CheckedContinuation<Int64, any Error>
    }

    private struct State {
        var bucket: TokenBucket
        var queue: [Waiter] = []
        var head = 0
        var timerRunning = false

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
    private let maxWait: Int64
    /// Time inside the limiter is nanoseconds since `origin`, read by `clock`, or by `coarseClock`
    /// where a reading up to one tick old is good enough: a bucket refilled with an older "now"
    /// holds fewer tokens, never more, so a stale reading can only delay, not over-admit.
    private let origin: ContinuousClock.Instant
    private let clock: @Sendable () -> Int64
    private let coarseClock: @Sendable () -> Int64
    /// `true` while a client-side rate is configured, a pause is set or callers wait: when it is
    /// `false`, `acquire` returns without taking the lock.
    private let mayDelay: Atomic<Bool>
    private let hasRate: Bool
    private let nextID = Atomic<UInt64>(0)

    /// A limiter for `configuration`; `nil` configuration means no client-side rate (pauses still
    /// apply). A caller that would wait longer than `maxWait` fails at once.
    public init(configuration: Configuration.RateLimit?, maxWait: Duration, timeSource: TimeSource) {
        let origin = timeSource.now()
        self.origin = origin
        if let (precise, coarse) = timeSource.nanoseconds {
            let base = precise()
            self.clock = { precise() - base }
            self.coarseClock = { coarse() - base }
        } else {
            self.clock = { (timeSource.now() - origin).nanoseconds }
            self.coarseClock = clock
        }
        self.timeSource = timeSource
        self.maxWait = maxWait.nanoseconds
        self.hasRate = configuration != nil
        self.mayDelay = Atomic(configuration != nil)
        self.state = Mutex(
            State(bucket: TokenBucket(ratePerSecond: configuration?.requestsPerSecond, burst: configuration?.burst ?? 1, now: 0))
        )
    }

    private func instant(_ nanoseconds: Int64) -> ContinuousClock.Instant {
        origin + .nanoseconds(nanoseconds)
    }

    /// Admits the caller at once when it may go without waiting: `true` means "send now" (a token
    /// was taken), `false` means "call ``acquire(operation:)``". Never blocks, never allocates.
    public func tryAcquire() -> Bool {
        // No rate, no pause, nobody waiting: nothing to decide. A pause set concurrently with this
        // read is one that this call raced with anyway; the next call sees it.
        guard mayDelay.load(ordering: .acquiring) else { return true }
        let now = coarseClock()
        return state.withLock { state in
            state.bucket.refill(now: now, queued: state.waiting)
            guard state.waiting == 0, state.bucket.tryTake(now: now) else { return false }
            settle(&state)
            return true
        }
    }

    /// Returns when the caller may send a request, with the instant it was admitted. Throws
    /// ``AIYouError/Code/rateLimited`` at once when the wait would exceed `maxWait` (with the
    /// expected wait as `retryAfter`), and ``AIYouError/Code/cancelled`` as soon as the task is cancelled.
    @discardableResult
    public func acquire(operation: String) async throws -> ContinuousClock.Instant {
        if tryAcquire() { return instant(coarseClock()) }
        let id = nextID.add(1, ordering: .relaxed).newValue
        do {
            return instant(try await wait(id: id))
        } catch let error as AIYouError {
            throw AIYouError(error.code, "\(operation): \(error.message)", retryAfter: error.retryAfter)
        } catch {
            throw AIYouError(.cancelled, "\(operation): cancelled while waiting for the rate limiter")
        }
    }

    /// Holds every request back until `duration` from now (the service's `Retry-After`).
    func pause(for duration: Duration) {
        let now = clock()
        let until = now + duration.nanoseconds
        state.withLock { state in
            state.bucket.pause(until: until)
            mayDelay.store(true, ordering: .releasing)
        }
    }

    /// Applies the service's rate-limit headers: with no requests remaining, pause until the reset.
    func apply(remaining: Int, resetAfter: Duration?) {
        guard remaining <= 0, let resetAfter else { return }
        pause(for: resetAfter)
    }

    /// Clears the "may delay" flag once there is neither a rate, nor a pause, nor a waiter.
    /// Called with the lock held.
    private func settle(_ state: inout State) {
        if !hasRate, state.waiting == 0, state.bucket.pausedUntil == nil { mayDelay.store(false, ordering: .releasing) }
    }

    /// `true` when `acquire` returns without taking the lock (no rate, no pause, no waiter).
    var isOnFastPath: Bool { !mayDelay.load(ordering: .acquiring) }

    /// Callers waiting right now (for tests and diagnostics).
    public var waitingCount: Int { state.withLock { $0.waiting } }

    private enum Admission {
        case now(Int64)
        case refused(Int64)
        case cancelled
        case queued(startTimer: Bool)
    }

    /// Decides and queues atomically: the place in line, the expected wait and the append happen
    /// under one lock, so concurrent arrivals never compute the same place.
    private func wait(id: UInt64) async throws -> Int64 {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int64, any Error>) in
                let now = clock()
                let admission: Admission = state.withLock { state in
                    // Cancelled before we could queue: the cancellation handler found nothing to remove.
                    if Task.isCancelled { return .cancelled }
                    state.bucket.refill(now: now, queued: state.waiting)
                    if state.waiting == 0, state.bucket.tryTake(now: now) {
                        settle(&state)
                        return .now(now)
                    }
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
                case .refused(let nanoseconds):
                    let delay = Duration.nanoseconds(nanoseconds)
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
            state.withLock { state in
                defer { settle(&state) }
                return state.remove(id: id)
            }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands tokens to waiters in order, sleeping (without the lock) until the next one is due.
    private func runTimer() async {
        while true {
            let now = clock()
            var admitted: [CheckedContinuation<Int64, any Error>] = []
            let sleep: Int64? = state.withLock { state in
                state.bucket.refill(now: now, queued: state.waiting)
                while state.waiting > 0, state.bucket.tryTake(now: now) {
                    admitted.append(state.popFirst().continuation)
                }
                guard state.waiting > 0 else {
                    state.timerRunning = false
                    settle(&state)
                    return nil
                }
                return state.bucket.delay(untilTokens: 1, now: now)
            }
            for continuation in admitted { continuation.resume(returning: now) }
            guard let sleep else { return }
            // The timer must keep serving the queue, so it ignores cancellation of its own task.
            try? await timeSource.sleep(.nanoseconds(max(sleep, 10_000)))
        }
    }
}
