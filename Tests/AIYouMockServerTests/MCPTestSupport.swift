import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// One event of an event stream: its id, if any, and its data (lines joined by `\n`).
struct MCPTestEvent: Sendable {
    var id: String?
    var data: String

    /// The data parsed as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(self.data.utf8)) as? [String: Any])
    }

    /// The complete events of `text` (an unfinished last event is left out); comments skipped.
    static func parse(_ text: String) -> [MCPTestEvent] {
        var blocks = text.components(separatedBy: "\n\n")
        blocks.removeLast()  // after the last separator: empty, or an unfinished event
        return blocks.compactMap { block in
            var id: String?
            var data: [String] = []
            for line in block.components(separatedBy: "\n") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            return data.isEmpty ? nil : MCPTestEvent(id: id, data: data.joined(separator: "\n"))
        }
    }
}

/// A hand-written MCP client over loopback, for the embedded MCP server's tests: it sends
/// JSON-RPC messages with the transport's headers and reads the answers in either mode.
struct MCPTestClient: Sendable {
    /// The two media types the transport asks clients to accept.
    static let acceptBoth = "application/json, text/event-stream"

    let url: String
    var client: HTTPClient = .shared
    /// The session id sent with every request (set by ``initialize(version:)``).
    var session: String?
    /// The bearer token sent, if any.
    var token: String?
    var timeout: TimeAmount = .seconds(10 * Int64(TestTiming.slowdown))

    init(_ server: MockAIYouServer, client: HTTPClient = .shared, token: String? = nil) {
        self.url = server.mcpURL
        self.client = client
        self.token = token
    }

    /// A request to the endpoint with the session, the token, `Accept` for both types and, with
    /// a body, `Content-Type: application/json`; `headers` are added last (replacing).
    func request(_ method: HTTPMethod, body: String? = nil, headers: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: self.url)
        request.method = method
        request.headers.add(name: "Accept", value: method == .GET ? "text/event-stream" : Self.acceptBoth)
        if let session { request.headers.add(name: "Mcp-Session-Id", value: session) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        return request
    }

    /// Sends a request and collects the whole answer.
    func send(_ method: HTTPMethod = .POST, body: String? = nil, headers: [(String, String)] = []) async throws -> RawResponse {
        let response = try await self.client.execute(self.request(method, body: body, headers: headers), timeout: self.timeout)
        var collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return RawResponse(
            status: Int(response.status.code),
            headers: response.headers,
            body: collected.readBytes(length: collected.readableBytes) ?? []
        )
    }

    /// Sends a request and returns once the head is in, for the body to be read as it comes.
    func open(_ method: HTTPMethod = .POST, body: String? = nil, headers: [(String, String)] = []) async throws -> HTTPClientResponse {
        try await self.client.execute(self.request(method, body: body, headers: headers), timeout: .hours(1))
    }

    /// `initialize` with `version`, keeping the session id the server issued.
    @discardableResult
    mutating func initialize(version: String = "2025-06-18") async throws -> RawResponse {
        let body =
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#
        let response = try await self.send(body: body)
        self.session = response.header("Mcp-Session-Id")
        return response
    }

    /// Sends the request `id` calling `method` and returns the JSON-RPC response, read from the
    /// JSON body or from the last event of the stream.
    func call(_ id: Int, _ method: String, params: String = "{}") async throws -> [String: Any] {
        let response = try await self.send(body: #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        #expect(response.status == 200, "\(method): \(response.status) \(response.text)")
        return try Self.message(of: response)
    }

    /// Calls tool `name` with `arguments` and returns the JSON-RPC response.
    func callTool(_ id: Int, _ name: String, arguments: String = "{}") async throws -> [String: Any] {
        try await self.call(id, "tools/call", params: #"{"name":"\#(name)","arguments":\#(arguments)}"#)
    }

    /// Sends a notification; the answer should be 202.
    func notify(_ method: String, params: String = "{}") async throws -> RawResponse {
        try await self.send(body: #"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params)}"#)
    }

    /// The JSON-RPC response of an answer in either mode: the JSON body, or the data of the last
    /// event, which must be the response (it carries an `id`).
    static func message(of response: RawResponse) throws -> [String: Any] {
        if response.header("Content-Type") == "text/event-stream" {
            let last = try #require(MCPTestEvent.parse(response.text).last, "no event in \(response.text.prefix(200))")
            let message = try last.object()
            #expect(message["id"] != nil)
            return message
        }
        #expect(response.header("Content-Type") == "application/json")
        return try response.object()
    }

    /// The texts of the `text` contents of a `tools/call` response, and its `isError`.
    static func texts(_ message: [String: Any]) throws -> (texts: [String], isError: Bool?) {
        let result = try #require(message["result"] as? [String: Any], "no result: \(message)")
        let content = try #require(result["content"] as? [[String: Any]])
        return (content.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }, result["isError"] as? Bool)
    }

    /// The `error` of a JSON-RPC response: its code and message.
    static func error(_ message: [String: Any]) throws -> (code: Int, message: String) {
        let error = try #require(message["error"] as? [String: Any], "no error: \(message)")
        return (try #require(error["code"] as? Int), try #require(error["message"] as? String))
    }
}

/// Reads an event-stream body as it arrives.
struct MCPStreamReader {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    /// Everything received so far.
    private(set) var text = ""
    /// Whether the body ended normally.
    private(set) var ended = false
    /// The error the body ended with, if any (the connection closed mid-stream).
    private(set) var failure: (any Error)?

    init(_ response: HTTPClientResponse) {
        self.iterator = response.body.makeAsyncIterator()
    }

    /// The complete events received so far.
    var events: [MCPTestEvent] { MCPTestEvent.parse(self.text) }

    /// Reads until `condition` holds on the events received, or the body ends (normally or not).
    /// Returns whether the condition holds.
    @discardableResult
    mutating func read(until condition: ([MCPTestEvent]) -> Bool) async -> Bool {
        while !condition(self.events) {
            guard !self.ended, self.failure == nil else { return false }
            do {
                if let buffer = try await self.iterator.next() {
                    self.text += String(buffer: buffer)
                } else {
                    self.ended = true
                }
            } catch {
                self.failure = error
            }
        }
        return true
    }

    /// Reads to the end of the body.
    mutating func readToEnd() async {
        await self.read { _ in false }
    }
}
