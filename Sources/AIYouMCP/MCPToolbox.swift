import AIYou
import AsyncHTTPClient
import Logging
import MCP
import Synchronization
import Tracing

/// The tools of one or more Model Context Protocol servers, offered to a model as
/// `Tool`s of `AIYouClient.runTools(_:tools:limits:options:)`.
///
/// ``connect()`` opens every server and lists its tools (all pages). Each tool becomes a
/// `Tool` whose definition is the tool's name (see ``MCPToolListing/exposedName``),
/// description and input schema; a call the model makes is sent to the server (`tools/call`)
/// and its result's text comes back to the model. Nothing a server does ends the run in a
/// crash: an `isError` result, a JSON-RPC error, a broken connection or a call past
/// ``MCPToolboxOptions/callTimeout`` is answered to the model as that call's error.
///
/// ```swift
/// let toolbox = MCPToolbox(servers: [.http("https://mcp.example.com/mcp", bearerToken: token)])
/// try await toolbox.connect()
/// let result = try await client.runTools(request, toolbox: toolbox)
/// await toolbox.close()
/// ```
///
/// Works from any isolation; ``close()`` ends the sessions, the child processes, the tasks the
/// toolbox started and its HTTP client, and must be called before the toolbox is dropped (or use
/// ``withMCPToolbox(servers:options:httpClient:isolation:_:)``, which does).
public final class MCPToolbox: Sendable {
    private let connections: [MCPServerConnection]
    private let options: MCPToolboxOptions
    private let httpClients: MCPHTTPClients
    private let configurationError: MCPConnectionError?
    private let offered = Mutex<[Offered]>([])

    /// One offered tool: its listing and its definition.
    private struct Offered: Sendable {
        var listing: MCPToolListing
        var definition: ToolDefinition
        var connection: MCPServerConnection
    }

    /// A toolbox of `servers`. Nothing is sent before ``connect()``.
    ///
    /// By default the toolbox has a connection pool of its own, set as the client's is: a
    /// connection failure is reported at once (not retried until the connect timeout), redirects
    /// are not followed (a token must not travel to another host), answers are not decompressed.
    /// ``close()`` shuts it down. A caller's `httpClient` is borrowed instead, never shut down,
    /// and its settings apply.
    public init(servers: [MCPServer], options: MCPToolboxOptions = MCPToolboxOptions(), httpClient: HTTPClient? = nil) {
        self.options = options
        let http = MCPHTTPClients(lent: httpClient, connectTimeout: options.connectTimeout)
        self.httpClients = http
        var problem: MCPConnectionError?
        do throws(MCPConnectionError) {
            try options.validate()
        } catch {
            problem = error
        }
        if servers.isEmpty { problem = MCPConnectionError(.invalidConfiguration, server: "-", "give at least one server") }
        var names: Set<String> = []
        for server in servers where !names.insert(server.name).inserted {
            problem = MCPConnectionError(.invalidConfiguration, server: server.name, "two servers have this name")
        }
        self.configurationError = problem
        let refresh = Mutex<(@Sendable () -> Void)?>(nil)
        self.connections = servers.map { server in
            MCPServerConnection(server: server, options: options, httpClient: { http.client() }) {
                refresh.withLock { $0 }?()
            }
        }
        refresh.withLock { $0 = { [weak self] in self?.toolsChanged() } }
    }

