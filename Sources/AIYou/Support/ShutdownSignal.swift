import Synchronization

/// Wakes everything that waits on the client's behalf (a backoff, a pause) when the client is shut
/// down, so that those calls end at once with ``AIYouError/Code/clientShutdown``.
final class ShutdownSignal: Sendable {
    /// Read by every attempt: kept beside the lock so that reading it takes none.
    private let fired = Atomic<Bool>(false)

    private struct State: Sendable {
        var isFired = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Locked(State())

    /// Whether ``fire()`` was called.
    var isFired: Bool { fired.load(ordering: .acquiring) }

    /// Wakes every waiter, now and later; `true` for the first call only.
    @discardableResult
    func fire() -> Bool {
        guard !fired.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        let waiters = state.withLock { state in
            state.isFired = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: true) }
        return true
    }

    /// Returns `true` once the client is shut down, or `false` as soon as the task is cancelled.
    func wait() async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.isFired { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }
}
