import NIOCore

/// An event stream read from any `AsyncSequence` of buffers (``ChatCompletionStream/init(decoding:splittingThinkTags:)``):
/// no connection, so no timeouts and nothing to close.
//
// @unchecked Sendable: the iterator is created and advanced only by `next()`, which the one
// ``ChatCompletionStream`` iterator calls one call at a time (its `next()` is `mutating`, so
// calls cannot overlap); the other members touch nothing.
final class SequenceStreamSource<Bytes: AsyncSequence & Sendable>: EventStreamSource, @unchecked Sendable
where Bytes.Element == ByteBuffer {
    private let bytes: Bytes
    private var iterator: Bytes.AsyncIterator?

    init(_ bytes: Bytes) {
        self.bytes = bytes
    }

    func next() async throws -> ByteBuffer? {
        var iterator = self.iterator ?? bytes.makeAsyncIterator()
        defer { self.iterator = iterator }
        do {
            return try await iterator.next()
        } catch {
            throw TransportError(.broken, ErrorMapping.describe(error), underlying: error)
        }
    }

    func waitingForEvent() {}
    func eventDelivered() {}
    func finish() {}
    func close() {}
}