    /// Connects to every server (at once) and lists their tools.
    ///
    /// - Throws: ``MCPConnectionError`` — ``MCPConnectionError/Kind/invalidConfiguration``
    ///   before anything is sent (no server, two servers with one name, an invalid URL, header or
    ///   option); otherwise the first server's failure (the others are left connected: call
    ///   ``close()``). ``MCPServerError`` when a server answers the listing with an error.
    public func connect() async throws {
        if let configurationError { throw configurationError }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { try await connection.connect() }
            }
            try await group.waitForAll()
        }
        toolsChanged(notify: false)
    }

    /// Lists every server's tools again (a toolbox does so by itself when a server sends
    /// `notifications/tools/list_changed`).
    ///
    /// - Throws: what ``connect()`` throws.
    public func refresh() async throws {
        try await connect()
    }

    /// The tools offered now, for `AIYouClient.runTools(_:tools:limits:options:)`.
    public var tools: [AIYou.Tool] {
        offered.withLock { $0 }.map { offered in
            let listing = offered.listing
            let connection = offered.connection
            let options = self.options
            return AIYou.Tool(offered.definition) { call in
                try await Self.run(call, listing: listing, connection: connection, options: options)
            }
        }
    }

    /// Calls the tool the model sees as `exposedName` with `arguments` (a JSON object), as a
    /// model's call would be made — approval, deadline, result text — and returns the result's
    /// text. `timeout` replaces ``MCPToolboxOptions/callTimeout`` for this call.
    ///
    /// - Throws: ``MCPToolCallError`` when no tool has that name, the arguments are not an
    ///   object, the approval refuses, or the tool reports an error (`isError`);
    ///   ``MCPConnectionError`` or ``MCPServerError`` when the call fails; `CancellationError`.
    public func call(_ exposedName: String, arguments: JSONValue = .object([:]), timeout: Duration? = nil) async throws -> String {
        guard let offered = offered.withLock({ $0.first { $0.listing.exposedName == exposedName } }) else {
            throw MCPToolCallError("there is no tool named \"\(MCPHeaderCheck.printable(exposedName))\"")
        }
        let call = ToolCall(id: "direct", name: exposedName, arguments: arguments.jsonString)
        var options = self.options
        if let timeout {
            guard timeout > .zero else { throw MCPToolCallError("the timeout of a call must be above zero") }
            options.callTimeout = timeout
        }
        return try await Self.run(call, listing: offered.listing, connection: offered.connection, options: options)
    }

    /// What ``tools`` offers: each tool's exposed name, server and name.
    public var listing: [MCPToolListing] { offered.withLock { $0.map(\.listing) } }

    /// Ends every session (`DELETE` for Streamable HTTP), stops the child processes, waits for
    /// the toolbox's own tasks, and shuts its own HTTP client down. Calls in flight fail.
    public func close() async {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.close() }
            }
        }
        await httpClients.shutdown()
    }

    // MARK: - Offering

    /// Recomputes the offered tools from the servers' lists.
    private func toolsChanged(notify: Bool = true) {
        let lists = connections.map { connection in
            connection.tools.filter { isOffered($0.name, server: connection.server.name) }
        }
        let names = MCPToolNaming.exposedNames(
            servers: connections.map(\.server.name),
            tools: lists.map { $0.map(\.name) }
        )
        var result: [Offered] = []
        for (index, tools) in lists.enumerated() {
            let connection = connections[index]
            for (tool, name) in zip(tools, names[index]) {
                guard let definition = definition(of: tool, exposedName: name, server: connection.server.name) else { continue }
                let listing = MCPToolListing(
                    exposedName: name,
                    server: connection.server.name,
                    tool: tool.name,
                    description: tool.description
                )
                result.append(Offered(listing: listing, definition: definition, connection: connection))
            }
        }
        let changed = offered.withLock { current in
            defer { current = result }
            return current.map(\.listing) != result.map(\.listing)
        }
        if notify, changed { options.onToolsChanged?(result.map(\.listing)) }
    }

    private func isOffered(_ tool: String, server: String) -> Bool {
        let qualified = server + "/" + tool
        if options.deniedTools.contains(tool) || options.deniedTools.contains(qualified) { return false }
        guard let allowed = options.allowedTools else { return true }
        return allowed.contains(tool) || allowed.contains(qualified)
    }

    /// The definition the model sees; `nil` (the tool is skipped, with a warning) when its
    /// schema nests deeper than ``MCPValueConversion/maxDepth``.
    private func definition(of tool: MCP.Tool, exposedName: String, server: String) -> ToolDefinition? {
        var schema: JSONValue
        do {
            schema = try MCPValueConversion.json(tool.inputSchema)
        } catch {
            options.logger.warning(
                "MCP tool skipped: its input schema nests too deep",
                metadata: ["mcp.server": "\(server)", "gen_ai.tool.name": "\(MCPHeaderCheck.printable(tool.name))"]
            )
            return nil
        }
        if case .object(var members) = schema {
            if members["type"] == nil { members["type"] = "object" }
            schema = .object(members)
        } else {
            schema = ["type": "object", "properties": .object([:])]
        }
        return ToolDefinition(name: exposedName, description: tool.description, parameters: JSONSchema(schema))
    }

    // MARK: - Calling

    /// Runs one call: approval, the request within the call timeout under a `tools/call` span,
    /// and the result's text. Throws what the model is told (the run goes on).
    private static func run(
        _ call: ToolCall,
        listing: MCPToolListing,
        connection: MCPServerConnection,
        options: MCPToolboxOptions
    ) async throws -> String {
        let arguments: [String: JSONValue]
        if call.arguments.allSatisfy(\.isWhitespace) {
            arguments = [:]
        } else {
            guard case .object(let members) = try call.argumentsJSON() else {
                throw MCPToolCallError("the arguments of \(listing.exposedName) must be a JSON object")
            }
            arguments = members
        }
        if let approval = options.approval {
            let request = MCPToolCallRequest(
                server: listing.server,
                tool: listing.tool,
                exposedName: listing.exposedName,
                arguments: .object(arguments),
                callID: call.id
            )
            if case .refuse(let reason) = await approval(request) {
                throw MCPToolCallError("the call was refused: \(reason)")
            }
        }
        try Task.checkCancellation()
        let result = try await MCPCallSpan.run(listing: listing, options: options) {
            try await connection.call(listing.tool, arguments: arguments.mapValues(MCPValueConversion.value), timeout: options.callTimeout)
        }
        let text = MCPToolResultText.text(of: result, maxBytes: options.maxResultBytes)
        if result.isError == true { throw MCPToolCallError(text.isEmpty ? "the tool reported an error" : text) }
        return text
    }
}

