import NIOCore
import NIOHTTP1
import Testing

@testable import AIYou

/// The stream answer's states without sockets: the waiters, the promise, the task and the timers
/// are names, and time is given in uptime nanoseconds.
@Suite("Event stream state machine")
struct EventStreamStateMachineTests {
    typealias Machine = EventStreamStateMachine<String, String, String, String, String>

    static let second: UInt64 = 1_000_000_000
    static let openingDeadline = 60 * second
    static let eventTimeout = 10 * second
    static let kib = 1024

    // MARK: - Helpers

    /// A machine whose request `task` started at 0 and whose opening watchdog is `timer 0`.
    static func started() throws -> Machine {
        var machine = Machine(openingDeadline: openingDeadline, eventTimeout: eventTimeout, idleReason: "idle")
        let watchdog = try #require(machine.start("task").scheduled)
        #expect(machine.watchdogScheduled("timer 0", generation: watchdog.generation) == nil)
        return machine
    }

    /// A machine in the events phase since `now`, its event watchdog registered as `timer 1`.
    static func streaming(since now: UInt64 = 0) throws -> (machine: Machine, watchdog: Machine.Watchdog) {
        var machine = try started()
        machine.requestWasSent()
        _ = machine.headReceived(HTTPResponseHead(version: .http1_1, status: .ok))
        let watchdog = try #require(machine.startEvents(now: now).scheduled)
        #expect(machine.watchdogScheduled("timer 1", generation: watchdog.generation) == nil)
        return (machine, watchdog)
    }

    static func bytes(_ count: Int, _ byte: Character = "a") -> ByteBuffer {
        ByteBuffer(repeating: byte.asciiValue!, count: count)
    }

    /// Fires `watchdog` at `now`.
    static func fire(_ watchdog: Machine.Watchdog, on machine: inout Machine, at now: UInt64) -> Machine.TimerAction {
        machine.watchdogFired(generation: watchdog.generation, now: now)
    }

    // MARK: - Opening

    @Test func startArmsTheOpeningDeadline() {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        let watchdog = machine.start("task").scheduled
        #expect(watchdog?.deadline == Self.openingDeadline)
        #expect(watchdog?.task == "task")
        #expect(machine.phase == .opening)
    }

    @Test func noHeadBeforeTheOpeningDeadlineFailsTheTask() throws {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        let watchdog = try #require(machine.start("task").scheduled)
        let failure = try #require(Self.fire(watchdog, on: &machine, at: Self.openingDeadline).failure)
        #expect(failure.task == "task")
        #expect(failure.error.kind == .requestTimeout)
        #expect(failure.error.reason == "no answer before the request timeout")
        // Not written yet: the service cannot have acted on it.
        #expect(failure.error.requestSent == false)
    }

    @Test func anErrorBodyStillArrivingAtTheOpeningDeadlineFailsTheTask() throws {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        let watchdog = try #require(machine.start("task").scheduled)
        machine.requestWasSent()
        _ = machine.headReceived(HTTPResponseHead(version: .http1_1, status: .badGateway))
        _ = machine.bodyPartReceived(Self.bytes(100))
        let failure = try #require(Self.fire(watchdog, on: &machine, at: Self.openingDeadline).failure)
        #expect(failure.error.kind == .requestTimeout)
        #expect(failure.error.reason == "the error answer did not arrive before the request timeout")
        #expect(failure.error.requestSent)
    }

    @Test func theHeadReachesItsWaiterWhenItArrivesOrAtOnce() throws {
        var machine = try Self.started()
        #expect(machine.headRequested(by: "first waiter").isNone)
        let head = HTTPResponseHead(version: .http1_1, status: .ok)
        guard case .succeed("first waiter", head) = machine.headReceived(head) else {
            Issue.record("the waiting caller did not get the head")
            return
        }
        guard case .succeed("second waiter", head) = machine.headRequested(by: "second waiter") else {
            Issue.record("the head already here was not handed at once")
            return
        }
    }

