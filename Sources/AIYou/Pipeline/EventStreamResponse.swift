import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads the answer to a stream request on the event loop and hands its body to one consumer,
/// piece by piece, with back-pressure, a deadline for every phase and a bounded tail.
///
/// One watchdog, scheduled on the event loop, enforces the deadline of the current phase:
/// - opening: the head, and for a refusal the error body, must arrive before the request timeout;
/// - events: while the caller waits for an event (``waitingForEvent()``), one must come
///   (``eventDelivered()``) within the event timeout — bytes alone (comments, keep-alive lines,
///   a dripping event) do not count, and time the caller spends elsewhere does not either;
/// - finishing: after ``finish()`` the rest of the body (at most ``maxTailBytes``) must arrive
///   within ``maxTailTime``, or the connection is closed instead of being reused.
/// At most about ``bufferedBytesTarget`` bytes are held ahead of the consumer; beyond that the
/// connection stops reading until the consumer catches up.
final class EventStreamResponse: HTTPClientResponseDelegate, EventStreamSource, Sendable {
    typealias Response = Void

    /// Bytes held ahead of the consumer before the connection stops reading.
    static let bufferedBytesTarget = 64 * 1024
    /// After ``finish()``: the most bytes read and dropped to keep the connection for reuse…
    static let maxTailBytes = 64 * 1024
    /// …and how long that may take.
    static let maxTailTime: TimeAmount = .seconds(1)

    private enum Phase: Sendable {
        case opening
        case events
        case finishing
        case over
    }

    private struct State: Sendable {
        var phase = Phase.opening
        var head: HTTPResponseHead?
        var headWaiter: CheckedContinuation<HTTPResponseHead, any Error>?
        var parts = CircularBuffer<ByteBuffer>()
        var bufferedBytes = 0
        var demand: EventLoopPromise<Void>?
        var consumer: CheckedContinuation<ByteBuffer?, any Error>?
        var ended = false
        var failure: TransportError?
        var requestSent = false
        var tailBytes = 0
        var task: HTTPClient.Task<Void>?
        var watchdog: Scheduled<Void>?
        /// Identifies the current watchdog, so that one cancelled too late does nothing.
        var watchdogGeneration: UInt64 = 0
    }

    private let state = Locked(State())
    /// Since when the caller waits for an event, in `NIODeadline` uptime nanoseconds; 0 when it
    /// does not wait.
    private let waitingSince = Atomic<UInt64>(0)
    private let eventTimeout: TimeAmount
    private let openingDeadline: NIODeadline
    /// What the idle timeout's error says went missing.
    private let idleReason: String

    /// The idle timeout's reason for a chat stream.
    static let eventIdleReason =
        "no progress (text, a tool call, a finish reason or usage) in the stream for longer than timeouts.streamIdle"

    init(requestTimeout: Duration, eventTimeout: Duration, idleReason: String = eventIdleReason) {
        self.openingDeadline = .now() + TimeAmount(requestTimeout)
        self.eventTimeout = TimeAmount(eventTimeout)
        self.idleReason = idleReason
    }

    // MARK: - Owner

    /// Starts the watchdog for `task`, the request this delegate reads.
    func start(_ task: HTTPClient.Task<Void>) {
        let arm = state.withLock { state -> Bool in
            state.task = task
            return state.phase != .over
        }
        if arm { schedule(at: openingDeadline, on: task.eventLoop) }
    }

