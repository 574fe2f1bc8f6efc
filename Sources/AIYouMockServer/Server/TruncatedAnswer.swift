import Hummingbird
import NIOCore

/// ``MockFault/truncatedBody``: an answer that stops halfway and closes its connection.
enum TruncatedAnswer {
    /// Thrown out of the body once its half is written.
    private struct Cut: Error {}

    /// `response` with its length, but only the first half of its body (or of its first write,
    /// when it has no length); the connection is closed after it.
    static func cut(_ response: Response, channel: any Channel) -> Response {
        let body = response.body
        let length = body.contentLength
        var truncated = response
        truncated.body = ResponseBody(contentLength: length) { writer in
            let halving = HalvingWriter(parent: writer, remaining: length.map { $0 / 2 })
            do {
                try await body.write(halving)
            } catch is Cut {
                try? await channel.close()
                throw ConnectionDroppedError()
            }
        }
        return truncated
    }

    /// Forwards writes until `remaining` bytes have gone (or, when it is `nil`, half of the first
    /// write), then throws ``Cut``.
    private struct HalvingWriter: ResponseBodyWriter {
        var parent: any ResponseBodyWriter
        var remaining: Int?

        mutating func write(_ buffer: ByteBuffer) async throws {
            let allowed = self.remaining ?? buffer.readableBytes / 2
            if buffer.readableBytes < allowed {
                try await self.parent.write(buffer)
                self.remaining = allowed - buffer.readableBytes
                return
            }
            if allowed > 0 {
                try await self.parent.write(buffer.getSlice(at: buffer.readerIndex, length: allowed)!)
            }
            throw Cut()
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            try await self.parent.finish(trailingHeaders)
        }
    }
}
