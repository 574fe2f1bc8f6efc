import NIOCore

/// One event of an MCP event stream: a JSON-RPC message, numbered within its stream.
///
/// Its id is `<stream>-<number>`: streams are numbered across the whole server and events
/// from 1 within their stream, so ids are unique within a session (and beyond), and the id
/// names the stream a resumption continues.
struct MCPEvent: Sendable {
    /// The stream the event belongs to.
    let stream: Int
    /// Its position in the stream, from 1.
    let number: Int
    /// The message, serialized on one line.
    let data: String

    /// `<stream>-<number>`.
    var id: String { "\(self.stream)-\(self.number)" }

    /// The stream and number of an event id, `nil` when it is not of the form `<stream>-<number>`.
    static func position(of id: String) -> (stream: Int, number: Int)? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let stream = Int(parts[0]), let number = Int(parts[1]) else { return nil }
        return (stream, number)
    }

    /// The event's bytes: `id: <id>\n` when `withID`, then `data: <json>\n\n`.
    func framed(withID: Bool) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(self.data.utf8.count + 32)
        if withID {
            buffer.writeString("id: ")
            buffer.writeString(self.id)
            buffer.writeString("\n")
        }
        buffer.writeString("data: ")
        buffer.writeString(self.data)
        buffer.writeString("\n\n")
        return buffer
    }
}
