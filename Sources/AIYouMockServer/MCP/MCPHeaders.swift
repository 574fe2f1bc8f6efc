import Hummingbird

/// The header fields of the MCP Streamable HTTP transport, and the checks of the ones a
/// request must carry.
enum MCPHeaders {
    /// `Mcp-Session-Id`: issued on the answer to `initialize`, then sent with every request.
    static let sessionID = HTTPFieldName("Mcp-Session-Id")!
    /// `MCP-Protocol-Version`: the version a client negotiated, sent after `initialize`.
    static let protocolVersion = HTTPFieldName("MCP-Protocol-Version")!
    /// `Last-Event-ID`: the last event a client received, on a `GET` that resumes a stream.
    static let lastEventID = HTTPFieldName("Last-Event-ID")!

    /// `application/json`.
    static let json = "application/json"
    /// `text/event-stream`.
    static let eventStream = "text/event-stream"

    /// The head of every event-stream answer.
    static let eventStreamFields: HTTPFields = [.contentType: Self.eventStream, .cacheControl: "no-cache"]

    /// Whether the `Accept` fields of `request` name `mediaType` itself (media ranges such as
    /// `*/*` do not count: the transport asks clients to name both types).
    static func accepts(_ request: Request, _ mediaType: String) -> Bool {
        request.headers[values: .accept].contains { value in
            value.split(separator: ",").contains { range in
                HeaderParameters(parsing: range).value.lowercased() == mediaType
            }
        }
    }

    /// Whether `request` declares a JSON body (`application/json`, parameters such as
    /// `charset` allowed).
    static func hasJSONBody(_ request: Request) -> Bool {
        guard let contentType = request.headers[.contentType] else { return false }
        return HeaderParameters(parsing: contentType).value.lowercased() == Self.json
    }
}
