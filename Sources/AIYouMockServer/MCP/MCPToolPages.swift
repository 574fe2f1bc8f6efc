import Foundation

/// The pages of `tools/list`: ``MockMCPConfiguration/pageSize`` tools each, the next one named
/// by an opaque cursor (the base64 of `aiyou-mock-mcp/tools/<offset>`).
enum MCPToolPages {
    private static let cursorPrefix = "aiyou-mock-mcp/tools/"

    /// The cursor of the page that starts at `offset`.
    static func cursor(offset: Int) -> String {
        Data((Self.cursorPrefix + String(offset)).utf8).base64EncodedString()
    }

    /// The offset a cursor names, `nil` for a cursor the server did not issue.
    static func offset(of cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor),
            let text = String(data: data, encoding: .utf8),
            text.hasPrefix(Self.cursorPrefix),
            let offset = Int(text.dropFirst(Self.cursorPrefix.count)),
            offset > 0
        else { return nil }
        return offset
    }

    /// The result of `tools/list` for `params` (`cursor` optional), or a JSON-RPC -32602 error
    /// message for a cursor that is not a string the server issued. A cursor past the end (the
    /// list shrank) gives an empty last page.
    static func answer(id: JSONValue, params: JSONValue?, tools: [MCPTool], pageSize: Int) -> JSONValue {
        var offset = 0
        switch params?["cursor"] {
        case nil, .null?:
            break
        case .string(let cursor)?:
            guard let start = Self.offset(of: cursor) else {
                return MCPReplies.error(id: id, code: MCPReplies.invalidParams, message: "Invalid params: unknown cursor")
            }
            offset = start
        default:
            return MCPReplies.error(id: id, code: MCPReplies.invalidParams, message: "Invalid params: the cursor must be a string")
        }
        let size = pageSize < 1 ? max(tools.count, 1) : pageSize
        let start = min(offset, tools.count)
        let end = start + min(size, tools.count - start)
        var members: [(key: String, value: JSONValue)] = [("tools", .array(tools[start..<end].map(\.listing)))]
        if end < tools.count {
            members.append(("nextCursor", .string(Self.cursor(offset: end))))
        }
        return MCPReplies.result(id: id, .object(members))
    }
}
