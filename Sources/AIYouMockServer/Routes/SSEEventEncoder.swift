import NIOCore

/// Writes Server-Sent Events in the framing of each response shape.
///
/// - primary: `data: <json>\n\n` per event, then `data: [DONE]\n\n`.
/// - alternate: `\r\n` line endings, a `: keep-alive` comment first, `event: message` and
///   `id: <n>` on every event, the JSON split after its first member across two `data:` lines
///   (joined with `\n` it is still the same JSON), and no `[DONE]`.
struct SSEEventEncoder: Sendable {
    let shape: MockResponseShape

    /// The line ending of the shape's events.
    var lineEnding: String {
        switch self.shape {
        case .primary: "\n"
        case .alternate: "\r\n"
        }
    }

    /// What is written before the first event.
    var prelude: String? {
        switch self.shape {
        case .primary: nil
        case .alternate: ": keep-alive\r\n\r\n"
        }
    }

    /// What is written after the last event.
    var terminator: String? {
        switch self.shape {
        case .primary: "data: [DONE]\n\n"
        case .alternate: nil
        }
    }

    /// Appends one event carrying `json`; `number` is its 1-based position.
    func write(_ json: JSONValue, number: Int, into buffer: inout ByteBuffer) {
        switch self.shape {
        case .primary:
            buffer.writeString("data: ")
            buffer.writeString(json.serialized)
            buffer.writeString("\n\n")
        case .alternate:
            buffer.writeString("event: message\r\nid: \(number)\r\n")
            if let members = json.serializedMembers, members.count > 1 {
                buffer.writeString("data: {")
                buffer.writeString(members[0])
                buffer.writeString(",\r\ndata: ")
                buffer.writeString(members[1...].joined(separator: ","))
                buffer.writeString("}\r\n\r\n")
            } else {
                buffer.writeString("data: ")
                buffer.writeString(json.serialized)
                buffer.writeString("\r\n\r\n")
            }
        }
    }
}
