import Foundation
import MCP
import Testing

@testable import AIYouMCP

@Suite("MCP names, results and endpoints")
struct MCPUnitTests {
    @Test("names keep to [A-Za-z0-9_-]{1,64}; clashes are prefixed by the server; what still clashes is numbered")
    func naming() {
        #expect(MCPToolNaming.sanitized("get.weather/v2") == "get_weather_v2")
        #expect(MCPToolNaming.sanitized("") == "tool")
        #expect(MCPToolNaming.sanitized(String(repeating: "é", count: 100)) == String(repeating: "_", count: 64))
        let names = MCPToolNaming.exposedNames(
            servers: ["alpha", "beta"],
            tools: [["search", "a.b", "a_b", "only"], ["search", "other"]]
        )
        #expect(names == [["alpha_search", "a_b", "a_b_2", "only"], ["beta_search", "other"]])
        let long = String(repeating: "x", count: 70)
        let cut = MCPToolNaming.exposedNames(servers: ["s"], tools: [[long, long + "y"]])
        #expect(cut == [[String(repeating: "x", count: 64), String(repeating: "x", count: 62) + "_2"]])
        #expect(cut.joined().allSatisfy { $0.count <= 64 })
    }

    @Test("results: text joined, other contents named, structured content as JSON, cut with a note")
    func resultText() {
        let result = CallTool.Result(content: [
            .text(text: "one", annotations: nil, _meta: nil),
            .image(data: "AAAA", mimeType: "image/png", annotations: nil, _meta: nil),
            .resourceLink(uri: "file:///a", name: "a"),
        ])
        #expect(MCPToolResultText.text(of: result, maxBytes: 1000) == "one\n[image image/png, 3 bytes]\n[resource link a: file:///a]")
        let structured = CallTool.Result(content: [], structuredContent: .object(["n": .int(1)]))
        #expect(MCPToolResultText.text(of: structured, maxBytes: 1000) == #"{"n":1}"#)
        let long = MCPToolResultText.join([String(repeating: "é", count: 1000), "tail"], maxBytes: 200)
        #expect(long.utf8.count <= 200)
        #expect(long.hasSuffix("[result cut: 2005 bytes, the first 200 kept]"))
        #expect(long.hasPrefix("éé"))
    }

    @Test("server text shown in errors is one line, escaped and cut")
    func printable() {
        #expect(MCPHeaderCheck.printable("a\u{1B}[31mred\nline") == "a\\u{1B}[31mred line")
        #expect(MCPHeaderCheck.printable(String(repeating: "a", count: 500), maxBytes: 10) == "aaaaaaaaaa…")
    }

    @Test("endpoints: origin and target split; user info and other schemes refused")
    func endpoints() throws {
        let endpoint = try #require(MCPEndpoint("https://mcp.example.com:8443/v1/mcp?key=1#frag"))
        #expect(endpoint.origin == "https://mcp.example.com:8443")
        #expect(endpoint.target == "/v1/mcp?key=1")
        #expect(endpoint.host == "mcp.example.com")
        #expect(endpoint.redacted == "https://mcp.example.com:8443/v1/mcp")
        #expect(MCPEndpoint("http://[::1]:9000")?.host == "::1")
        #expect(MCPEndpoint("http://[::1]:9000")?.target == "/")
        #expect(MCPEndpoint("https://user:secret@example.com/mcp") == nil)
        #expect(MCPEndpoint("file:///etc/passwd") == nil)
        #expect(MCPEndpoint("https:///mcp") == nil)
        #expect(MCPEndpoint("https://exa mple.com/mcp") == nil)
    }

    @Test("schemas nested beyond the limit are refused, not recursed into")
    func deepSchema() {
        var value: Value = .object([:])
        for _ in 0..<200 { value = .object(["a": value]) }
        #expect(throws: MCPValueConversion.TooDeep.self) { try MCPValueConversion.json(value) }
    }
}
