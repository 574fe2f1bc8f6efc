/// The constants of the protocol as the embedded MCP server speaks it.
enum MCPProtocol {
    /// The protocol versions the server accepts, newest first.
    static let supportedVersions: Set<String> = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// The version answered to a client that asks for one the server does not know.
    static let fallbackVersion = "2025-06-18"
    /// The server's `serverInfo.name`.
    static let serverName = "aiyou-mock-mcp"
    /// The server's `serverInfo.version`.
    static let serverVersion = "1.0.0"
    /// The JSON-RPC version of every message.
    static let jsonRPCVersion = "2.0"

    /// The result of `initialize`: the client's protocol version when the server knows it (else
    /// ``fallbackVersion``), the `tools` capability with `listChanged`, and the server's name and
    /// version.
    static func initializeResult(params: JSONValue?) -> JSONValue {
        let requested = params?["protocolVersion"]?.stringValue
        let version = requested.flatMap { Self.supportedVersions.contains($0) ? $0 : nil } ?? Self.fallbackVersion
        return [
            "protocolVersion": .string(version),
            "capabilities": ["tools": ["listChanged": true]],
            "serverInfo": ["name": .string(Self.serverName), "version": .string(Self.serverVersion)],
        ]
    }
}