/// What the model is told about a call that did not give a result: the tool's own error text,
/// a refusal, or arguments that are not an object.
public struct MCPToolCallError: Error, Sendable, CustomStringConvertible {
    /// The message the model reads.
    public var message: String

    /// An error whose message is `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Connects a toolbox of `servers`, runs `body` with it and closes it afterwards, whether `body`
/// returns or throws.
///
/// ```swift
/// let answer = try await withMCPToolbox(servers: [.http("https://mcp.example.com/mcp", bearerToken: token)]) { toolbox in
///     try await client.runTools(request, toolbox: toolbox).text
/// }
/// ```
/// - Throws: what ``MCPToolbox/connect()`` throws, and what `body` throws.
public func withMCPToolbox<Result>(
    servers: [MCPServer],
    options: MCPToolboxOptions = MCPToolboxOptions(),
    httpClient: HTTPClient? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (MCPToolbox) async throws -> Result
) async throws -> Result {
    let toolbox = MCPToolbox(servers: servers, options: options, httpClient: httpClient)
    do {
        try await toolbox.connect()
        let result = try await body(toolbox)
        await toolbox.close()
        return result
    } catch {
        await toolbox.close()
        throw error
    }
}

extension AIYouClient {
    /// `runTools(_:tools:limits:options:)` with the tools `toolbox` offers now (plus `tools`).
    ///
    /// ```swift
    /// let result = try await client.runTools(request, toolbox: toolbox)
    /// ```
    /// - Throws: what `runTools(_:tools:limits:options:)` throws (`AIYouError`); an MCP
    ///   server's failures are answered to the model, never thrown.
    public func runTools(
        _ request: ChatCompletionRequest,
        toolbox: MCPToolbox,
        tools: [AIYou.Tool] = [],
        limits: ToolRunLimits = ToolRunLimits(),
        options: RequestOptions = RequestOptions()
    ) async throws -> ToolRunResult {
        try await runTools(request, tools: toolbox.tools + tools, limits: limits, options: options)
    }
}
