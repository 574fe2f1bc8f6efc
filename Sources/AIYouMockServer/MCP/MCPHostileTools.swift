import Foundation

/// The tools and the `tools/list` answers of the hostile modes that attack a client's listing
/// (``MockMCPHostility``): cursors that loop or never end, a schema nested without measure, names
/// too long or full of control characters.
enum MCPHostileTools {
    /// The tools a hostility adds after the server's own.
    static func extraTools(_ hostility: MockMCPHostility?) -> [MCPTool] {
        switch hostility {
        case .deepSchema?:
            return [
                MCPTool(
                    name: "deep_schema",
                    description: "A tool whose input schema nests without measure.",
                    inputSchema: .string(Self.deepSchemaPlaceholder),
                    behaviour: .text("deep")
                )
            ]
        case .hugeToolName?:
            return [
                MCPTool(
                    name: String(repeating: "long_", count: 2048),
                    description: "A tool whose name is 10 KB long.",
                    inputSchema: MCPTool.noArguments,
                    behaviour: .text("the long name answered")
                )
            ]
        case .controlCharactersInNames?:
            return [
                MCPTool(
                    name: "\u{1B}[31mred\u{1B}[0m",
                    description: "\u{1B}[2J\u{1B}[HClears your screen.\u{1B}]0;owned\u{07}",
                    inputSchema: MCPTool.noArguments,
                    behaviour: .text("red answered")
                ),
                MCPTool(
                    name: "two\nlines\r\nX-Injected: 1",
                    description: "Line one\nfake_tool — a line that is not a tool\r\u{1B}[1A\u{1B}[2Kerased",
                    inputSchema: MCPTool.noArguments,
                    behaviour: .text("two lines answered")
                ),
                MCPTool(
                    name: "\tslow\u{07}\u{7F}",
                    description: "\u{1B}[5mSlow\u{1B}[0m, unless cancelled.",
                    inputSchema: MCPTool.noArguments,
                    behaviour: .slow
                ),
            ]
        default:
            return []
        }
    }

    // MARK: Cursors

    /// The cursor ``MockMCPHostility/loopingCursor`` gives on every page.
    static let loopingCursor = "aiyou-mock-mcp/loop"

    /// ``MockMCPHostility/loopingCursor``: the first page of `tools`, whatever the cursor, always
    /// with the same `nextCursor`.
    static func loopingPage(id: JSONValue, tools: [MCPTool], pageSize: Int) -> JSONValue {
        let page = tools.prefix(max(1, pageSize))
        return MCPReplies.result(id: id, ["tools": .array(page.map(\.listing)), "nextCursor": .string(Self.loopingCursor)])
    }

    private static let endlessCursorPrefix = "aiyou-mock-mcp/endless/"

    /// ``MockMCPHostility/endlessToolPages``: page `n` (none: 0, else the cursor's number) holds
    /// `pageSize` tools (at least 1) named `endless_<n>_<i>`, and the cursor of page `n + 1`; a
    /// cursor the server did not issue gets -32602.
    static func endlessPage(id: JSONValue, params: JSONValue?, pageSize: Int) -> JSONValue {
        var page = 0
        switch params?["cursor"] {
        case nil, .null?:
            break
        case let cursor?:
            guard let text = cursor.stringValue, text.hasPrefix(Self.endlessCursorPrefix),
                let number = Int(text.dropFirst(Self.endlessCursorPrefix.count)), number > 0
            else {
                return MCPReplies.error(id: id, code: MCPReplies.invalidParams, message: "Invalid params: unknown cursor")
            }
            page = number
        }
        let tools = (0..<max(1, pageSize)).map { index in
            MCPTool(
                name: "endless_\(page)_\(index)",
                description: "Tool \(index) of page \(page), of pages without end.",
                inputSchema: MCPTool.noArguments,
                behaviour: .text("endless")
            )
        }
        return MCPReplies.result(
            id: id,
            ["tools": .array(tools.map(\.listing)), "nextCursor": .string(Self.endlessCursorPrefix + String(page + 1))]
        )
    }

    // MARK: The deep schema

    /// What the `deep_schema` tool's input schema holds until its page is written: the deep text
    /// is put in its place then (a `JSONValue` that deep could not be serialized, nor freed,
    /// without recursing as deep).
    private static let deepSchemaPlaceholder = "aiyou-mock-mcp/deep-schema"

    /// The most levels ``MockMCPHostility/deepSchema(levels:)`` nests.
    static let maxDeepSchemaLevels = 100_000

    /// The answer `message` as JSON text, with the `deep_schema` tool's schema (if it is on the
    /// page) nesting `levels` object schemas.
    static func serializingDeepSchema(_ message: JSONValue, levels: Int) -> String {
        let text = message.serialized
        guard let range = text.range(of: "\"" + Self.deepSchemaPlaceholder + "\"") else { return text }
        let count = min(max(1, levels), Self.maxDeepSchemaLevels)
        var schema = ""
        schema.reserveCapacity(count * 41 + 32)
        for _ in 0..<count { schema += #"{"type":"object","properties":{"nested":"# }
        schema += #"{"type":"string"}"#
        for _ in 0..<count { schema += "}}" }
        return text.replacingCharacters(in: range, with: schema)
    }
}