    /// The response head, once it has arrived. Throws ``TransportError``.
    func head() async throws -> HTTPResponseHead {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponseHead, any Error>) in
                let ready: Result<HTTPResponseHead, any Error>? = state.withLock { state in
                    if let head = state.head { return .success(head) }
                    if let failure = state.failure { return .failure(failure) }
                    state.headWaiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The answer is a successful event stream: from now on the event timeout applies.
    func startEvents() {
        let task: HTTPClient.Task<Void>? = state.withLock { state in
            guard state.phase == .opening else { return nil }
            state.phase = .events
            state.watchdog?.cancel()
            state.watchdog = nil
            return state.task
        }
        if let task { schedule(at: .now() + eventTimeout, on: task.eventLoop) }
    }

    /// Reads the rest of the body, up to `limit` bytes (the rest is not read: the connection is
    /// closed), until the request timeout; what arrived by then. Used for error answers, whose
    /// beginning is all the client needs.
    func collect(limit: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        while collected.readableBytes < limit {
            let part: ByteBuffer?
            do {
                part = try await next()
            } catch let error as TransportError where error.kind != .cancelled {
                break
            }
            guard var part else { return collected }
            let room = limit - collected.readableBytes
            if part.readableBytes > room { part.moveWriterIndex(to: part.readerIndex + room) }
            collected.writeBuffer(&part)
        }
        cancel()
        return collected
    }

    /// Closes the connection now, whatever is left to read.
    func cancel() {
        state.withLock { $0.task }?.cancel()
    }

    func close() {
        cancel()
    }

    // MARK: - EventStreamSource

    func next() async throws -> ByteBuffer? {
        // What is already here is handed over without suspending.
        if let ready = take(orWait: nil) { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                if let ready = take(orWait: continuation) { continuation.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The next part, the failure or the end when there is one; otherwise registers `consumer`
    /// (when given) to be resumed by the event loop.
    private func take(orWait consumer: CheckedContinuation<ByteBuffer?, any Error>?) -> Result<ByteBuffer?, any Error>? {
        var demand: EventLoopPromise<Void>?
        let ready: Result<ByteBuffer?, any Error>? = state.withLock { state in
            if let part = state.parts.popFirst() {
                state.bufferedBytes -= part.readableBytes
                if state.bufferedBytes < Self.bufferedBytesTarget {
                    demand = state.demand
                    state.demand = nil
                }
                return .success(part)
            }
            if let failure = state.failure { return .failure(failure) }
            if state.ended { return .success(nil) }
            if let consumer { state.consumer = consumer }
            return nil
        }
        demand?.succeed(())
        return ready
    }

    func waitingForEvent() {
        if waitingSince.load(ordering: .relaxed) == 0 {
            waitingSince.store(max(NIODeadline.now().uptimeNanoseconds, 1), ordering: .relaxed)
        }
    }

    func eventDelivered() {
        waitingSince.store(0, ordering: .relaxed)
    }

    func finish() {
        enum Action {
            case nothing
            case close(HTTPClient.Task<Void>?)
            case drain(EventLoopPromise<Void>?, HTTPClient.Task<Void>?)
        }
        let action: Action = state.withLock { state in
            switch state.phase {
            case .finishing, .over:
                return .nothing
            case .opening, .events:
                state.watchdog?.cancel()
                state.watchdog = nil
                if state.ended || state.failure != nil {
                    state.phase = .over
                    return .nothing
                }
                state.phase = .finishing
                state.tailBytes = state.bufferedBytes
                state.parts.removeAll()
                state.bufferedBytes = 0
                let demand = state.demand
                state.demand = nil
                if state.tailBytes > Self.maxTailBytes { return .close(state.task) }
                return .drain(demand, state.task)
            }
        }
        switch action {
        case .nothing:
            break
        case .close(let task):
            task?.cancel()
        case .drain(let demand, let task):
            demand?.succeed(())
            if let task { schedule(at: .now() + Self.maxTailTime, on: task.eventLoop) }
        }
    }

    // MARK: - Watchdog

    private func schedule(at deadline: NIODeadline, on eventLoop: any EventLoop) {
        let generation = state.withLock { state in
            state.watchdogGeneration &+= 1
            return state.watchdogGeneration
        }
        let scheduled = eventLoop.scheduleTask(deadline: deadline) { [self] in watchdogFired(generation) }
        let stale: Scheduled<Void>? = state.withLock { state in
            guard state.phase != .over, state.watchdogGeneration == generation else { return scheduled }
            let previous = state.watchdog
            state.watchdog = scheduled
            return previous
        }
        stale?.cancel()
    }

    private func watchdogFired(_ generation: UInt64) {
        enum Action {
            case nothing
            case fail(HTTPClient.Task<Void>?, TransportError)
            case check(at: NIODeadline, on: any EventLoop)
            case close(HTTPClient.Task<Void>?)
        }
        let now = NIODeadline.now()
        let action: Action = state.withLock { state in
            guard state.watchdogGeneration == generation else { return .nothing }
            state.watchdog = nil
            switch state.phase {
            case .over:
                return .nothing
            case .opening:
                let reason =
                    state.head == nil
                    ? "no answer before the request timeout" : "the error answer did not arrive before the request timeout"
                return .fail(state.task, TransportError(.requestTimeout, reason, requestSent: state.requestSent))
            case .events:
                let since = waitingSince.load(ordering: .relaxed)
                let due = since == 0 ? now + eventTimeout : NIODeadline.uptimeNanoseconds(since) + eventTimeout
                guard since != 0, now >= due else { return state.task.map { .check(at: due, on: $0.eventLoop) } ?? .nothing }
                return .fail(state.task, TransportError(.idleTimeout, idleReason))
            case .finishing:
                return .close(state.task)
            }
        }
        switch action {
        case .nothing: break
        case .fail(let task, let error): task?.fail(reason: error)
        case .check(let deadline, let eventLoop): schedule(at: deadline, on: eventLoop)
        case .close(let task): task?.cancel()
        }
    }

    // MARK: - HTTPClientResponseDelegate (called on the task's event loop)

    func didSendRequest(task: HTTPClient.Task<Void>) {
        state.withLock { $0.requestSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let waiter = state.withLock { state in
            state.head = head
            defer { state.headWaiter = nil }
            return state.headWaiter
        }
        waiter?.resume(returning: head)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        enum Action {
            case proceed
            case handOff(CheckedContinuation<ByteBuffer?, any Error>)
            case wait(EventLoopFuture<Void>)
            case close
        }
        let action: Action = state.withLock { state in
            switch state.phase {
            case .over:
                return .proceed
            case .finishing:
                state.tailBytes += part.readableBytes
                return state.tailBytes > Self.maxTailBytes ? .close : .proceed
            case .opening, .events:
                if let consumer = state.consumer {
                    state.consumer = nil
                    return .handOff(consumer)
                }
                state.parts.append(part)
                state.bufferedBytes += part.readableBytes
                guard state.bufferedBytes >= Self.bufferedBytesTarget else { return .proceed }
                let demand = task.eventLoop.makePromise(of: Void.self)
                state.demand = demand
                return .wait(demand.futureResult)
            }
        }
        switch action {
        case .proceed:
            return task.eventLoop.makeSucceededVoidFuture()
        case .handOff(let consumer):
            consumer.resume(returning: part)
            return task.eventLoop.makeSucceededVoidFuture()
        case .wait(let future):
            return future
        case .close:
            return task.eventLoop.makeFailedFuture(TransportError(.broken, "the tail after the end of the stream was too long"))
        }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        let (consumer, headWaiter, demand, watchdog, failure) = state.withLock { state in
            let failure = state.failure ?? HTTPClientTransport.transportError(error, requestSent: state.requestSent)
            state.failure = failure
            state.phase = .over
            defer {
                state.consumer = nil
                state.headWaiter = nil
                state.demand = nil
                state.watchdog = nil
            }
            return (state.consumer, state.headWaiter, state.demand, state.watchdog, failure)
        }
        watchdog?.cancel()
        demand?.succeed(())
        consumer?.resume(throwing: failure)
        headWaiter?.resume(throwing: failure)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        let (consumer, headWaiter, watchdog, requestSent) = state.withLock { state in
            state.ended = true
            if state.phase == .finishing { state.phase = .over }
            defer {
                state.consumer = nil
                state.headWaiter = nil
                state.watchdog = nil
            }
            return (state.consumer, state.headWaiter, state.watchdog, state.requestSent)
        }
        watchdog?.cancel()
        consumer?.resume(returning: nil)
        headWaiter?.resume(throwing: TransportError(.broken, "the connection closed before an answer", requestSent: requestSent))
    }
}
