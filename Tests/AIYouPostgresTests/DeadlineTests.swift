import AIYouPostgres
import NIOConcurrencyHelpers
import Testing

/// The deadline of the store's calls, without a database: operations that ignore cancellation.
@Suite struct DeadlineTests {
    @Test(.timeLimit(.minutes(1)))
    func aFastOperationReturnsItsValue() async throws {
        let value = try await Deadline.run(timeout: .seconds(30)) { 42 }
        #expect(value == 42)
        await #expect(throws: Oops.self) {
            try await Deadline.run(timeout: .seconds(30)) { () async throws -> Int in throw Oops() }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anOperationThatIgnoresCancellationIsLeftAtTheDeadline() async throws {
        let gate = Gate()
        await #expect(throws: Deadline.Expired.self) {
            try await Deadline.run(timeout: .milliseconds(50)) { await gate.wait() }
        }
        // The operation is still running; when it ends, its late result is dropped.
        #expect(await gate.waiters() == 1)
        gate.open()
        await gate.waitUntilDrained()
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingTheCallerEndsTheCallAtOnce() async throws {
        let gate = Gate()
        let call = Task { try await Deadline.run(timeout: .seconds(600)) { await gate.wait() } }
        while await gate.waiters() == 0 { await Task.yield() }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        gate.open()
        await gate.waitUntilDrained()
        // A caller cancelled before the call starts nothing.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Deadline.run(timeout: .seconds(600)) { 1 }
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
    }

    @Test(.timeLimit(.minutes(1)))
    func manyRacesSettleOnceEach() async throws {
        // Deadlines that fall about when the operations end: whichever wins, each call returns
        // once, with a value or Expired.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let value = try await Deadline.run(timeout: .microseconds(500)) {
                            try await Task.sleep(for: .microseconds(index % 2 == 0 ? 400 : 600))
                            return index
                        }
                        #expect(value == index)
                    } catch is Deadline.Expired {
                    } catch is CancellationError {
                        // The operation's sleep was cancelled after the deadline: never seen by
                        // the caller, who got Expired first.
                        Issue.record("a cancellation reached the caller")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func anOutcomeIsSettledByTheFirstOnly() async throws {
        let outcome = Deadline.Outcome<Int>()
        outcome.settle(.success(1))
        outcome.settle(.success(2))
        outcome.settle(.failure(Oops()))
        #expect(try await outcome.value() == 1)
        outcome.settle(.success(3))
    }
}

private struct Oops: Error {}

/// A gate that operations wait at, ignoring cancellation (as a query waits for its answer).
private final class Gate: Sendable {
    private struct State {
        var open = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var drained: [CheckedContinuation<Void, Never>] = []
        var inside = 0
    }

    private let state = NIOLockedValueBox(State())

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.open { return true }
                state.inside += 1
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        let drained = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.inside -= 1
            guard state.inside == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for continuation in drained { continuation.resume() }
    }

    func waiters() async -> Int { state.withLockedValue { $0.inside } }

    func open() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns once every operation that waited at the gate went through it.
    func waitUntilDrained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { state -> Bool in
                if state.inside == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
