import AIYou

/// One Model Context Protocol server whose tools an ``MCPToolbox`` offers to the model: a name
/// and how to reach it.
///
/// ```swift
/// let servers: [MCPServer] = [
///     .http("https://mcp.example.com/mcp", name: "tools", bearerToken: "…"),
///     .stdio(name: "files", executable: "/usr/local/bin/files-mcp", arguments: ["--root", "/srv"]),
/// ]
/// ```
public struct MCPServer: Sendable {
    /// How the server is reached.
    public enum Connection: Sendable {
        /// MCP's Streamable HTTP transport: JSON-RPC messages POSTed to `url`, answered as JSON or
        /// as an event stream; a `GET` stream for the server's notifications where it offers one.
        case streamableHTTP(url: String, bearerToken: String?, headers: [String: String])
        /// A child process speaking JSON-RPC on its standard input and output (the MCP SDK's
        /// stdio transport). `environment` `nil` inherits this process's.
        case stdio(executable: String, arguments: [String], environment: [String: String]?)
    }

    /// The server's name: its tools are prefixed with it when two servers offer the same tool
    /// name, and errors name it. Letters, digits, `_` and `-` are kept; other characters become `_`.
    public var name: String
    /// How the server is reached.
    public var connection: Connection

    /// A server reached through `connection`.
    public init(name: String, connection: Connection) {
        self.name = name
        self.connection = connection
    }

    /// A server over Streamable HTTP at `url` (for example `https://host/mcp`), sending
    /// `Authorization: Bearer <bearerToken>` when one is given, and `headers` with every request.
    /// `name` defaults to the URL's host.
    public static func http(_ url: String, name: String? = nil, bearerToken: String? = nil, headers: [String: String] = [:]) -> MCPServer {
        MCPServer(
            name: name ?? MCPEndpoint(url)?.host ?? "mcp",
            connection: .streamableHTTP(url: url, bearerToken: bearerToken, headers: headers)
        )
    }

    /// A server run as a child process: `executable` (a path) with `arguments`, speaking MCP on
    /// its standard input and output. Its standard error is discarded.
    public static func stdio(name: String, executable: String, arguments: [String] = [], environment: [String: String]? = nil) -> MCPServer
    {
        MCPServer(name: name, connection: .stdio(executable: executable, arguments: arguments, environment: environment))
    }
}

extension MCPServer: CustomStringConvertible {
    /// The name and the kind of connection; never the token or the headers' values.
    public var description: String {
        switch connection {
        case .streamableHTTP(let url, _, _): "MCPServer(\(name), \(MCPEndpoint(url)?.redacted ?? "invalid URL"))"
        case .stdio(let executable, _, _): "MCPServer(\(name), stdio \(executable))"
        }
    }
}

/// A Streamable HTTP endpoint split as the client's HTTP transport needs it: the origin
/// (`scheme://host[:port]`) and the target (path and query). User info in the URL is refused:
/// a secret belongs in the bearer token.
struct MCPEndpoint: Sendable, Hashable {
    var scheme: String
    var host: String
    var origin: String
    var target: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains(where: { $0.isWhitespace }) else { return nil }
        var target = String(rest[authorityEnd...].prefix { $0 != "#" })
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !target.contains(where: { $0.isWhitespace }) else { return nil }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.prefix { $0 != ":" }
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = String(host)
        self.origin = scheme + "://" + authority
        self.target = target
    }

    /// The URL without its query (which may carry a key).
    var redacted: String { origin + target.prefix { $0 != "?" } }
}
