/// Shapes the embedded MCP server: a Model Context Protocol server that ``MockAIYouServer``
/// answers on the same port, over the Streamable HTTP transport, with a fixed set of tools for
/// testing MCP clients (see <doc:MCPServer>).
///
/// Every property has a default, so `MockMCPConfiguration()` gives an endpoint at `/mcp`
/// without a bearer token, with sessions, answers as event streams, resumable streams and a
/// server-to-client stream on `GET`. The endpoint is always on; it costs nothing unless called.
public struct MockMCPConfiguration: Sendable {
    /// The path of the endpoint, `/mcp` by default (a path without a leading `/` gets one).
    public var path: String = "/mcp"
    /// When set, every MCP request must carry `Authorization: Bearer <token>`; otherwise 401
    /// with `WWW-Authenticate: Bearer`. `nil` (the default) asks for no token: the bearer
    /// tokens and API keys of the AI.YOU and LLMaaS routes play no part here.
    public var bearerToken: String? = nil
    /// How POST requests carrying a JSON-RPC request are answered: ``MockMCPAnswerMode/json``
    /// (an `application/json` body) or ``MockMCPAnswerMode/eventStream`` (`text/event-stream`:
    /// zero or more notifications, then the response, then the stream ends).
    public var answers: MockMCPAnswerMode = .eventStream
    /// The number of tools on a page of `tools/list` (cursor pagination: `nextCursor` is an
    /// opaque string; an unknown cursor gets JSON-RPC error -32602). Below 1, every tool is on
    /// one page.
    public var pageSize: Int = 2
    /// Issue an `Mcp-Session-Id` on the answer to `initialize` and require it on every later
    /// request (400 without it, 404 for an unknown or deleted one). `false`: stateless, no
    /// session header.
    public var usesSessions: Bool = true
    /// How long the `slow` tool takes (it ends early when the client sends
    /// `notifications/cancelled` for it, or the connection closes, or the server begins to stop).
    public var slowToolDelay: Duration = .seconds(30)
    /// The size in UTF-8 bytes of the `huge` tool's text.
    public var hugeToolBytes: Int = 1_000_000
    /// Whether event-stream answers carry event ids and the server replays them on `GET` with
    /// `Last-Event-ID` (resumption); `false`: no ids, a `GET` with `Last-Event-ID` gets nothing
    /// replayed.
    public var resumable: Bool = true
    /// Whether `GET` opens a server-to-client event stream (for notifications such as
    /// `notifications/tools/list_changed`); `false` answers such a `GET` with 405. A `GET` with
    /// `Last-Event-ID`, which resumes a stream (see ``resumable``), is answered either way.
    public var offersServerStream: Bool = true
    /// A way to attack the client (a loop of cursors, an error page, an endless stream…), or
    /// `nil` (the default) for a well-behaved server; see ``MockMCPHostility``. It can be changed
    /// while the server runs with ``MockAIYouServer/mcpHostility``.
    public var hostility: MockMCPHostility? = nil

    /// Creates the default configuration.
    public init() {}
}
