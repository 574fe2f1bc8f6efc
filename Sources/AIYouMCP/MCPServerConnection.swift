import AIYou
import AsyncHTTPClient
import Logging
import MCP
import NIOHTTP1
import Synchronization

/// One server of an ``MCPToolbox``: the SDK's client over its transport, the server's tools, and
/// the calls in flight. Connected lazily again after the server lost the session or the
/// connection died.
final class MCPServerConnection: Sendable {
    let server: MCPServer
    private let options: MCPToolboxOptions
    /// The toolbox's HTTP client (made on first use; `nil` once the toolbox is closed).
    private let httpClient: @Sendable () -> HTTPClient?
    private let onToolsChanged: @Sendable () -> Void

    private struct Live: Sendable {
        var client: MCP.Client
        var transport: any MCP.Transport
        var httpTransport: StreamableHTTPTransport?
        var process: StdioServerProcess?
    }

    private struct State: Sendable {
        var live: Live?
        /// The opening under way, which callers arriving meanwhile wait for.
        var opening: Task<Live, any Error>?
        /// Requests in flight, by connection (its client's identity).
        var inFlight: [ObjectIdentifier: Int] = [:]
        /// Connections replaced while requests were in flight on them: shut when the last ends.
        var retired: [ObjectIdentifier: Live] = [:]
        var tools: [MCP.Tool] = []
        var closed = false
        /// Tasks started by notifications and cancellations, ended at close.
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextTask = 0
    }

    private let state = Mutex(State())

    init(
        server: MCPServer,
        options: MCPToolboxOptions,
        httpClient: @escaping @Sendable () -> HTTPClient?,
        onToolsChanged: @escaping @Sendable () -> Void
    ) {
        self.server = server
        self.options = options
        self.httpClient = httpClient
        self.onToolsChanged = onToolsChanged
    }

    /// The server's tools as last listed.
    var tools: [MCP.Tool] { state.withLock { $0.tools } }

    // MARK: - Connecting

    /// Connects (when not connected) and lists the tools. Throws ``MCPConnectionError``.
    func connect() async throws {
        let live = try await liveConnection()
        try await list(on: live)
    }

    /// The live connection, opened when there is none. Callers arriving while it opens wait for
    /// that one opening (a lost session does not start one handshake, or one child process, per
    /// call in flight).
    private func liveConnection() async throws -> Live {
        enum Step {
            case live(Live)
            case opening(Task<Live, any Error>)
            case closed
        }
        let step: Step = state.withLock { state in
            if let live = state.live { return .live(live) }
            if state.closed { return .closed }
            if let opening = state.opening { return .opening(opening) }
            let opening = Task { try await self.openAndKeep() }
            state.opening = opening
            return .opening(opening)
        }
        switch step {
        case .live(let live): return live
        case .opening(let opening): return try await opening.value
        case .closed: throw MCPConnectionError(.closed, server: server.name, "the toolbox was closed")
        }
    }

    private func openAndKeep() async throws -> Live {
        let live: Live
        do {
            live = try await open()
        } catch {
            state.withLock { $0.opening = nil }
            throw error
        }
        let kept = state.withLock { state in
            state.opening = nil
            guard !state.closed else { return false }
            state.live = live
            return true
        }
        guard kept else {
            await Self.shut(live)
            throw MCPConnectionError(.closed, server: server.name, "the toolbox was closed")
        }
        return live
    }

