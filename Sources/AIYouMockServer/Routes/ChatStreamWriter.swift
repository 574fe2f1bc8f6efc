import Hummingbird
import NIOCore

/// Streams one chat answer as Server-Sent Events: its content events, then its closing events
/// (see ``ChatStreamEvents``) and the shape's terminator. Both dialects use it: AI.YOU in
/// either shape, LLMaaS in the primary framing.
///
/// Events are produced one at a time; without a pace they are batched into writes of about
/// 16 KiB, with a pace each event is written on its own, so memory stays flat however many
/// chunks are asked for.
struct ChatStreamWriter: Sendable {
    /// Unpaced events are written once this many bytes are pending.
    static let batchSize = 16 * 1024
    /// The number of `{"tail":true}` events in one write of the tail.
    static let tailBatchEvents = 128
    /// The pause before each write of the tail.
    static let tailPause: Duration = .milliseconds(1)

    let events: any ChatStreamEvents
    let encoder: SSEEventEncoder
    let interval: Duration
    /// When set, only this many content events are sent before the connection is closed.
    let dropAfterEvents: Int?
    /// When set, the stream never ends: after the answer and `data: [DONE]` come endless
    /// `data: {"tail":true}` events (``MockFault/tailAfterDone``).
    let tailAfterDone: Bool
    /// The stream's connection: a paced answer stops waiting at once when its client goes
    /// away (a graceful stop of the server lets it finish), and the tail stops writing when the
    /// client goes away or the server begins to stop.
    let watch: ClientWatch

    func write(to writer: inout any ResponseBodyWriter) async throws {
        guard self.tailAfterDone else {
            try await self.writeAnswer(to: &writer)
            try await writer.finish(nil)
            return
        }
        try await self.watch.guarding {
            try await self.writeAnswer(to: &writer)
            try await self.writeTail(to: &writer)
        }
    }

    /// Writes the events of the answer and the shape's terminator (with a tail, `[DONE]` in
    /// every shape), or with ``dropAfterEvents`` the first events, then closes the connection.
    private func writeAnswer(to writer: inout any ResponseBodyWriter) async throws {
        var pending = ByteBuffer()
        pending.reserveCapacity(Self.batchSize + 1024)
        if let prelude = self.encoder.prelude {
            pending.writeString(prelude)
        }

        let contentCount = self.events.contentEventCount
        let contentEvents = min(contentCount, self.dropAfterEvents ?? contentCount)
        for index in 0..<contentEvents {
            try await self.emit(self.events.contentEvent(at: index), number: index + 1, pending: &pending, writer: &writer)
        }

        if self.dropAfterEvents != nil {
            if pending.readableBytes > 0 {
                try await writer.write(pending)
            }
            try? await self.watch.channel.close()
            throw ConnectionDroppedError()
        }

        for (offset, event) in self.events.closingEvents.enumerated() {
            try await self.emit(event, number: contentCount + 1 + offset, pending: &pending, writer: &writer)
        }
        if let terminator = self.encoder.terminator {
            pending.writeString(terminator)
        } else if self.tailAfterDone {
            pending.writeString("data: [DONE]" + self.encoder.lineEnding + self.encoder.lineEnding)
        }
        if pending.readableBytes > 0 {
            try await writer.write(pending)
        }
    }

    /// Writes batches of `data: {"tail":true}` events, pausing before each, until the stream
    /// is abandoned.
    private func writeTail(to writer: inout any ResponseBodyWriter) async throws {
        let event = #"data: {"tail":true}"# + self.encoder.lineEnding + self.encoder.lineEnding
        var batch = ByteBuffer()
        for _ in 0..<Self.tailBatchEvents {
            batch.writeString(event)
        }
        while true {
            if self.watch.isAbandoned { throw ConnectionDroppedError() }
            try await self.watch.pause(Self.tailPause)
            try await writer.write(batch)
        }
    }

    private func emit(_ event: JSONValue, number: Int, pending: inout ByteBuffer, writer: inout any ResponseBodyWriter) async throws {
        if self.interval > .zero {
            if number > 1 {
                try await self.watch.pause(self.interval, endsWhenStopping: false)
            }
            self.encoder.write(event, number: number, into: &pending)
            try await writer.write(pending)
            pending.clear()
        } else {
            self.encoder.write(event, number: number, into: &pending)
            if pending.readableBytes >= Self.batchSize {
                try await writer.write(pending)
                pending.clear()
            }
        }
    }
}
