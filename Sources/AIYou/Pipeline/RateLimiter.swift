import Synchronization

/// Admits requests at a configured rate, in arrival order, and holds every request back while the
/// service has asked the client to wait (a 429's `Retry-After`, or no requests remaining until a
/// reset). A wait the service asks for is honoured up to ``Configuration/Retry/maxRetryAfter``;
/// when it asks for more, callers fail at once with ``AIYouError/Code/rateLimited`` (and the
/// service's delay) during that ceiling, after which the client sends again by itself.
///
/// The lock protects only the bucket and the queue; nobody sleeps while holding it. Waiting callers
/// park on a continuation; one timer task sleeps until the next token is due and hands tokens to
/// the queue head first (FIFO). A cancelled waiter leaves the queue at once, giving its place back.
@_spi(Benchmarks)
public final class RateLimiter: Sendable {
    private struct Waiter: Sendable {
        let id: UInt64
        let continuation: CheckedContinuation<Int64, any Error>
    }

    private struct State: Sendable {
        var bucket: TokenBucket
        var queue: [Waiter] = []
        var head = 0
        var timerRunning = false
        /// While set, callers are refused: the service asked for a wait beyond the ceiling.
        var refusal: Refusal?
        var isShutDown = false

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

    /// Callers are refused until `until`; the service's own delay ends at `retryAt`.
    private struct Refusal: Sendable {
        var until: Int64
        var retryAt: Int64
    }

    private let state: Locked<State>
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
    /// The configured rate (requests per second), which a paced rate never exceeds.
    private let configuredRate: Double?
    private let nextID = Atomic<UInt64>(0)
    /// Where the timer runs.
    private let tasks: OwnedTasks

    /// A limiter for `configuration`; `nil` configuration means no client-side rate (pauses still
    /// apply). A caller that would wait longer than `maxWait` fails at once.
    public convenience init(configuration: Configuration.RateLimit?, maxWait: Duration, timeSource: TimeSource) {
        self.init(configuration: configuration, maxWait: maxWait, timeSource: timeSource, tasks: OwnedTasks())
    }

    /// A limiter whose timer runs among `tasks` (a client's: its shutdown awaits the timer).
    init(configuration: Configuration.RateLimit?, maxWait: Duration, timeSource: TimeSource, tasks: OwnedTasks) {
        self.tasks = tasks
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
        self.configuredRate = configuration?.requestsPerSecond
        self.mayDelay = Atomic(configuration != nil)
        self.state = Locked(
            State(bucket: TokenBucket(ratePerSecond: configuration?.requestsPerSecond, burst: configuration?.burst ?? 1, now: 0))
        )
    }

    private func instant(_ nanoseconds: Int64) -> ContinuousClock.Instant {
        origin + .nanoseconds(nanoseconds)
    }

    /// Admits the caller at once when it may go without waiting: `true` means "send now" (a token
    /// was taken), `false` means "call ``acquire()``". Never blocks, never allocates.
    public func tryAcquire() -> Bool {
        // No rate, no pause, nobody waiting: nothing to decide. A pause set concurrently with this
        // read is one that this call raced with anyway; the next call sees it.
        guard mayDelay.load(ordering: .acquiring) else { return true }
        let now = coarseClock()
        return state.withLock { state in
            if state.isShutDown || state.refusal.map({ now < $0.until }) == true { return false }
            state.bucket.refill(now: now, queued: state.waiting)
            guard state.waiting == 0, state.bucket.tryTake(now: now) else { return false }
            settle(&state, now: now)
            return true
        }
    }

    /// Returns when the caller may send a request, with the instant it was admitted. Throws
    /// ``AIYouError/Code/rateLimited`` at once when the wait would exceed `maxWait` (with the
    /// expected wait as `retryAfter`), and ``AIYouError/Code/cancelled`` as soon as the task is cancelled.
    @discardableResult
    public func acquire() async throws(AIYouError) -> ContinuousClock.Instant {
        if tryAcquire() { return instant(coarseClock()) }
        let id = nextID.add(1, ordering: .relaxed).newValue
        do {
            return instant(try await wait(id: id))
        } catch let error as AIYouError {
            throw error
        } catch {
            throw AIYouError(.cancelled, "cancelled while waiting for the rate limiter")
        }
    }

    /// The service asked the client to wait `delay` (a 429's `Retry-After`, or a rate-limit
    /// reset): up to `ceiling`, every request is held back that long; beyond it, every caller is
    /// refused at once for `ceiling`, with the service's remaining delay as `retryAfter`.
    func serverAskedToWait(_ delay: Duration, ceiling: Duration) {
        let now = clock()
        guard delay > ceiling else {
            state.withLock { state in
                state.bucket.pause(until: Self.adding(delay, to: now))
                mayDelay.store(true, ordering: .releasing)
            }
            return
        }
        let refusal = Refusal(until: Self.adding(ceiling, to: now), retryAt: Self.adding(delay, to: now))
        let refused: [Waiter] = state.withLock { state in
            if let current = state.refusal, current.until >= refusal.until, current.retryAt >= refusal.retryAt { return [] }
            state.refusal = refusal
            mayDelay.store(true, ordering: .releasing)
            var refused: [Waiter] = []
            while state.waiting > 0 { refused.append(state.popFirst()) }
            return refused
        }
        for waiter in refused { waiter.continuation.resume(throwing: refusalError(retryAt: refusal.retryAt, now: now)) }
    }

