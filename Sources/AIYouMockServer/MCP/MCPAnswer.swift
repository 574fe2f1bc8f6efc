/// What the server has to say to one JSON-RPC request once it has been handled.
enum MCPAnswer: Sendable {
    /// This JSON-RPC response.
    case response(JSONValue)
    /// This JSON-RPC response, already serialized (``MockMCPHostility/deepSchema(levels:)``:
    /// too deep to be a `JSONValue`).
    case serialized(String)
    /// Nothing: the call was cancelled, its client went away or the server is stopping.
    case nothing
    /// The `disconnect` tool: send `notice`, then close the connection without an answer;
    /// `kept` is the answer, kept for a resumption.
    case disconnect(notice: JSONValue, kept: JSONValue)
}