    @Test func theHeadWaiterFailsWhenTheConnectionFailsOrEndsWithoutAnswer() throws {
        var failing = try Self.started()
        _ = failing.headRequested(by: "waiter")
        let broken = TransportError(.broken, "reset", requestSent: false)
        guard case .fail(let error, nil, "waiter", nil, "timer 0") = failing.errorReceived(broken) else {
            Issue.record("the failure did not reach the head's waiter and the timer")
            return
        }
        #expect(error.reason == "reset")
        #expect(failing.phase == .over)
        guard case .fail("late waiter", let late) = failing.headRequested(by: "late waiter") else {
            Issue.record("a waiter after the failure did not get it")
            return
        }
        #expect(late.reason == "reset")

        var ending = try Self.started()
        _ = ending.headRequested(by: "waiter")
        guard case .end(nil, let waiter?, "timer 0") = ending.endReceived() else {
            Issue.record("the end did not fail the head's waiter")
            return
        }
        #expect(waiter.0 == "waiter")
        #expect(waiter.1.kind == .broken)
        #expect(waiter.1.reason == "the connection closed before an answer")
        guard case .fail("late waiter", let error) = ending.headRequested(by: "late waiter") else {
            Issue.record("a waiter after an end without head waited forever")
            return
        }
        #expect(error.kind == .broken)
    }

    // MARK: - Events

    @Test func startEventsReplacesTheOpeningWatchdogWithTheEventOne() throws {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        let opening = try #require(machine.start("task").scheduled)
        #expect(machine.watchdogScheduled("timer 0", generation: opening.generation) == nil)
        guard case .schedule(let watchdog, cancelling: "timer 0") = machine.startEvents(now: 5 * Self.second) else {
            Issue.record("the opening watchdog was not replaced")
            return
        }
        #expect(watchdog.deadline == 5 * Self.second + Self.eventTimeout)
        #expect(machine.phase == .events)
        // Only once.
        #expect(machine.startEvents(now: 6 * Self.second).isNone)
        // The opening watchdog, had its cancel come too late, fires for nothing.
        #expect(machine.watchdogFired(generation: opening.generation, now: Self.openingDeadline).isNone)
    }

    @Test func aWatchdogRegisteredAfterItWasReplacedIsCancelled() throws {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        let opening = try #require(machine.start("task").scheduled)
        let events = try #require(machine.startEvents(now: 0).scheduled)
        #expect(machine.watchdogScheduled("timer 1", generation: events.generation) == nil)
        #expect(machine.watchdogScheduled("timer 0", generation: opening.generation) == "timer 0")
    }

    @Test func aBodyThatEndedBeforeTheEventsPhaseArmsNoWatchdog() throws {
        var machine = try Self.started()
        _ = machine.headReceived(HTTPResponseHead(version: .http1_1, status: .ok))
        _ = machine.bodyPartReceived(Self.bytes(10))
        guard case .end(nil, nil, "timer 0") = machine.endReceived() else {
            Issue.record("the end did not cancel the opening watchdog")
            return
        }
        #expect(machine.startEvents(now: 0).isNone)
        #expect(machine.phase == .events)
        #expect(machine.next(consumer: nil).part?.readableBytes == 10)
        #expect(machine.next(consumer: nil).isEnd)
    }

    @Test func aWaitingConsumerGetsThePartDirectly() throws {
        var machine = try Self.streaming().machine
        #expect(machine.next(consumer: "consumer").isWait)
        guard case .handOff("consumer") = machine.bodyPartReceived(Self.bytes(10)) else {
            Issue.record("the part was not handed to the waiting consumer")
            return
        }
        #expect(machine.bufferedBytes == 0)
        // Handed once: the next part is held.
        #expect(machine.bodyPartReceived(Self.bytes(5)).isProceed)
        #expect(machine.bufferedBytes == 5)
        #expect(machine.next(consumer: nil).part?.readableBytes == 5)
    }

    @Test func partsAreDeliveredInOrderThenTheEnd() throws {
        var machine = try Self.streaming().machine
        _ = machine.bodyPartReceived(Self.bytes(3, "a"))
        _ = machine.bodyPartReceived(Self.bytes(4, "b"))
        guard case .end(nil, nil, "timer 1") = machine.endReceived() else {
            Issue.record("the end did not cancel the event watchdog")
            return
        }
        #expect(machine.next(consumer: nil).part == Self.bytes(3, "a"))
        #expect(machine.next(consumer: nil).part == Self.bytes(4, "b"))
        #expect(machine.next(consumer: nil).isEnd)
        #expect(machine.next(consumer: "consumer").isEnd)
    }