    /// Paces the client at `perSecond` requests per second (never above the configured rate), as
    /// adaptive pacing decides from the service's answers; `nil` goes back to the configured rate.
    /// `then` is the rate from an instant on (the service's window resets then).
    func pace(atMost perSecond: Double?, then: (at: Int64, perSecond: Double?)? = nil) {
        let rate = bounded(perSecond)
        let next = then.map { (at: $0.at, perSecond: bounded($0.perSecond)) }
        let now = clock()
        state.withLock { state in
            state.bucket.setRate(perSecond: rate, now: now, queued: state.waiting, then: next)
            if rate != nil { mayDelay.store(true, ordering: .releasing) } else { settle(&state, now: now) }
        }
    }

    /// `perSecond` bounded by the configured rate.
    private func bounded(_ perSecond: Double?) -> Double? {
        switch (configuredRate, perSecond) {
        case (let configured?, let paced?): min(configured, paced)
        case (let configured, nil): configured
        case (nil, let paced): paced
        }
    }

    /// Ends every wait with ``AIYouError/Code/clientShutdown`` and refuses new ones.
    func shutdown() {
        let waiters: [Waiter] = state.withLock { state in
            state.isShutDown = true
            mayDelay.store(true, ordering: .releasing)
            var waiters: [Waiter] = []
            while state.waiting > 0 { waiters.append(state.popFirst()) }
            return waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.shutdownError) }
    }

    private static let shutdownError = AIYouError(.clientShutdown, "the client was shut down while the call waited for its turn")

    private func refusalError(retryAt: Int64, now: Int64) -> AIYouError {
        let delay = Duration.nanoseconds(max(retryAt - now, 0))
        return AIYouError(
            .rateLimited,
            "the service asked the client to wait \(delay.formattedSeconds), more than retry.maxRetryAfter; not sending",
            retryAfter: delay
        )
    }

    /// `now` plus `duration` on the limiter's nanosecond scale, saturating.
    private static func adding(_ duration: Duration, to now: Int64) -> Int64 {
        let (sum, overflow) = now.addingReportingOverflow(duration.nanoseconds)
        return overflow ? .max : sum
    }

    /// Clears the "may delay" flag once there is neither a rate, nor a pause, nor a refusal, nor a
    /// waiter. Called with the lock held.
    private func settle(_ state: inout State, now: Int64) {
        if let refusal = state.refusal, refusal.until <= now { state.refusal = nil }
        if !state.bucket.hasRate, state.waiting == 0, state.bucket.pausedUntil == nil, state.refusal == nil, !state.isShutDown {
            mayDelay.store(false, ordering: .releasing)
        }
    }

    /// Now, in nanoseconds on the limiter's clock.
    var nanosecondsNow: Int64 { clock() }

    /// `true` when `acquire` returns without taking the lock (no rate, no pause, no waiter).
    var isOnFastPath: Bool { !mayDelay.load(ordering: .acquiring) }

    /// Callers waiting right now (for tests and diagnostics).
    public var waitingCount: Int { state.withLock { $0.waiting } }

    private enum Admission {
        case now(Int64)
        case refused(Int64)
        case refusedByService(AIYouError)
        case shutDown
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
                    if state.isShutDown { return .shutDown }
                    if let refusal = state.refusal {
                        if now < refusal.until { return .refusedByService(refusalError(retryAt: refusal.retryAt, now: now)) }
                        state.refusal = nil
                    }
                    state.bucket.refill(now: now, queued: state.waiting)
                    if state.waiting == 0, state.bucket.tryTake(now: now) {
                        settle(&state, now: now)
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
                case .refusedByService(let error):
                    continuation.resume(throwing: error)
                case .shutDown:
                    continuation.resume(throwing: Self.shutdownError)
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .queued(let startTimer):
                    // Not started only once the client is shutting down, which ends every waiter.
                    if startTimer { tasks.start { await self.runTimer() } }
                }
            }
        } onCancel: {
            let now = clock()
            state.withLock { state in
                defer { settle(&state, now: now) }
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
                    settle(&state, now: now)
                    return nil
                }
                return state.bucket.delay(untilTokens: 1, now: now)
            }
            for continuation in admitted { continuation.resume(returning: now) }
            guard let sleep else { return }
            // The timer must keep serving the queue, so it ignores cancellation of its own task. Its
            // deadline is absolute: the time it takes to get here does not push it back.
            try? await timeSource.sleep(until: instant(Self.adding(.nanoseconds(max(sleep, 10_000)), to: now)))
            // Only the client's shutdown cancels the timer, after ending every waiter.
            if Task.isCancelled, state.withLock({ $0.isShutDown }) { return }
        }
    }
}
