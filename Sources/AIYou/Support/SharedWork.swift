/// Work that concurrent callers share (single flight): the first caller starts it, later ones
/// join it, and every caller can leave — when its task is cancelled it returns at once with
/// `CancellationError` while the work goes on for the others. Used for the login and for
/// response-cache loads.
final class SharedWork<Value: Sendable>: Sendable {
    private struct State: Sendable {
        var result: Result<Value, any Error>?
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Value, any Error>] = [:]
    }

    private let state = Locked(State())

    /// Starts `operation` at once, in a task of its own among `tasks` (it outlives callers who
    /// leave, not the client). Once `tasks` refuses new work (the client is shutting down), the
    /// work ends at once with ``AIYouError/Code/clientShutdown``.
    init(in tasks: OwnedTasks, _ operation: @escaping @Sendable () async throws -> Value) {
        let started = tasks.start { [self] in
            let result: Result<Value, any Error>
            do {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            complete(result)
        }
        if !started { complete(.failure(AIYouError(.clientShutdown, "the client has been shut down"))) }
    }

    private func complete(_ result: Result<Value, any Error>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    /// The work's result once it is done; throws its error, or `CancellationError` as soon as
    /// the calling task is cancelled.
    func value() async throws -> Value {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let immediate: Result<Value, any Error>? = state.withLock { state in
                    if let result = state.result { return result }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}
