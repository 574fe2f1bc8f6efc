import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Reads the answer to a stream request on the event loop and hands its body to one consumer,
/// piece by piece, with back-pressure, a deadline for every phase and a bounded tail.
///
/// The states and their deadlines are ``EventStreamStateMachine``'s; this class feeds it the
/// connection's and the consumer's events under a lock, and does what it answers once the lock is
/// released: resumes the waiting caller, succeeds the back-pressure promise, schedules or cancels
/// the watchdog on the task's event loop, fails or cancels the task.
final class EventStreamResponse: HTTPClientResponseDelegate, EventStreamSource, Sendable {
    typealias Response = Void
    typealias StateMachine = EventStreamStateMachine<
        CheckedContinuation<HTTPResponseHead, any Error>,
        CheckedContinuation<ByteBuffer?, any Error>,
        EventLoopPromise<Void>,
        HTTPClient.Task<Void>,
        Scheduled<Void>
    >

    private let machine: Locked<StateMachine>

    /// The idle timeout's reason for a chat stream.
    static let eventIdleReason =
        "no progress (text, a tool call, a finish reason or usage) in the stream for longer than timeouts.streamIdle"

    init(requestTimeout: Duration, eventTimeout: Duration, idleReason: String = eventIdleReason) {
        let openingDeadline = NIODeadline.now() + TimeAmount(requestTimeout)
        self.machine = Locked(
            StateMachine(
                openingDeadline: openingDeadline.uptimeNanoseconds,
                eventTimeout: UInt64(clamping: TimeAmount(eventTimeout).nanoseconds),
                idleReason: idleReason
            )
        )
    }

    // MARK: - Owner

    /// Starts the watchdog for `task`, the request this delegate reads.
    func start(_ task: HTTPClient.Task<Void>) {
        perform(machine.withLock { $0.start(task) })
    }

    /// The response head, once it has arrived. Throws ``TransportError``.
    func head() async throws -> HTTPResponseHead {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponseHead, any Error>) in
                perform(machine.withLock { $0.headRequested(by: continuation) })
            }
        } onCancel: {
            cancel()
        }
    }

    /// The answer is a successful event stream: from now on the event timeout applies.
    func startEvents() {
        let now = NIODeadline.now().uptimeNanoseconds
        perform(machine.withLock { $0.startEvents(now: now) })
    }

    /// Reads the rest of the body, up to `limit` bytes (the rest is not read: the connection is
    /// closed), until the request timeout; what arrived by then. Used for error answers, whose
    /// beginning is all the client needs.
    func collect(limit: Int) async throws -> ByteBuffer {
        var collected = CollectedBody(limit: limit)
        while !collected.isFull {
            let part: ByteBuffer?
            do {
                part = try await next()
            } catch let error as TransportError where error.kind != .cancelled {
                break
            }
            guard let part else { return collected.bytes }
            collected.append(part)
        }
        cancel()
        return collected.bytes
    }

    /// Closes the connection now, whatever is left to read.
    func cancel() {
        if case .cancel(let task) = machine.withLock({ $0.close() }) { task.cancel() }
    }

    func close() {
        cancel()
    }

    // MARK: - EventStreamSource

    func next() async throws -> ByteBuffer? {
        // A reader slower than the server always finds a part waiting and never suspends, so the
        // cancellation handler below would not run until the buffer ran dry: check here too.
        if Task.isCancelled {
            cancel()
            throw TransportError(.cancelled, "cancelled", requestSent: true)
        }
        // What is already here is handed over without suspending.
        switch machine.withLock({ $0.next(consumer: nil) }) {
        case .deliver(let part, let demand):
            demand?.succeed(())
            return part
        case .end:
            return nil
        case .fail(let error):
            throw error
        case .wait:
            break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                switch machine.withLock({ $0.next(consumer: continuation) }) {
                case .deliver(let part, let demand):
                    demand?.succeed(())
                    continuation.resume(returning: part)
                case .end:
                    continuation.resume(returning: nil)
                case .fail(let error):
                    continuation.resume(throwing: error)
                case .wait:
                    break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    func waitingForEvent() {
        let now = NIODeadline.now().uptimeNanoseconds
        machine.withLock { $0.waitingForEvent(now: now) }
    }

    func eventDelivered() {
        machine.withLock { $0.eventDelivered() }
    }

    func finish() {
        let now = NIODeadline.now().uptimeNanoseconds
        switch machine.withLock({ $0.finish(now: now) }) {
        case .none:
            break
        case .cancel(let timer):
            timer.cancel()
        case .drainTail(let demand, let stale, let watchdog):
            stale?.cancel()
            demand?.succeed(())
            if let watchdog { schedule(watchdog) }
        case .close(let task, let demand, let stale):
            stale?.cancel()
            task?.cancel()
            demand?.succeed(())
        }
    }

    // MARK: - Performing the machine's actions

    private func perform(_ action: StateMachine.HeadAction) {
        switch action {
        case .none:
            break
        case .succeed(let waiter, let head):
            waiter.resume(returning: head)
        case .fail(let waiter, let error):
            waiter.resume(throwing: error)
        }
    }

    private func perform(_ action: StateMachine.WatchdogAction) {
        switch action {
        case .none:
            break
        case .cancel(let timer):
            timer.cancel()
        case .schedule(let watchdog, let stale):
            stale?.cancel()
            schedule(watchdog)
        }
    }

    private func schedule(_ watchdog: StateMachine.Watchdog) {
        let generation = watchdog.generation
        let timer = watchdog.task.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(watchdog.deadline)) { [self] in
            watchdogFired(generation)
        }
        machine.withLock { $0.watchdogScheduled(timer, generation: generation) }?.cancel()
    }

    private func watchdogFired(_ generation: UInt64) {
        let now = NIODeadline.now().uptimeNanoseconds
        switch machine.withLock({ $0.watchdogFired(generation: generation, now: now) }) {
        case .none:
            break
        case .fail(let task, let error):
            task.fail(reason: error)
        case .cancel(let task):
            task.cancel()
        case .schedule(let watchdog):
            schedule(watchdog)
        }
    }

    // MARK: - HTTPClientResponseDelegate (called on the task's event loop)

    func didSendRequest(task: HTTPClient.Task<Void>) {
        machine.withLock { $0.requestWasSent() }
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        perform(machine.withLock { $0.headReceived(head) })
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        switch machine.withLock({ $0.bodyPartReceived(part) }) {
        case .proceed:
            return task.eventLoop.makeSucceededVoidFuture()
        case .handOff(let consumer):
            consumer.resume(returning: part)
            return task.eventLoop.makeSucceededVoidFuture()
        case .pause:
            let demand = task.eventLoop.makePromise(of: Void.self)
            machine.withLock { $0.readPaused(until: demand) }?.succeed(())
            return demand.futureResult
        case .close(let error):
            return task.eventLoop.makeFailedFuture(error)
        }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        let action = machine.withLock { machine in
            machine.errorReceived(HTTPClientTransport.transportError(error, requestSent: machine.requestSent))
        }
        guard case .fail(let failure, let consumer, let headWaiter, let demand, let watchdog) = action else { return }
        watchdog?.cancel()
        demand?.succeed(())
        consumer?.resume(throwing: failure)
        headWaiter?.resume(throwing: failure)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        switch machine.withLock({ $0.endReceived() }) {
        case .end(let consumer, let headWaiter, let watchdog):
            watchdog?.cancel()
            consumer?.resume(returning: nil)
            if let (waiter, error) = headWaiter { waiter.resume(throwing: error) }
        }
    }
}