    @Test func theEndResumesTheWaitingConsumer() throws {
        var machine = try Self.streaming().machine
        _ = machine.next(consumer: "consumer")
        guard case .end("consumer", nil, "timer 1") = machine.endReceived() else {
            Issue.record("the waiting consumer was not given the end")
            return
        }
    }

    @Test func aFailureReachesEveryoneAndTheFirstOneIsKept() throws {
        var machine = try Self.streaming().machine
        _ = machine.next(consumer: "consumer")
        guard case .fail(let error, "consumer", nil, nil, "timer 1") = machine.errorReceived(TransportError(.broken, "first")) else {
            Issue.record("the failure did not reach the consumer and the timer")
            return
        }
        #expect(error.reason == "first")
        #expect(machine.phase == .over)
        guard case .fail(let again, nil, nil, nil, nil) = machine.errorReceived(TransportError(.cancelled, "second")) else {
            Issue.record("a second failure was not absorbed")
            return
        }
        #expect(again.reason == "first")
        #expect(machine.next(consumer: nil).failure?.reason == "first")
    }

    @Test func partsHeldBeforeAFailureAreDeliveredBeforeIt() throws {
        var machine = try Self.streaming().machine
        _ = machine.bodyPartReceived(Self.bytes(7))
        _ = machine.errorReceived(TransportError(.broken, "reset"))
        #expect(machine.next(consumer: nil).part?.readableBytes == 7)
        #expect(machine.next(consumer: nil).failure?.reason == "reset")
    }

    @Test func anErrorAfterTheEndLeavesTheBodyComplete() throws {
        var machine = try Self.streaming().machine
        _ = machine.bodyPartReceived(Self.bytes(7))
        _ = machine.endReceived()
        #expect(machine.errorReceived(TransportError(.broken, "late")).isNone)
        #expect(machine.next(consumer: nil).part?.readableBytes == 7)
        #expect(machine.next(consumer: nil).isEnd)
        #expect(machine.close().isNone)
    }

    // MARK: - Back-pressure

    @Test func beyondTheTargetThePartWaitsUntilTheConsumerCatchesUp() throws {
        var machine = try Self.streaming().machine
        let part = Machine.bufferedBytesTarget / 4
        for _ in 0..<3 { #expect(machine.bodyPartReceived(Self.bytes(part)).isProceed) }
        #expect(machine.bodyPartReceived(Self.bytes(part)).isPause)
        #expect(machine.readPaused(until: "demand") == nil)
        // One part taken brings the held bytes under the target: the connection reads again.
        let delivered = machine.next(consumer: nil)
        #expect(delivered.part?.readableBytes == part)
        #expect(delivered.released == "demand")
        #expect(machine.bufferedBytes == 3 * part)
        // Released once.
        #expect(machine.next(consumer: nil).released == nil)
    }

    @Test func theDemandIsKeptWhileTheConsumerIsStillAboveTheTarget() throws {
        var machine = try Self.streaming().machine
        let part = Machine.bufferedBytesTarget / 2
        _ = machine.bodyPartReceived(Self.bytes(part))
        #expect(machine.bodyPartReceived(Self.bytes(part)).isPause)
        #expect(machine.readPaused(until: "first demand") == nil)
        let large = machine.next(consumer: nil)
        #expect(large.released == "first demand")
        #expect(machine.bodyPartReceived(Self.bytes(2 * part)).isPause)
        #expect(machine.readPaused(until: "second demand") == nil)
        #expect(machine.next(consumer: nil).released == nil)
        #expect(machine.bufferedBytes == 2 * part)
        #expect(machine.next(consumer: nil).released == "second demand")
    }

    @Test func aConsumerThatCaughtUpBeforeThePauseWasRegisteredReleasesItAtOnce() throws {
        var machine = try Self.streaming().machine
        #expect(machine.bodyPartReceived(Self.bytes(Machine.bufferedBytesTarget)).isPause)
        // The consumer takes the part between the pause and the promise's registration.
        #expect(machine.next(consumer: nil).released == nil)
        #expect(machine.readPaused(until: "demand") == "demand")
    }

    @Test func aFailureReleasesThePausedRead() throws {
        var machine = try Self.streaming().machine
        _ = machine.bodyPartReceived(Self.bytes(Machine.bufferedBytesTarget))
        #expect(machine.readPaused(until: "demand") == nil)
        guard case .fail(_, nil, nil, "demand", "timer 1") = machine.errorReceived(TransportError(.broken, "reset")) else {
            Issue.record("the paused read was not released")
            return
        }
        #expect(machine.readPaused(until: "late demand") == "late demand")
    }

    // MARK: - Idle watchdog

    @Test func aWaitingConsumerWithoutEventFailsAfterTheEventTimeout() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        machine.waitingForEvent(now: 0)
        let failure = try #require(Self.fire(watchdog, on: &machine, at: Self.eventTimeout).failure)
        #expect(failure.task == "task")
        #expect(failure.error.kind == .idleTimeout)
        #expect(failure.error.reason == "idle")
    }

