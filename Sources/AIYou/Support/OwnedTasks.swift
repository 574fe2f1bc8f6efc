/// The tasks a client starts outside any caller's task — a login that concurrent callers share,
/// a response-cache load, the rate limiter's timer — kept until they end, so that the client's
/// `shutdown()` cancels and awaits those still running and none outlives it.
final class OwnedTasks: Sendable {
    private struct State: Sendable {
        var nextID: UInt64 = 0
        var running: [UInt64: Task<Void, Never>] = [:]
        var isClosed = false
    }

    private let state = Locked(State())

    /// Starts `work` in a task of its own and keeps it until it ends. Returns `false`, and runs
    /// nothing, once ``cancelAndJoin()`` has begun: the caller must then end what waits on it.
    @discardableResult
    func start(_ work: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.nextID += 1
            let id = state.nextID
            // The task removes itself under the same lock, so it cannot do so before it is added.
            state.running[id] = Task { [self] in
                await work()
                self.state.withLock { _ = $0.running.removeValue(forKey: id) }
            }
            return true
        }
    }

    /// The number of tasks still running.
    var runningCount: Int { state.withLock { $0.running.count } }

    /// Refuses new tasks, cancels the running ones and returns when every one has ended.
    func cancelAndJoin() async {
        let tasks = state.withLock { state in
            state.isClosed = true
            return Array(state.running.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
