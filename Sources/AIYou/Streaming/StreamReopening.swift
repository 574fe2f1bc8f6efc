/// Whether a chat stream that broke may be sent again, and what its break says otherwise.
///
/// A stream is reopened only before anything of it reached the caller: no chunk handed out, no
/// event parsed (the service may have started answering), and never when the caller cancelled.
/// The retry policy and the call's retry budget then decide (`RequestPipeline.prepareReopen`).
struct StreamReopening: Sendable {
    /// Chunks handed to the caller so far.
    private(set) var deliveredChunks = 0

    /// A chunk reached the caller.
    mutating func chunkDelivered() {
        deliveredChunks += 1
    }

    /// Whether the stream may be sent again after `failure`; `sawEvent` tells whether the current
    /// answer held any event.
    func allowsReopen(after failure: TransportError, sawEvent: Bool) -> Bool {
        deliveredChunks == 0 && !sawEvent && failure.kind != .cancelled
    }

    /// The message of a network break that is not reopened.
    func breakMessage(_ failure: TransportError) -> String {
        "the stream broke after \(deliveredChunks) chunk(s) (\(failure.reason))"
    }
}
