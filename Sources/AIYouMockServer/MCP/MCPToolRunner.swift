/// Executes one `tools/call`: checks its parameters, finds the tool, registers the call while
/// it runs (``MockAIYouServer/mcpToolCallsInFlight``) and produces its answer.
struct MCPToolRunner: Sendable {
    let mcp: MCPState
    /// The session of the call (`""` without sessions).
    let session: String
    /// The call's connection: the `slow` tool stops when its client goes away or the server
    /// begins to stop.
    let watch: ClientWatch

    /// The answer to the `tools/call` request `id` with `params` (`name`, `arguments`).
    func call(id: JSONValue, params: JSONValue?) async -> MCPAnswer {
        guard let name = params?["name"]?.stringValue else {
            return self.invalidParams(id, "Invalid params: tools/call needs the name of a tool")
        }
        let arguments: JSONValue
        switch params?["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let members)?: arguments = .object(members)
        default: return self.invalidParams(id, "Invalid params: the arguments must be an object")
        }
        guard let tool = self.mcp.tool(named: name) else {
            return self.invalidParams(id, "Unknown tool: \(name)")
        }
        let token = self.mcp.beginCall(session: self.session, requestID: id.identifierValue ?? "")
        defer { self.mcp.endCall(token) }
        switch tool.behaviour {
        case .weather:
            return .response(MCPReplies.result(id: id, MCPToolResult.weather(arguments)))
        case .calculate:
            return .response(MCPReplies.result(id: id, MCPToolResult.calculate(arguments)))
        case .fail:
            return .response(MCPReplies.result(id: id, MCPToolResult.text(MCPToolResult.failureText, isError: true)))
        case .huge:
            return .response(MCPReplies.result(id: id, MCPToolResult.huge(bytes: self.mcp.configuration.hugeToolBytes)))
        case .twoParts:
            return .response(MCPReplies.result(id: id, MCPToolResult.twoParts()))
        case .text(let text):
            return .response(MCPReplies.result(id: id, MCPToolResult.text(text)))
        case .slow:
            return await self.slow(id: id, token: token)
        case .disconnect:
            let notice = MCPReplies.notification(
                "notifications/message",
                params: ["level": "info", "logger": "disconnect", "data": "closing the connection before the answer"]
            )
            return .disconnect(notice: notice, kept: MCPReplies.result(id: id, MCPToolResult.text(MCPToolResult.resumedText)))
        }
    }

    /// `done` after ``MockMCPConfiguration/slowToolDelay``; nothing once the call is cancelled,
    /// its client has gone or the server begins to stop (checked every
    /// ``ConnectionControl/pollInterval``).
    private func slow(id: JSONValue, token: MCPCallToken) async -> MCPAnswer {
        let deadline = ContinuousClock.now + self.mcp.configuration.slowToolDelay
        while ContinuousClock.now < deadline {
            if token.isCancelled || self.watch.isAbandoned { return .nothing }
            do {
                try await Task.sleep(for: min(ConnectionControl.pollInterval, deadline - ContinuousClock.now))
            } catch {
                return .nothing
            }
        }
        if token.isCancelled { return .nothing }
        return .response(MCPReplies.result(id: id, MCPToolResult.text(MCPToolResult.slowText)))
    }

    private func invalidParams(_ id: JSONValue, _ message: String) -> MCPAnswer {
        .response(MCPReplies.error(id: id, code: MCPReplies.invalidParams, message: message))
    }
}
