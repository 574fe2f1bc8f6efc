import NIOConcurrencyHelpers

/// The project's one lock: a value that is read and changed only while the lock is held.
///
/// It is built on NIO's pthread-based `NIOLockedValueBox` rather than `Synchronization.Mutex`:
/// on Linux `Mutex` is futex-based inside the uninstrumented standard library, so
/// ThreadSanitizer cannot see the ordering it provides and reports every critical section as a
/// race, which would hide a real one. The closure is synchronous, so the lock can never be held
/// across an `await`; keep side effects (resuming continuations, starting tasks) outside it.
struct Locked<State: Sendable>: Sendable {
    private let box: NIOLockedValueBox<State>

    init(_ state: State) {
        self.box = NIOLockedValueBox(state)
    }

    /// Runs `body` with exclusive access to the state.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        try box.withLockedValue(body)
    }

    /// A copy of the state, read under the lock.
    var value: State { withLock { $0 } }
}
