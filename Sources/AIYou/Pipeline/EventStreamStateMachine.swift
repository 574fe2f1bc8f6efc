import NIOCore
import NIOHTTP1

/// The states of a stream request's answer and what each event changes, without any I/O: no
/// event loop, no clock, no continuation resumed. Every event returns an action that the caller
/// (``EventStreamResponse``) performs after releasing its lock.
///
/// The answer goes through four phases, each with its deadline, enforced by one watchdog timer:
/// - opening: the head, and for a refusal the error body, must arrive before the opening deadline;
/// - events: while the consumer waits for an event (``waitingForEvent(now:)``), one must come
///   (``eventDelivered()``) within the event timeout; bytes alone do not count, and time the
///   consumer spends elsewhere does not either;
/// - finishing: after ``finish(now:)`` the rest of the body (at most ``maxTailBytes``) must arrive
///   within ``maxTailNanoseconds``, or the connection is closed instead of being reused;
/// - over: nothing more is read.
/// At most about ``bufferedBytesTarget`` bytes are held ahead of the consumer; beyond that the
/// part just received waits for a `Demand` that is succeeded once the consumer catches up.
///
/// Generic over what the caller waits with (`HeadWaiter`, `Consumer`), the back-pressure promise
/// (`Demand`), the request (`Request`) and the scheduled watchdog (`Timer`), so that tests drive it
/// with plain values. Times are uptime nanoseconds, given by the caller.
struct EventStreamStateMachine<HeadWaiter, Consumer, Demand, Request, Timer> {
    /// Bytes held ahead of the consumer before the connection stops reading.
    static var bufferedBytesTarget: Int { 64 * 1024 }
    /// After ``finish(now:)``: the most bytes read and dropped to keep the connection for reuse…
    static var maxTailBytes: Int { 64 * 1024 }
    /// …and how long that may take.
    static var maxTailNanoseconds: UInt64 { 1_000_000_000 }

    enum Phase: Sendable, Hashable {
        case opening
        case events
        case finishing
        case over
    }

    /// A watchdog to schedule on the task's event loop; `generation` identifies it when it fires
    /// (a watchdog replaced or cancelled too late fires for nothing).
    struct Watchdog {
        var task: Request
        /// Uptime nanoseconds.
        var deadline: UInt64
        var generation: UInt64
    }

    /// What to do with the watchdog.
    enum WatchdogAction {
        case none
        case cancel(Timer)
        /// Schedule `watchdog`, after cancelling the timer it replaces.
        case schedule(Watchdog, cancelling: Timer?)
    }

    /// What to do for the head's waiter.
    enum HeadAction {
        case none
        case succeed(HeadWaiter, HTTPResponseHead)
        case fail(HeadWaiter, TransportError)
    }

    /// What the consumer gets for its demand.
    enum NextAction {
        /// Hand over `part`; succeed the demand, when there is one, so that the connection reads again.
        case deliver(ByteBuffer, releasing: Demand?)
        case end
        case fail(TransportError)
        /// Nothing yet: the consumer given, if any, is kept and resumed by a later event.
        case wait
    }

    /// What to do with a part of the body that just arrived.
    enum BodyPartAction {
        /// Read on.
        case proceed
        /// Resume the waiting consumer with the part, and read on.
        case handOff(Consumer)
        /// Enough is held ahead of the consumer: make a demand, register it with
        /// ``readPaused(until:)``, and read on only once it succeeds.
        case pause
        /// Fail the read with the error: the connection is closed.
        case close(TransportError)
    }

    /// What to do when the connection failed.
    enum ErrorAction {
        case none
        /// Cancel the timer, succeed the demand, and fail the consumer and the head's waiter with the error.
        case fail(TransportError, consumer: Consumer?, headWaiter: HeadWaiter?, releasing: Demand?, cancelling: Timer?)
    }

    /// What to do when the body has ended.
    enum EndAction {
        /// Cancel the timer, resume the consumer with the end, and fail the head's waiter (an end
        /// without a head) with the error.
        case end(consumer: Consumer?, headWaiter: (HeadWaiter, TransportError)?, cancelling: Timer?)
    }

    /// What to do when the consumer finished the stream.
    enum FinishAction {
        case none
        case cancel(Timer)
        /// Succeed the demand, cancel the timer and schedule the tail's watchdog: the connection reads
        /// the tail and is reused.
        case drainTail(releasing: Demand?, cancelling: Timer?, watchdog: Watchdog?)
        /// Cancel the timer and the task (the tail held is too long), then succeed the demand.
        case close(Request?, releasing: Demand?, cancelling: Timer?)
    }

    /// What to do to close the connection.
    enum CloseAction {
        case none
        case cancel(Request)
    }

