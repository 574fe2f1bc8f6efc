import Synchronization

/// A `tools/call` being executed: the key `notifications/cancelled` finds it by, and the flag
/// that tells it to stop.
final class MCPCallToken: Sendable {
    /// The session the call came in (`""` without sessions).
    let session: String
    /// The request id, as text.
    let requestID: String
    private let cancelled = Atomic<Bool>(false)

    init(session: String, requestID: String) {
        self.session = session
        self.requestID = requestID
    }

    /// Whether the client cancelled the call.
    var isCancelled: Bool { self.cancelled.load(ordering: .relaxed) }

    /// Marks the call cancelled.
    func cancel() {
        self.cancelled.store(true, ordering: .relaxed)
    }
}
