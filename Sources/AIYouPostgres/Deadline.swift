import NIOConcurrencyHelpers

/// Runs `operation` and returns its result, or throws ``Deadline/Expired`` once `timeout` has
/// passed, whichever comes first, even when `operation` does not react to cancellation (a
/// PostgresNIO query waits for the server's answer whatever its task is told).
///
/// How: the operation runs in a task of its own and a timer in a child task; the first of the two
/// to finish settles a one-shot ``Deadline/Outcome``, which resumes the caller exactly once (a
/// lock guards its state: a later settlement finds it settled and is dropped). The caller then
/// cancels both: the timer ends at once (the task group waits for it); the operation's task ends
/// when the operation returns, on its own (the store's statements also carry a server-side lock
/// timeout, so a query stuck behind a row lock is ended by the database at the same deadline).
/// Cancelling the caller settles the outcome with `CancellationError`.
///
/// The operation's task is unstructured by necessity: as a child task, it would make the caller
/// wait for an operation that ignores cancellation, which is what the deadline must not do.
package enum Deadline {
    /// The deadline passed before the operation finished.
    package struct Expired: Error, Hashable {}

    package static func run<Value: Sendable>(
        timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try Task.checkCancellation()
        let outcome = Outcome<Value>()
        let work = Task {
            let result: Result<Value, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            outcome.settle(result)
        }
        defer { work.cancel() }
        return try await withThrowingTaskGroup(of: Void.self) { timer in
            timer.addTask {
                // Cancelled (the operation finished first, or the caller was cancelled): the
                // outcome is settled already, or is being settled by the caller's cancellation.
                do { try await Task.sleep(for: timeout) } catch { return }
                outcome.settle(.failure(Expired()))
            }
            defer { timer.cancelAll() }
            return try await withTaskCancellationHandler {
                try await outcome.value()
            } onCancel: {
                outcome.settle(.failure(CancellationError()))
            }
        }
    }

    /// A result settled once, by whoever comes first, and awaited by one caller. A class so that
    /// the tasks share one instance; its state is behind a lock (NIO's, on pthreads, which
    /// ThreadSanitizer understands).
    package final class Outcome<Value: Sendable>: Sendable {
        private enum State: Sendable {
            /// Nobody waits yet and nothing was settled.
            case idle
            /// The caller waits.
            case waiting(CheckedContinuation<Value, any Error>)
            /// Settled before the caller waited: the caller takes it when it comes.
            case settled(Result<Value, any Error>)
            /// The caller was resumed (or took the result): nothing more happens.
            case done
        }

        private let state = NIOLockedValueBox(State.idle)

        package init() {}

        /// Settles the outcome with `result` unless it was settled already (then `result` is dropped).
        package func settle(_ result: Result<Value, any Error>) {
            let waiting: CheckedContinuation<Value, any Error>? = state.withLockedValue { state in
                switch state {
                case .idle:
                    state = .settled(result)
                    return nil
                case .waiting(let continuation):
                    state = .done
                    return continuation
                case .settled, .done:
                    return nil
                }
            }
            // Resumed outside the lock, once: the state moved to `.done` under it.
            waiting?.resume(with: result)
        }

        /// The settled result; waits for it. Called once.
        package func value() async throws -> Value {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let ready: Result<Value, any Error>? = state.withLockedValue { state in
                    switch state {
                    case .idle:
                        state = .waiting(continuation)
                        return nil
                    case .settled(let result):
                        state = .done
                        return result
                    case .waiting, .done:
                        preconditionFailure("Deadline.Outcome.value() awaited twice")
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