    /// What to do when a watchdog fired.
    enum TimerAction {
        case none
        /// The phase's deadline passed: fail the task with the error.
        case fail(Request, TransportError)
        /// The tail did not arrive in time: close the connection.
        case cancel(Request)
        /// Not due yet: check again then.
        case schedule(Watchdog)
    }

    private(set) var phase = Phase.opening
    /// Whether the whole request had been written when the answer failed.
    private(set) var requestSent = false
    /// Bytes received and not yet handed to the consumer.
    private(set) var bufferedBytes = 0
    private let openingDeadline: UInt64
    private let eventTimeout: UInt64
    /// What the idle timeout's error says went missing.
    private let idleReason: String
    private var head: HTTPResponseHead?
    private var headWaiter: HeadWaiter?
    private var parts = CircularBuffer<ByteBuffer>()
    private var demand: Demand?
    private var consumer: Consumer?
    private var ended = false
    private var failure: TransportError?
    private var closing = false
    private var tailBytes = 0
    private var task: Request?
    private var watchdog: Timer?
    private var generation: UInt64 = 0
    /// Since when the consumer waits for an event; `nil` when it does not.
    private var waitingSince: UInt64?

    /// - Parameters:
    ///   - openingDeadline: when the head (and an error answer's body) must have arrived, in
    ///     uptime nanoseconds.
    ///   - eventTimeout: how long, in nanoseconds, a waiting consumer may go without an event.
    init(openingDeadline: UInt64, eventTimeout: UInt64, idleReason: String) {
        self.openingDeadline = openingDeadline
        self.eventTimeout = eventTimeout
        self.idleReason = idleReason
    }

    // MARK: - Owner

    /// The request was started: its watchdog enforces the opening deadline.
    mutating func start(_ task: Request) -> WatchdogAction {
        self.task = task
        guard phase == .opening else { return .none }
        let stale = dropWatchdog()
        return .schedule(nextWatchdog(task, at: openingDeadline), cancelling: stale)
    }

    /// The timer for `generation` was scheduled. Returns a timer to cancel: the one replaced, or this
    /// one when it is already stale.
    mutating func watchdogScheduled(_ timer: Timer, generation: UInt64) -> Timer? {
        guard phase != .over, generation == self.generation else { return timer }
        defer { watchdog = timer }
        return watchdog
    }

    /// The answer is a successful event stream: from now on the event timeout applies.
    mutating func startEvents(now: UInt64) -> WatchdogAction {
        guard phase == .opening else { return .none }
        phase = .events
        let stale = dropWatchdog()
        // A body already complete has nothing left to wait for.
        guard let task, !ended else { return stale.map { .cancel($0) } ?? .none }
        return .schedule(nextWatchdog(task, at: Self.adding(now, eventTimeout)), cancelling: stale)
    }

    /// Someone waits for the head.
    mutating func headRequested(by waiter: HeadWaiter) -> HeadAction {
        if let head { return .succeed(waiter, head) }
        if let failure { return .fail(waiter, failure) }
        if ended { return .fail(waiter, closedBeforeHead) }
        headWaiter = waiter
        return .none
    }

    /// Closes the connection, whatever is left to read; once only, and not after the answer ended.
    mutating func close() -> CloseAction {
        guard let task, !closing, !ended, failure == nil else { return .none }
        closing = true
        return .cancel(task)
    }

    // MARK: - Consumer

    /// The consumer wants the next part: what is ready, or `consumer` (when given) is kept to be
    /// resumed later.
    mutating func next(consumer: Consumer?) -> NextAction {
        if let part = parts.popFirst() {
            bufferedBytes -= part.readableBytes
            var released: Demand?
            if bufferedBytes < Self.bufferedBytesTarget {
                released = demand
                demand = nil
            }
            return .deliver(part, releasing: released)
        }
        if let failure { return .fail(failure) }
        if ended { return .end }
        if let consumer { self.consumer = consumer }
        return .wait
    }

    /// The consumer waits for an event from `now` (nothing changes when it already did).
    mutating func waitingForEvent(now: UInt64) {
        if waitingSince == nil { waitingSince = now }
    }

    /// An event reached the consumer: it no longer waits.
    mutating func eventDelivered() {
        waitingSince = nil
    }

    /// The consumer has read all it wants: drop what is held, and read a short tail within
    /// ``maxTailNanoseconds`` so that the connection can be reused; a long one closes it.
    mutating func finish(now: UInt64) -> FinishAction {
        guard phase == .opening || phase == .events else { return .none }
        let stale = dropWatchdog()
        if ended {
            phase = .over
            return stale.map { .cancel($0) } ?? .none
        }
        phase = .finishing
        tailBytes = bufferedBytes
        parts.removeAll()
        bufferedBytes = 0
        let released = demand
        demand = nil
        if tailBytes > Self.maxTailBytes {
            closing = true
            return .close(task, releasing: released, cancelling: stale)
        }
        let watchdog = task.map { nextWatchdog($0, at: Self.adding(now, Self.maxTailNanoseconds)) }
        return .drainTail(releasing: released, cancelling: stale, watchdog: watchdog)
    }