    @Test func bytesWithoutAnEventAreNoProgress() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        machine.waitingForEvent(now: 0)
        // Keep-alive lines keep arriving and are read, but no event reaches the consumer.
        for _ in 0..<5 {
            _ = machine.bodyPartReceived(Self.bytes(2))
            _ = machine.next(consumer: nil)
            machine.waitingForEvent(now: 9 * Self.second)
        }
        #expect(Self.fire(watchdog, on: &machine, at: Self.eventTimeout).failure?.error.kind == .idleTimeout)
    }

    @Test func anEventRestartsTheIdleClock() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        machine.waitingForEvent(now: 0)
        machine.eventDelivered()
        machine.waitingForEvent(now: 8 * Self.second)
        let next = try #require(Self.fire(watchdog, on: &machine, at: Self.eventTimeout).scheduled)
        #expect(next.deadline == 8 * Self.second + Self.eventTimeout)
        #expect(Self.fire(next, on: &machine, at: next.deadline).failure?.error.kind == .idleTimeout)
    }

    @Test func timeTheConsumerSpendsElsewhereDoesNotCount() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        // Not waiting at the first deadline: checked again a whole timeout later.
        let second = try #require(Self.fire(watchdog, on: &machine, at: Self.eventTimeout).scheduled)
        #expect(second.deadline == 2 * Self.eventTimeout)
        machine.waitingForEvent(now: 15 * Self.second)
        // A later call while already waiting does not move the start.
        machine.waitingForEvent(now: 19 * Self.second)
        let third = try #require(Self.fire(second, on: &machine, at: second.deadline).scheduled)
        #expect(third.deadline == 25 * Self.second)
        #expect(Self.fire(third, on: &machine, at: third.deadline).failure?.error.kind == .idleTimeout)
    }

    @Test func aStaleWatchdogFiresForNothing() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        machine.waitingForEvent(now: 0)
        let next = try #require(machine.watchdogFired(generation: watchdog.generation, now: 1).scheduled)
        // Fired once already: a second firing of the same generation does nothing.
        #expect(machine.watchdogFired(generation: watchdog.generation, now: Self.eventTimeout).isNone)
        #expect(machine.watchdogFired(generation: next.generation, now: Self.eventTimeout).failure != nil)
    }

    @Test func noWatchdogActsOnceTheAnswerFailed() throws {
        let (initial, watchdog) = try Self.streaming(since: 0)
        var machine = initial
        machine.waitingForEvent(now: 0)
        _ = machine.errorReceived(TransportError(.broken, "reset"))
        #expect(Self.fire(watchdog, on: &machine, at: Self.eventTimeout).isNone)
        // The event loop scheduled it before the failure and registers it after: cancel it.
        #expect(machine.watchdogScheduled("late timer", generation: watchdog.generation) == "late timer")
    }

    // MARK: - Finishing

    @Test func aShortTailDrainedInTimeKeepsTheConnection() throws {
        var machine = try Self.streaming(since: 0).machine
        _ = machine.bodyPartReceived(Self.bytes(10 * Self.kib))
        guard case .drainTail(nil, "timer 1", let tailWatchdog?) = machine.finish(now: 3 * Self.second) else {
            Issue.record("a short tail was not drained")
            return
        }
        #expect(tailWatchdog.deadline == 3 * Self.second + Machine.maxTailNanoseconds)
        #expect(machine.phase == .finishing)
        // What was held is dropped, and the consumer gets nothing more from it.
        #expect(machine.bufferedBytes == 0)
        #expect(machine.bodyPartReceived(Self.bytes(40 * Self.kib)).isProceed)
        #expect(machine.watchdogScheduled("tail timer", generation: tailWatchdog.generation) == nil)
        guard case .end(nil, nil, "tail timer") = machine.endReceived() else {
            Issue.record("the end did not cancel the tail's watchdog")
            return
        }
        #expect(machine.phase == .over)
        #expect(machine.close().isNone)
    }

    @Test func finishingReleasesThePausedRead() throws {
        var machine = try Self.streaming(since: 0).machine
        _ = machine.bodyPartReceived(Self.bytes(Machine.bufferedBytesTarget))
        _ = machine.readPaused(until: "demand")
        guard case .drainTail("demand", "timer 1", _?) = machine.finish(now: 0) else {
            Issue.record("the paused read was not released to drain the tail")
            return
        }
    }

    @Test func aTailLongerThanAllowedClosesTheConnection() throws {
        var machine = try Self.streaming(since: 0).machine
        _ = machine.bodyPartReceived(Self.bytes(60 * Self.kib))
        _ = machine.finish(now: 0)
        #expect(machine.bodyPartReceived(Self.bytes(4 * Self.kib)).isProceed)
        guard case .close(let error) = machine.bodyPartReceived(Self.bytes(1)) else {
            Issue.record("a tail beyond the limit was read on")
            return
        }
        #expect(error.kind == .broken)
    }

    @Test func moreThanTheTailHeldAtFinishClosesTheConnectionAtOnce() throws {
        var machine = try Self.streaming(since: 0).machine
        _ = machine.bodyPartReceived(Self.bytes(Machine.maxTailBytes + 1))
        #expect(machine.readPaused(until: "demand") == nil)
        guard case .close("task", "demand", "timer 1") = machine.finish(now: 0) else {
            Issue.record("a long held tail did not close the connection")
            return
        }
        // The task is already cancelled.
        #expect(machine.close().isNone)
    }

    @Test func aTailTooSlowClosesTheConnection() throws {
        var machine = try Self.streaming(since: 0).machine
        guard case .drainTail(_, _, let tailWatchdog?) = machine.finish(now: 0) else {
            Issue.record("the tail was not drained")
            return
        }
        guard case .cancel("task") = Self.fire(tailWatchdog, on: &machine, at: Machine.maxTailNanoseconds) else {
            Issue.record("a slow tail did not close the connection")
            return
        }
    }

    @Test func theEndResumesAConsumerWaitingWhileFinishing() throws {
        var machine = try Self.streaming(since: 0).machine
        _ = machine.finish(now: 0)
        #expect(machine.next(consumer: "consumer").isWait)
        guard case .end("consumer", nil, _) = machine.endReceived() else {
            Issue.record("the consumer was not given the end")
            return
        }
    }

    // MARK: - Finish and close, once

    @Test func finishTwiceDoesNothingTheSecondTime() throws {
        var machine = try Self.streaming(since: 0).machine
        guard case .drainTail = machine.finish(now: 0) else {
            Issue.record("the first finish did not drain the tail")
            return
        }
        #expect(machine.finish(now: 1).isNone)
        #expect(machine.phase == .finishing)
    }

    @Test func finishAfterTheEndOrAFailureEndsThePhases() throws {
        var ended = try Self.streaming(since: 0).machine
        _ = ended.endReceived()
        #expect(ended.finish(now: 0).isNone)
        #expect(ended.phase == .over)

        var failed = try Self.streaming(since: 0).machine
        _ = failed.errorReceived(TransportError(.broken, "reset"))
        #expect(failed.finish(now: 0).isNone)
        #expect(failed.phase == .over)
    }

    @Test func closeCancelsTheTaskOnce() throws {
        var machine = try Self.streaming(since: 0).machine
        guard case .cancel("task") = machine.close() else {
            Issue.record("close did not cancel the task")
            return
        }
        #expect(machine.close().isNone)
        // The cancelled task then reports its failure.
        guard case .fail(let error, nil, nil, nil, "timer 1") = machine.errorReceived(TransportError(.cancelled, "cancelled")) else {
            Issue.record("the cancellation did not end the stream")
            return
        }
        #expect(error.kind == .cancelled)
    }

    @Test func closeBeforeTheTaskIsKnownDoesNothing() {
        var machine = Machine(openingDeadline: Self.openingDeadline, eventTimeout: Self.eventTimeout, idleReason: "idle")
        #expect(machine.close().isNone)
    }

    // MARK: - Collect

    @Test func collectKeepsTheFirstBytesUpToTheLimitAndClosesTheRest() throws {
        var machine = try Self.started()
        _ = machine.headReceived(HTTPResponseHead(version: .http1_1, status: .badGateway))
        _ = machine.bodyPartReceived(Self.bytes(40 * Self.kib, "a"))
        _ = machine.bodyPartReceived(Self.bytes(40 * Self.kib, "b"))
        #expect(machine.readPaused(until: "demand") == nil)
        var collected = CollectedBody(limit: 50_000)
        var released: [String] = []
        while !collected.isFull {
            let action = machine.next(consumer: nil)
            let part = try #require(action.part)
            if let demand = action.released { released.append(demand) }
            collected.append(part)
        }
        #expect(collected.bytes.readableBytes == 50_000)
        #expect(collected.bytes.getBytes(at: 0, length: 40 * Self.kib) == Array(repeating: UInt8(ascii: "a"), count: 40 * Self.kib))
        #expect(collected.bytes.getBytes(at: 40 * Self.kib, length: 50_000 - 40 * Self.kib)?.allSatisfy { $0 == UInt8(ascii: "b") } == true)
        #expect(released == ["demand"])
        // What is beyond the limit is not read: the connection is closed.
        guard case .cancel("task") = machine.close() else {
            Issue.record("the rest of the error answer was not closed")
            return
        }
    }

    @Test func collectedBodyIgnoresWhatComesOnceFull() {
        var collected = CollectedBody(limit: 4)
        collected.append(Self.bytes(3, "a"))
        #expect(!collected.isFull)
        collected.append(Self.bytes(3, "b"))
        #expect(collected.isFull)
        collected.append(Self.bytes(3, "c"))
        #expect(collected.bytes == ByteBuffer(string: "aaab"))
    }
}

