import Hummingbird

/// The JSON-RPC messages the MCP endpoint sends, and its HTTP refusals.
enum MCPReplies {
    /// JSON-RPC -32700: the body is not JSON.
    static let parseError = -32700
    /// JSON-RPC -32600: the body is not a JSON-RPC request the server takes.
    static let invalidRequest = -32600
    /// JSON-RPC -32601: no such method.
    static let methodNotFound = -32601
    /// JSON-RPC -32602: bad parameters (an unknown tool, an unknown cursor).
    static let invalidParams = -32602
    /// The server-defined code of the transport's refusals (a missing session, a wrong header).
    static let transportError = -32000
    /// The server-defined code of an unknown or ended session.
    static let sessionNotFound = -32001

    /// `{"jsonrpc":"2.0","id":…,"result":…}`.
    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": .string(MCPProtocol.jsonRPCVersion), "id": id, "result": result]
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…}}`.
    static func error(id: JSONValue, code: Int, message: String) -> JSONValue {
        ["jsonrpc": .string(MCPProtocol.jsonRPCVersion), "id": id, "error": ["code": .int(code), "message": .string(message)]]
    }

    /// `{"jsonrpc":"2.0","method":…}`, with `params` when given.
    static func notification(_ method: String, params: JSONValue? = nil) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("jsonrpc", .string(MCPProtocol.jsonRPCVersion)), ("method", .string(method))]
        if let params { members.append(("params", params)) }
        return .object(members)
    }

    /// An HTTP refusal whose body is a JSON-RPC error with `id` (`null` when the message's id is
    /// unknown).
    static func refusal(
        _ status: HTTPResponse.Status,
        code: Int,
        message: String,
        id: JSONValue = .null,
        headers: HTTPFields = [:]
    ) -> Response {
        MockResponses.json(Self.error(id: id, code: code, message: message), status: status, headers: headers)
    }

    /// 202 Accepted with an empty body: the answer to a notification or a response.
    static func accepted() -> Response {
        Response(status: .accepted, headers: [.contentLength: "0"])
    }

    /// 401 with `WWW-Authenticate: Bearer` and an OAuth-style `invalid_token` body.
    static func unauthorized() -> Response {
        let body: JSONValue = ["error": "invalid_token", "error_description": "Missing or invalid bearer token."]
        return MockResponses.json(body, status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
    }
}
