/// Answers the JSON-RPC requests of the MCP endpoint, method by method: `initialize`, `ping`,
/// `tools/list` and `tools/call`; any other method gets -32601.
struct MCPRequestAnswerer: Sendable {
    let mcp: MCPState
    /// The session of the request (`""` without sessions).
    let session: String
    /// The request's connection.
    let watch: ClientWatch

    /// The answer to request `id` calling `method` with `params`.
    func answer(id: JSONValue, method: String, params: JSONValue?) async -> MCPAnswer {
        switch method {
        case "initialize":
            return .response(MCPReplies.result(id: id, MCPProtocol.initializeResult(params: params)))
        case "ping":
            return .response(MCPReplies.result(id: id, [:]))
        case "tools/list":
            let pageSize = self.mcp.configuration.pageSize
            switch self.mcp.hostility {
            case .loopingCursor?:
                return .response(MCPHostileTools.loopingPage(id: id, tools: self.mcp.tools, pageSize: pageSize))
            case .endlessToolPages?:
                return .response(MCPHostileTools.endlessPage(id: id, params: params, pageSize: pageSize))
            case .deepSchema(let levels)?:
                let page = MCPToolPages.answer(id: id, params: params, tools: self.mcp.tools, pageSize: pageSize)
                return .serialized(MCPHostileTools.serializingDeepSchema(page, levels: levels))
            default:
                return .response(MCPToolPages.answer(id: id, params: params, tools: self.mcp.tools, pageSize: pageSize))
            }
        case "tools/call":
            return await MCPToolRunner(mcp: self.mcp, session: self.session, watch: self.watch).call(id: id, params: params)
        default:
            return .response(MCPReplies.error(id: id, code: MCPReplies.methodNotFound, message: "Method not found: \(method)"))
        }
    }

    /// The notifications an event-stream answer sends before the response: for a `tools/call`
    /// whose `params._meta.progressToken` is a string or an integer, one
    /// `notifications/progress` with progress 0 of 1.
    static func leadingNotifications(method: String, params: JSONValue?) -> [JSONValue] {
        guard method == "tools/call", let token = params?["_meta"]?["progressToken"] else { return [] }
        switch token {
        case .string, .int:
            return [MCPReplies.notification("notifications/progress", params: ["progressToken": token, "progress": 0, "total": 1])]
        default:
            return []
        }
    }
}
