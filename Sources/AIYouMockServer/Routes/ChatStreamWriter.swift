import Hummingbird
import NIOCore

/// Streams one chat answer as Server-Sent Events: the reply split into `chunkCount` content
/// events, then the final chunk and the shape's terminator.
///
/// Events are produced one at a time; without a pace they are batched into writes of about
/// 16 KiB, with a pace each event is written on its own, so memory stays flat however many
/// chunks are asked for.
struct ChatStreamWriter: Sendable {
    /// Unpaced events are written once this many bytes are pending.
    static let batchSize = 16 * 1024

    let completion: ChatCompletion
    let chunkCount: Int
    let encoder: SSEEventEncoder
    let interval: Duration
    /// When set, only this many content events are sent before the connection is closed.
    let dropAfterEvents: Int?
    /// `true` once the client went away or the server is stopping: a paced stream then stops
    /// waiting at once instead of sleeping out its interval.
    let isAbandoned: @Sendable () -> Bool

    func write(to writer: inout any ResponseBodyWriter, channel: any Channel) async throws {
        let characters = Array(self.completion.reply)
        var pending = ByteBuffer()
        pending.reserveCapacity(Self.batchSize + 1024)
        if let prelude = self.encoder.prelude {
            pending.writeString(prelude)
        }

        let contentEvents = min(self.chunkCount, self.dropAfterEvents ?? self.chunkCount)
        for index in 0..<contentEvents {
            let start = index * characters.count / self.chunkCount
            let end = (index + 1) * characters.count / self.chunkCount
            let event = self.completion.contentChunk(String(characters[start..<end]), isFirst: index == 0)
            try await self.emit(event, number: index + 1, pending: &pending, writer: &writer)
        }

        if self.dropAfterEvents != nil {
            if pending.readableBytes > 0 {
                try await writer.write(pending)
            }
            try? await channel.close()
            throw ConnectionDroppedError()
        }

        try await self.emit(self.completion.finalChunk, number: self.chunkCount + 1, pending: &pending, writer: &writer)
        if let terminator = self.encoder.terminator {
            pending.writeString(terminator)
        }
        if pending.readableBytes > 0 {
            try await writer.write(pending)
        }
        try await writer.finish(nil)
    }

    private func emit(_ event: JSONValue, number: Int, pending: inout ByteBuffer, writer: inout any ResponseBodyWriter) async throws {
        if self.interval > .zero {
            if number > 1 {
                try await self.pause()
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

    /// Sleeps for the interval in short slices, ending early when the stream is abandoned.
    private func pause() async throws {
        let deadline = ContinuousClock.now + self.interval
        while ContinuousClock.now < deadline {
            if self.isAbandoned() { throw ConnectionDroppedError() }
            try await Task.sleep(for: min(ConnectionControl.pollInterval, deadline - ContinuousClock.now))
        }
    }
}
