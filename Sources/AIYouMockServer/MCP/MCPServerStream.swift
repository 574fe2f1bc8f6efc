import Hummingbird
import NIOCore

/// The answers to `GET` on the MCP endpoint: the long-lived server-to-client stream, and the
/// replay of a resumed stream.
enum MCPServerStream {
    /// The most events waiting to be written on one server stream (a client that stops reading
    /// loses the oldest).
    static let bufferedEvents = 1024

    /// An endless `text/event-stream` on which every notification the server sends to the
    /// session (`notifications/tools/list_changed`) arrives as an event. It ends when the
    /// session ends (`DELETE`, or dropped as the oldest), when the client goes away, or as soon
    /// as the server begins to stop, so it never holds up ``MockAIYouServer/shutdown()``.
    static func open(mcp: MCPState, session: String, watch: ClientWatch) -> Response {
        Response(
            status: .ok,
            headers: MCPHeaders.eventStreamFields,
            body: ResponseBody { writer in
                let (events, continuation) = AsyncStream.makeStream(
                    of: ByteBuffer.self,
                    bufferingPolicy: .bufferingNewest(Self.bufferedEvents)
                )
                guard let registration = mcp.openServerStream(session: session, continuation: continuation) else {
                    try await writer.finish(nil)
                    return
                }
                defer { mcp.closeServerStream(registration) }
                // The guard closes the connection once the stream is abandoned; the closed
                // connection ends the loop.
                watch.channel.closeFuture.whenComplete { _ in continuation.finish() }
                try await watch.guarding {
                    for await event in events {
                        try await writer.write(event)
                    }
                }
                if watch.isAbandoned { throw ConnectionDroppedError() }
                try await writer.finish(nil)
            }
        )
    }

    /// A `text/event-stream` that replays `events` (each with its id) and ends.
    static func replay(_ events: [MCPEvent]) -> Response {
        var buffer = ByteBuffer()
        for event in events {
            var framed = event.framed(withID: true)
            buffer.writeBuffer(&framed)
        }
        return Response(status: .ok, headers: MCPHeaders.eventStreamFields, body: .init(byteBuffer: buffer))
    }
}