    // MARK: - Connection

    /// The whole request has been written.
    mutating func requestWasSent() {
        requestSent = true
    }

    /// The head has arrived.
    mutating func headReceived(_ head: HTTPResponseHead) -> HeadAction {
        self.head = head
        guard let waiter = headWaiter else { return .none }
        headWaiter = nil
        return .succeed(waiter, head)
    }

    /// A part of the body has arrived.
    mutating func bodyPartReceived(_ part: ByteBuffer) -> BodyPartAction {
        switch phase {
        case .over:
            return .proceed
        case .finishing:
            tailBytes += part.readableBytes
            guard tailBytes > Self.maxTailBytes else { return .proceed }
            return .close(TransportError(.broken, "the tail after the end of the stream was too long"))
        case .opening, .events:
            if let consumer {
                self.consumer = nil
                return .handOff(consumer)
            }
            parts.append(part)
            bufferedBytes += part.readableBytes
            return bufferedBytes >= Self.bufferedBytesTarget ? .pause : .proceed
        }
    }

    /// After ``BodyPartAction/pause``: `demand` is what the connection waits for. Returns it when it
    /// must be succeeded at once (the consumer caught up meanwhile, or nothing more is held).
    mutating func readPaused(until demand: Demand) -> Demand? {
        guard phase == .opening || phase == .events, bufferedBytes >= Self.bufferedBytesTarget else { return demand }
        self.demand = demand
        return nil
    }

    /// The connection failed (the first failure is the one reported). A body that already ended
    /// stays complete.
    mutating func errorReceived(_ error: TransportError) -> ErrorAction {
        guard !ended else { return .none }
        let failure = self.failure ?? error
        self.failure = failure
        phase = .over
        defer {
            consumer = nil
            headWaiter = nil
            demand = nil
        }
        return .fail(failure, consumer: consumer, headWaiter: headWaiter, releasing: demand, cancelling: dropWatchdog())
    }

    /// The body has ended.
    mutating func endReceived() -> EndAction {
        ended = true
        if phase == .finishing { phase = .over }
        defer {
            consumer = nil
            headWaiter = nil
        }
        let waiter = headWaiter.map { ($0, closedBeforeHead) }
        return .end(consumer: consumer, headWaiter: waiter, cancelling: dropWatchdog())
    }

    // MARK: - Watchdog

    /// The watchdog of `generation` fired at `now`.
    mutating func watchdogFired(generation: UInt64, now: UInt64) -> TimerAction {
        guard generation == self.generation else { return .none }
        _ = dropWatchdog()
        guard let task else { return .none }
        switch phase {
        case .over:
            return .none
        case .opening:
            let reason =
                head == nil ? "no answer before the request timeout" : "the error answer did not arrive before the request timeout"
            return .fail(task, TransportError(.requestTimeout, reason, requestSent: requestSent))
        case .events:
            guard let since = waitingSince else {
                return .schedule(nextWatchdog(task, at: Self.adding(now, eventTimeout)))
            }
            let due = Self.adding(since, eventTimeout)
            guard now >= due else { return .schedule(nextWatchdog(task, at: due)) }
            return .fail(task, TransportError(.idleTimeout, idleReason))
        case .finishing:
            return .cancel(task)
        }
    }

    private var closedBeforeHead: TransportError {
        TransportError(.broken, "the connection closed before an answer", requestSent: requestSent)
    }

    private mutating func nextWatchdog(_ task: Request, at deadline: UInt64) -> Watchdog {
        generation &+= 1
        return Watchdog(task: task, deadline: deadline, generation: generation)
    }

    /// Forgets the current watchdog, so that it does nothing if it fires; returns it to cancel.
    private mutating func dropWatchdog() -> Timer? {
        generation &+= 1
        defer { watchdog = nil }
        return watchdog
    }

    private static func adding(_ time: UInt64, _ duration: UInt64) -> UInt64 {
        let (sum, overflow) = time.addingReportingOverflow(duration)
        return overflow ? .max : sum
    }
}

extension EventStreamStateMachine: Sendable
where HeadWaiter: Sendable, Consumer: Sendable, Demand: Sendable, Request: Sendable, Timer: Sendable {}

/// The beginning of an answer read for its error message: its first `limit` bytes.
struct CollectedBody: Sendable {
    let limit: Int
    private(set) var bytes = ByteBuffer()

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether `limit` bytes are in.
    var isFull: Bool { bytes.readableBytes >= limit }

    /// Appends what fits of `part`.
    mutating func append(_ part: ByteBuffer) {
        var part = part
        let room = max(0, limit - bytes.readableBytes)
        if part.readableBytes > room { part.moveWriterIndex(to: part.readerIndex + room) }
        bytes.writeBuffer(&part)
    }
}