// MARK: - Reading actions in tests

extension EventStreamStateMachine.WatchdogAction {
    var scheduled: EventStreamStateMachine<HeadWaiter, Consumer, Demand, Request, Timer>.Watchdog? {
        if case .schedule(let watchdog, _) = self { return watchdog }
        return nil
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension EventStreamStateMachine.TimerAction {
    var scheduled: EventStreamStateMachine<HeadWaiter, Consumer, Demand, Request, Timer>.Watchdog? {
        if case .schedule(let watchdog) = self { return watchdog }
        return nil
    }

    var failure: (task: Request, error: TransportError)? {
        if case .fail(let task, let error) = self { return (task, error) }
        return nil
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension EventStreamStateMachine.HeadAction {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension EventStreamStateMachine.NextAction {
    var part: ByteBuffer? {
        if case .deliver(let part, _) = self { return part }
        return nil
    }

    var released: Demand? {
        if case .deliver(_, let demand) = self { return demand }
        return nil
    }

    var failure: TransportError? {
        if case .fail(let error) = self { return error }
        return nil
    }

    var isEnd: Bool {
        if case .end = self { return true }
        return false
    }

    var isWait: Bool {
        if case .wait = self { return true }
        return false
    }
}

extension EventStreamStateMachine.BodyPartAction {
    var isProceed: Bool {
        if case .proceed = self { return true }
        return false
    }

    var isPause: Bool {
        if case .pause = self { return true }
        return false
    }
}

extension EventStreamStateMachine.ErrorAction {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension EventStreamStateMachine.FinishAction {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension EventStreamStateMachine.CloseAction {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