    private func open() async throws -> Live {
        let client = MCP.Client(name: "aiyou-swift", version: "1.0.0")
        let live: Live
        switch server.connection {
        case .streamableHTTP(let url, let token, let extraHeaders):
            let transport = try makeHTTPTransport(url: url, token: token, extraHeaders: extraHeaders)
            live = Live(client: client, transport: transport, httpTransport: transport)
        case .stdio(let executable, let arguments, let environment):
            let process = try StdioServerProcess(
                server: server.name,
                executable: executable,
                arguments: arguments,
                environment: environment,
                logger: options.logger
            )
            let transport = process.transport(onExit: { [weak self] in self?.connectionLost(client) })
            live = Live(client: client, transport: transport, process: process)
        }
        await client.onNotification(ToolListChangedNotification.self) { [weak self] _ in
            self?.startTask { [weak self] in try? await self?.connect() }
        }
        do {
            let result = try await within(options.connectTimeout, what: "connecting") {
                try await client.connect(transport: live.transport)
            } abort: {
                await client.disconnect()
            }
            guard result.capabilities.tools != nil else {
                throw MCPConnectionError(.invalidAnswer, server: server.name, "the server offers no tools")
            }
        } catch {
            await Self.shut(live)
            throw Self.mapped(error, server: server.name)
        }
        return live
    }

