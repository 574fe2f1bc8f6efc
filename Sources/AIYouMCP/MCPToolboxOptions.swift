import AIYou
import Logging
import Tracing

/// How an ``MCPToolbox`` connects, which tools it offers, and how it calls them.
public struct MCPToolboxOptions: Sendable {
    /// When set, only these tools are offered: a tool's name as its server gives it (`get_weather`),
    /// or the server's name and the tool's joined by `/` (`weather/get_weather`). `nil` offers all.
    public var allowedTools: Set<String>? = nil
    /// Tools never offered, named as in ``allowedTools``. A tool in both lists is not offered.
    public var deniedTools: Set<String> = []
    /// Asked before each call; a call it refuses is answered to the model as refused, and never
    /// reaches the server. `nil` runs every call.
    public var approval: (@Sendable (MCPToolCallRequest) async -> MCPToolApproval)? = nil
    /// How long one tool call may take, from sending it to its result. Past it the call is
    /// cancelled on the server (`notifications/cancelled`) and the model is told it timed out.
    public var callTimeout: Duration = .seconds(60)
    /// How long connecting to one server (the `initialize` handshake) may take.
    public var connectTimeout: Duration = .seconds(30)
    /// How long until the head of each HTTP answer.
    public var requestTimeout: Duration = .seconds(30)
    /// How long an HTTP answer's body (JSON or event stream) may stay silent.
    public var eventTimeout: Duration = .seconds(120)
    /// The size caps of what servers send: a JSON answer up to
    /// `Configuration.Limits.maxResponseBodyBytes`, an event up to
    /// `Configuration.Limits.maxStreamEventBytes` (1 MiB by default), an error body up to
    /// `Configuration.Limits.maxErrorBodyBytes`.
    public var limits: Configuration.Limits = .init()
    /// The most text of one result sent back to the model, in UTF-8 bytes; a longer result is cut
    /// on a character boundary and says so. (`runTools` also cuts at
    /// `ToolRunLimits.maxResultBytes`.)
    public var maxResultBytes: Int = 64 * 1024
    /// The most tools one server may list (all pages together).
    public var maxToolsPerServer: Int = 512
    /// How many times an answer stream that broke is resumed with `Last-Event-ID`.
    public var reconnectAttempts: Int = 2
    /// Whether to keep a stream open for each server's notifications, so that the tools are
    /// listed again on `notifications/tools/list_changed`.
    public var listensForToolChanges: Bool = true
    /// Called with the offered tools after they changed (a server's list changed).
    public var onToolsChanged: (@Sendable ([MCPToolListing]) -> Void)? = nil
    /// Allows `http://` URLs to hosts other than loopback (tokens would travel in clear text).
    public var allowsInsecureHTTP: Bool = false
    /// Where the toolbox logs (never a token, a header value or a tool's arguments).
    public var logger: Logger = Configuration.disabledLogger
    /// The tracer of the `tools/call` spans; `nil` uses `InstrumentationSystem.tracer`.
    public var tracer: (any Tracer)? = nil

    /// The defaults.
    public init() {}

    /// Throws ``MCPConnectionError/Kind/invalidConfiguration`` for a limit below 1 or a duration
    /// not above zero.
    func validate() throws(MCPConnectionError) {
        func check(_ ok: Bool, _ what: String) throws(MCPConnectionError) {
            guard ok else { throw MCPConnectionError(.invalidConfiguration, server: "-", "options.\(what)") }
        }
        try check(callTimeout > .zero, "callTimeout must be above zero")
        try check(connectTimeout > .zero, "connectTimeout must be above zero")
        try check(requestTimeout > .zero, "requestTimeout must be above zero")
        try check(eventTimeout > .zero, "eventTimeout must be above zero")
        try check(maxResultBytes >= 64, "maxResultBytes must be at least 64")
        try check(maxToolsPerServer >= 1, "maxToolsPerServer must be at least 1")
        try check(reconnectAttempts >= 0, "reconnectAttempts must be at least 0")
        try check(
            limits.maxResponseBodyBytes >= 1 && limits.maxStreamEventBytes >= 1 && limits.maxErrorBodyBytes >= 1,
            "limits must be at least 1 byte"
        )
    }
}

/// A tool call about to be sent to an MCP server, for ``MCPToolboxOptions/approval``.
public struct MCPToolCallRequest: Sendable {
    /// The server's name.
    public var server: String
    /// The tool's name as the server gives it.
    public var tool: String
    /// The tool's name as the model sees it (prefixed when two servers share it).
    public var exposedName: String
    /// The arguments the model gave, as JSON.
    public var arguments: JSONValue
    /// The id the model gave the call.
    public var callID: String
}

/// The answer of ``MCPToolboxOptions/approval``.
public enum MCPToolApproval: Sendable, Hashable {
    /// Send the call.
    case approve
    /// Do not send it; the model is told it was refused, and why.
    case refuse(reason: String)
}

/// One tool an ``MCPToolbox`` offers.
public struct MCPToolListing: Sendable, Hashable {
    /// The name the model sees.
    public var exposedName: String
    /// The server's name.
    public var server: String
    /// The tool's name as the server gives it.
    public var tool: String
    /// The tool's description, as the server gives it.
    public var description: String?
}
