import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A clock that only moves when the test moves it. Sleepers park until ``advance(by:)`` or
/// ``advanceToNextDeadline()`` passes their deadline, so a test controls exactly when each timer,
/// pause and backoff ends.
final class SteppedClock: Sendable {
    private struct Sleeper: Sendable {
        let id: UInt64
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State: Sendable {
        var offset: Duration = .zero
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var sleepDurations: [Duration] = []
    }

    private let state = Locked(State())
    let start = ContinuousClock.now
    private let startDate = Date()

    var source: TimeSource {
        TimeSource(
            now: { [self] in start + state.withLock { $0.offset } },
            wallClock: { [self] in startDate.addingTimeInterval(state.withLock { $0.offset }.seconds) },
            sleep: { [self] duration in try await sleep(duration) },
            sleepUntil: { [self] deadline in try await sleep(untilOffset: deadline - start) }
        )
    }

    /// Virtual time elapsed since the clock was made.
    var elapsed: Duration { state.withLock { $0.offset } }
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }
    var sleepDurations: [Duration] { state.withLock { $0.sleepDurations } }

    private func sleep(_ duration: Duration) async throws {
        try await sleep(untilOffset: nil, duration: duration)
    }

    /// Sleeps until `offset` (absolute) or for `duration` from the offset when it registers.
    private func sleep(untilOffset offset: Duration?, duration: Duration = .zero) async throws {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    let deadline = offset ?? state.offset + duration
                    state.sleepDurations.append(deadline - state.offset)
                    if Task.isCancelled || deadline <= state.offset { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has passed, earliest first.
    func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.offset += duration
            let now = state.offset
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Jumps to the earliest sleeper's deadline and wakes it; `false` when nobody sleeps.
    @discardableResult
    func advanceToNextDeadline() -> Bool {
        let step = state.withLock { state -> Duration? in
            state.sleepers.map(\.deadline).min().map { $0 - state.offset }
        }
        guard let step else { return false }
        advance(by: max(step, .zero))
        return true
    }
}

/// Polls `condition` (real time, 1 ms apart) until it holds; throws after `timeout`, so a test
/// whose precondition never comes fails instead of waiting forever on what follows. The timeout
/// is generous because a loaded machine can starve the polling task for seconds.
func eventually(timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            throw ConditionNotMet(timeout: timeout)
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// Thrown by ``eventually(timeout:_:)``.
struct ConditionNotMet: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "condition not met within \(timeout)" }
}
