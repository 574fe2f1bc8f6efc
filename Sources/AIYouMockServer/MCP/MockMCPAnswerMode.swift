/// How the embedded MCP server answers a POST that carries a JSON-RPC request (see
/// ``MockMCPConfiguration/answers``).
public enum MockMCPAnswerMode: Sendable, Hashable {
    /// One `application/json` body holding the JSON-RPC response.
    case json
    /// A `text/event-stream` body: zero or more notifications, then the JSON-RPC response, each
    /// as one event, then the stream ends.
    case eventStream
}
