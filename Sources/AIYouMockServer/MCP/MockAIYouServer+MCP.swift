/// The embedded MCP server (see <doc:MCPServer>): where it listens, what it received, and its
/// tools. Every member is thread-safe and can be used while requests are in flight.
extension MockAIYouServer {
    /// The URL of the MCP endpoint: ``baseURL`` followed by ``MockMCPConfiguration/path``, e.g.
    /// `http://127.0.0.1:54321/mcp` (valid after ``start()``).
    public var mcpURL: String {
        self.baseURL + self.state.mcp.path
    }

    /// How many JSON-RPC messages carrying `method` the MCP endpoint received (requests and
    /// notifications: `"initialize"`, `"tools/list"`, `"tools/call"`,
    /// `"notifications/initialized"`, `"notifications/cancelled"`, …), counted once the body
    /// is read as a JSON-RPC message, so also when a missing or unknown session, or a missing
    /// `Accept`, refuses it afterwards. Zero again after ``resetCounters()``.
    public func mcpRequestCount(method: String) -> Int {
        self.state.mcp.messageCount(method: method)
    }

    /// The request ids, as text (`"7"`, `"abc"`), named by the `notifications/cancelled`
    /// received, oldest first (the last 1,000 are kept; emptied by ``resetCounters()``).
    public var mcpCancelledRequestIDs: [String] {
        self.state.mcp.cancelledRequestIDs
    }

    /// The sessions ended by a `DELETE` the server honoured, since start or ``resetCounters()``.
    public var mcpDeletedSessionCount: Int {
        self.state.mcp.deletedSessionCount
    }

    /// The server-to-client event streams (`GET`) open right now.
    public var mcpOpenServerStreams: Int {
        self.state.mcp.openServerStreamCount
    }

    /// The `tools/call` requests being executed right now: a `slow` call counts until it answers,
    /// is cancelled, loses its client or the server begins to stop.
    public var mcpToolCallsInFlight: Int {
        self.state.mcp.callsInFlight
    }

    /// How the MCP endpoint attacks its client (see ``MockMCPHostility``), `nil` for a
    /// well-behaved server: ``MockMCPConfiguration/hostility`` at start; a change applies to the
    /// requests that arrive afterwards (answers already under way are not changed).
    public var mcpHostility: MockMCPHostility? {
        get { self.state.mcp.hostility }
        set { self.state.mcp.hostility = newValue }
    }

    /// Adds a tool that answers `text` (a tool of the same name, built-in or added, is
    /// replaced in place; a new one is listed last), then sends
    /// `notifications/tools/list_changed` on every open server stream.
    ///
    /// - Parameters:
    ///   - name: The tool's name.
    ///   - description: Its description in `tools/list`.
    ///   - text: The text of every call's result.
    public func addMCPTool(name: String, description: String, text: String) {
        self.state.mcp.setTool(MCPTool(name: name, description: description, inputSchema: MCPTool.noArguments, behaviour: .text(text)))
    }

    /// Removes the tool named `name` (built-in or added), then sends
    /// `notifications/tools/list_changed` on every open server stream; does nothing when there
    /// is no such tool.
    ///
    /// - Parameter name: The tool's name.
    public func removeMCPTool(name: String) {
        self.state.mcp.removeTool(named: name)
    }

    /// Forgets every MCP session, as a restarted server would: a request naming one gets 404
    /// (the client must initialize again), and the sessions' server streams end.
    public func dropMCPSessions() {
        self.state.mcp.forgetSessions()
    }
}
