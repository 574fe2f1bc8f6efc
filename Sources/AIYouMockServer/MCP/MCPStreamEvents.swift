import NIOCore

/// Numbers the events of one event stream of the MCP endpoint and keeps them for resumption in
/// their session (when ``MockMCPConfiguration/resumable``).
struct MCPStreamEvents: Sendable {
    let mcp: MCPState
    /// The session the stream belongs to (`""` without sessions).
    let session: String
    /// The stream's number, the first part of its event ids.
    let stream: Int
    private var lastNumber = 0

    init(mcp: MCPState, session: String) {
        self.mcp = mcp
        self.session = session
        self.stream = mcp.nextStreamNumber()
    }

    /// The next event, carrying `message`, as bytes to write (with its id when resumable); kept.
    mutating func next(_ message: JSONValue) -> ByteBuffer {
        self.next(serialized: message.serialized)
    }

    /// The next event, carrying the message `text` (JSON on one line), as bytes to write; kept.
    mutating func next(serialized text: String) -> ByteBuffer {
        self.numbered(text).framed(withID: self.mcp.configuration.resumable)
    }

    /// Keeps `message` as the next event without writing it: the answer of the `disconnect`
    /// tool, for a resumption to replay.
    mutating func keepUnsent(_ message: JSONValue) {
        _ = self.numbered(message.serialized)
    }

    private mutating func numbered(_ text: String) -> MCPEvent {
        self.lastNumber += 1
        let event = MCPEvent(stream: self.stream, number: self.lastNumber, data: text)
        self.mcp.keep(event, session: self.session)
        return event
    }
}
