/// Wakes everything that waits on the client's behalf (a backoff, a pause) when the client is shut
/// down, so that those calls end at once with ``AIYouError/Code/clientShutdown``.
final class ShutdownSignal: Sendable {
    private struct State: Sendable {
        var isFired = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Locked(State())

    /// Whether ``fire()`` was called.
    var isFired: Bool { state.withLock { $0.isFired } }

    /// Wakes every waiter, now and later.
    func fire() {
        let waiters = state.withLock { state in
            state.isFired = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: true) }
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