    private func makeHTTPTransport(url: String, token: String?, extraHeaders: [String: String]) throws -> StreamableHTTPTransport {
        guard let endpoint = MCPEndpoint(url) else {
            throw MCPConnectionError(.invalidConfiguration, server: server.name, "the URL is not an http(s) URL without user info")
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "AIYou-Swift-MCP/1.0")
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) {
            guard MCPHeaderCheck.isToken(name), MCPHeaderCheck.isFieldValue(value) else {
                throw MCPConnectionError(
                    .invalidConfiguration,
                    server: server.name,
                    "the header \"\(MCPHeaderCheck.printable(name))\" is not a valid HTTP header"
                )
            }
            headers.replaceOrAdd(name: name, value: value)
        }
        if let token {
            guard !token.isEmpty, MCPHeaderCheck.isFieldValue(token) else {
                throw MCPConnectionError(
                    .invalidConfiguration,
                    server: server.name,
                    "the bearer token is empty or holds a line break or control character"
                )
            }
            headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        }
        if endpoint.scheme == "http", !options.allowsInsecureHTTP, !MCPHeaderCheck.isLoopback(endpoint.host) {
            throw MCPConnectionError(
                .invalidConfiguration,
                server: server.name,
                "plain http to a host other than loopback; use https or set allowsInsecureHTTP"
            )
        }
        guard let httpClient = httpClient() else {
            throw MCPConnectionError(.closed, server: server.name, "the toolbox was closed")
        }
        return StreamableHTTPTransport(
            server: server.name,
            endpoint: endpoint,
            headers: headers,
            httpClient: httpClient,
            settings: .init(
                requestTimeout: options.requestTimeout,
                eventTimeout: options.eventTimeout,
                limits: options.limits,
                reconnectAttempts: options.reconnectAttempts,
                listens: options.listensForToolChanges
            ),
            logger: options.logger
        )
    }

    /// Lists every page of tools (at most ``MCPToolboxOptions/maxToolsPerServer`` tools).
    private func list(on live: Live) async throws {
        var tools: [MCP.Tool] = []
        var cursor: String?
        var seenCursors: Set<String> = []
        repeat {
            let page = try await perform(
                cursor.map { ListTools.request(.init(cursor: $0)) } ?? ListTools.request(.init()),
                on: live,
                timeout: options.requestTimeout,
                late: "no list of tools within \(options.requestTimeout) (requestTimeout)"
            )
            tools += page.tools
            guard tools.count <= options.maxToolsPerServer else {
                throw MCPConnectionError(
                    .invalidAnswer,
                    server: server.name,
                    "the server lists more than \(options.maxToolsPerServer) tools (maxToolsPerServer)"
                )
            }
            cursor = page.nextCursor
            if let next = cursor, !seenCursors.insert(next).inserted {
                throw MCPConnectionError(.invalidAnswer, server: server.name, "the server's tool pages loop (a cursor came twice)")
            }
        } while cursor != nil
        let changed = state.withLock { state in
            defer { state.tools = tools }
            return state.tools != tools
        }
        if changed { onToolsChanged() }
    }

    // MARK: - Calling

    /// Calls `tool` with `arguments`, within `timeout`. Cancelling the calling task cancels the
    /// request (the server is told with `notifications/cancelled`). A session the server forgot
    /// is opened anew and the call sent once more (the server refused it unread).
    func call(_ tool: String, arguments: [String: Value], timeout: Duration) async throws -> CallTool.Result {
        let live = try await liveConnection()
        do {
            return try await callOnce(tool, arguments: arguments, timeout: timeout, on: live)
        } catch let error as MCPConnectionError where error.kind == .sessionExpired {
            await retire(live)
            return try await callOnce(tool, arguments: arguments, timeout: timeout, on: try await liveConnection())
        }
    }

    /// Replaces `live` (its session is gone): the next call opens a new connection; `live` is shut
    /// once the requests in flight on it have ended (they fail with the same 404, and are sent
    /// again on the new one).
    private func retire(_ live: Live) async {
        let id = ObjectIdentifier(live.client)
        let shutNow: Bool = state.withLock { state in
            if state.live?.client === live.client { state.live = nil }
            guard (state.inFlight[id] ?? 0) > 0 else { return state.retired.removeValue(forKey: id) == nil }
            state.retired[id] = live
            return false
        }
        if shutNow { await Self.shut(live) }
    }

    /// Counts a request in flight on `live` while `body` runs; shuts `live` after the last one when
    /// it was retired meanwhile.
    private func inFlight<T>(on live: Live, _ body: () async throws -> T) async throws -> T {
        let id = ObjectIdentifier(live.client)
        state.withLock { $0.inFlight[id, default: 0] += 1 }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        let retired: Live? = state.withLock { state in
            let remaining = (state.inFlight[id] ?? 1) - 1
            state.inFlight[id] = remaining > 0 ? remaining : nil
            return remaining > 0 ? nil : state.retired.removeValue(forKey: id)
        }
        if let retired { await Self.shut(retired) }
        return try result.get()
    }

    private func callOnce(_ tool: String, arguments: [String: Value], timeout: Duration, on live: Live) async throws -> CallTool.Result {
        try await inFlight(on: live) {
            try await perform(
                CallTool.request(.init(name: tool, arguments: arguments)),
                on: live,
                timeout: timeout,
                late: "the tool \"\(MCPHeaderCheck.printable(tool, maxBytes: 64))\" did not answer within \(timeout) (callTimeout)"
            )
        }
    }

    /// Sends `request` and waits for its result for at most `timeout`. Past it, or when the
    /// calling task is cancelled, the request is given up (its exchange cancelled, the server sent
    /// `notifications/cancelled`), which ends the wait at once. Throws ``MCPConnectionError`` (with
    /// the message `late` past the deadline), ``MCPServerError``, or `CancellationError`.
    private func perform<M: MCP.Method>(_ request: Request<M>, on live: Live, timeout: Duration, late: String) async throws -> M.Result {
        let context: RequestContext<M.Result>
        do {
            context = try await live.client.send(request)
        } catch {
            throw Self.mapped(error, server: server.name)
        }
        let requestID = context.requestID
        let server = self.server.name
        do {
            return try await withTaskCancellationHandler {
                try await withThrowingTaskGroup(of: M.Result?.self) { group in
                    group.addTask { try await context.value }
                    group.addTask {
                        try? await Task.sleep(for: timeout)
                        return nil
                    }
                    while let next = try await group.next() {
                        if let result = next {
                            group.cancelAll()
                            return result
                        }
                        // The timer ended, or the call was cancelled (the cancellation handler gave
                        // the request up): giving it up ends the value's task.
                        if Task.isCancelled { throw CancellationError() }
                        giveUp(requestID, on: live, reason: "timeout")
                        throw MCPConnectionError(.timeout, server: server, late)
                    }
                    throw CancellationError()
                }
            } onCancel: {
                giveUp(requestID, on: live, reason: "cancelled")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Self.mapped(error, server: server)
        }
    }

    /// Stops waiting for `requestID`: its answer stream is closed, its waiter resumed, and the
    /// server told with `notifications/cancelled`.
    private func giveUp(_ requestID: ID, on live: Live, reason: String) {
        startTask {
            await live.httpTransport?.abandon(requestID: requestID.description)
            try? await live.client.cancelRequest(requestID, reason: reason)
        }
    }

    /// The connection died (a child process exited): its calls fail now, the next call reconnects.
    private func connectionLost(_ client: MCP.Client) {
        startTask { [weak self] in await self?.dropLive(client) }
    }

    /// Drops the live connection when it is still the one of `client` (another call may have
    /// opened a new one meanwhile, which stays).
    private func dropLive(_ client: MCP.Client) async {
        let dropped: Live? = state.withLock { state in
            guard let live = state.live, live.client === client else { return nil }
            state.live = nil
            return live
        }
        if let dropped { await Self.shut(dropped) }
    }

    /// Disconnects and ends the tasks this connection started.
    func close() async {
        let (live, tasks, opening, retired) = state.withLock { state in
            state.closed = true
            defer {
                state.live = nil
                state.tasks = [:]
                state.retired = [:]
            }
            return (state.live, Array(state.tasks.values), state.opening, Array(state.retired.values))
        }
        for connection in retired { await Self.shut(connection) }
        for task in tasks { task.cancel() }
        opening?.cancel()
        _ = try? await opening?.value
        if let live { await Self.shut(live) }
        for task in tasks { await task.value }
    }

    private static func shut(_ live: Live) async {
        await live.client.disconnect()
        live.process?.terminate()
    }

    /// Starts a task this connection owns (ended by ``close()``); none once closed.
    private func startTask(_ work: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard !state.closed else { return }
            let number = state.nextTask
            state.nextTask += 1
            state.tasks[number] = Task { [weak self] in
                await work()
                self?.state.withLock { _ = $0.tasks.removeValue(forKey: number) }
            }
        }
    }

    // MARK: - Errors and deadlines

    /// Runs `body` for at most `timeout`. Past it, or when the calling task is cancelled, runs
    /// `abort` (which must make `body` end) and throws a timeout error, or `CancellationError`.
    private func within<T: Sendable>(
        _ timeout: Duration,
        what: String,
        _ body: @escaping @Sendable () async throws -> T,
        abort: @escaping @Sendable () async -> Void
    ) async throws -> T {
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                if let value = first { return value }
                if Task.isCancelled { throw CancellationError() }
                await abort()
                throw MCPConnectionError(.timeout, server: server.name, "no answer within \(timeout) while \(what)")
            }
        } onCancel: {
            startTask { await abort() }
        }
    }

    /// An error of the SDK or the transport as an ``MCPConnectionError`` (cancellation kept).
    static func mapped(_ error: any Error, server: String) -> any Error {
        switch error {
        case is CancellationError, is MCPConnectionError:
            return error
        case let error as MCPError:
            switch error {
            case .transportError(let underlying) where underlying is MCPConnectionError:
                return underlying
            case .connectionClosed:
                return MCPConnectionError(.unreachable, server: server, "the connection closed")
            case .internalError(let detail) where detail == "Client disconnected":
                return MCPConnectionError(.unreachable, server: server, "the connection was lost during the call")
            default:
                let text = MCPHeaderCheck.printable(error.errorDescription ?? "error \(error.code)", maxBytes: 300)
                return MCPServerError(code: error.code, server: server, message: text)
            }
        case is DecodingError:
            return MCPConnectionError(.invalidAnswer, server: server, "an answer is not the MCP message expected")
        default:
            return MCPConnectionError(.unreachable, server: server, MCPHeaderCheck.printable(String(describing: type(of: error))))
        }
    }
}

/// A JSON-RPC error the MCP server answered (an unknown tool, invalid arguments…): its code and
/// its message, sanitized and cut to 300 bytes.
public struct MCPServerError: Error, Sendable, CustomStringConvertible {
    /// The JSON-RPC error code.
    public var code: Int
    /// The server's name.
    public var server: String
    /// The server's message, control characters escaped.
    public var message: String

    /// `MCP server "<name>" answered error <code>: <message>`.
    public var description: String { "MCP server \"\(server)\" answered error \(code): \(message)" }
}
