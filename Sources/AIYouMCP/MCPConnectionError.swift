/// Why an MCP server could not be reached, or what went wrong talking to it. Its message never
/// holds the bearer token, the headers or the server's raw text beyond a short, sanitized excerpt.
public struct MCPConnectionError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: Sendable, Hashable {
        /// The server could not be reached, or the connection broke before the answer ended.
        case unreachable
        /// The server did not answer in time (connect, request or per-call deadline).
        case timeout
        /// The server refused the credentials (HTTP 401 or 403).
        case unauthorized
        /// The server no longer knows the session (HTTP 404 with a session id); reconnect.
        case sessionExpired
        /// The server answered with an HTTP error status.
        case httpStatus(Int)
        /// The answer broke a limit (size of a message, of a list) or was not MCP.
        case invalidAnswer
        /// The configuration cannot work (a URL that does not parse, an empty command).
        case invalidConfiguration
        /// The connection was closed by ``MCPToolbox/close()``.
        case closed
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// The server's name (``MCPServer/name``).
    public var server: String
    /// A short, secret-free description.
    public var message: String

    /// An error of `kind` for `server`.
    public init(_ kind: Kind, server: String, _ message: String) {
        self.kind = kind
        self.server = server
        self.message = message
    }

    /// `MCP server "<name>": <message>`.
    public var description: String { "MCP server \"\(server)\": \(message)" }
}
