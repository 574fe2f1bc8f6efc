import NIOConcurrencyHelpers
import Synchronization

/// Tells any number of waiters, once, whether the server came to listen: behind
/// ``MockAIYouServer/waitUntilListening()``.
///
/// The outcome is kept, so a waiter that comes after it learns it at once.
final class ListeningSignal: Sendable {
    private enum State {
        /// No outcome yet; the continuations of the waiters, by waiter id.
        case waiting([Int: CheckedContinuation<Void, any Error>])
        /// The server listened.
        case listening
        /// The server stopped (or will never start) without having listened.
        case failed
    }

    private let state = NIOLockedValueBox(State.waiting([:]))
    private let nextWaiterID = Atomic<Int>(0)

    /// Waits until the server listens.
    ///
    /// - Throws: ``MockServerError/failedToStart`` when the server stopped without listening;
    ///   `CancellationError` when the waiting task is cancelled first.
    func wait() async throws {
        let id = self.nextWaiterID.add(1, ordering: .relaxed).oldValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                self.state.withLockedValue { state in
                    switch state {
                    case .listening:
                        continuation.resume()
                    case .failed:
                        continuation.resume(throwing: MockServerError.failedToStart)
                    case .waiting(var waiters):
                        // The cancellation handler may have run already (and found nothing to
                        // resume): the flag is set before it runs, so checking it here, under
                        // the lock, leaves no gap.
                        if Task.isCancelled {
                            continuation.resume(throwing: CancellationError())
                        } else {
                            waiters[id] = continuation
                            state = .waiting(waiters)
                        }
                    }
                }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, any Error>? = self.state.withLockedValue { state in
                guard case .waiting(var waiters) = state, let continuation = waiters.removeValue(forKey: id) else { return nil }
                state = .waiting(waiters)
                return continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Records that the server listens and lets every waiter go. Only the first outcome counts.
    func markListening() {
        for continuation in self.settle(.listening) {
            continuation.resume()
        }
    }

    /// Records that the server will not listen and fails every waiter with
    /// ``MockServerError/failedToStart``. Only the first outcome counts.
    func markFailed() {
        for continuation in self.settle(.failed) {
            continuation.resume(throwing: MockServerError.failedToStart)
        }
    }

    /// Sets the outcome unless one is set, and returns the waiters to resume (outside the lock).
    private func settle(_ outcome: State) -> [CheckedContinuation<Void, any Error>] {
        self.state.withLockedValue { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = outcome
            return Array(waiters.values)
        }
    }
}
