import Hummingbird
import NIOCore

/// The HTTP answers of the hostile modes that replace a whole answer (``MockMCPHostility``): an
/// error page, a body of the wrong type, and the `tools/call` answers that are garbage, endless
/// or silent.
struct MCPHostileAnswers: Sendable {
    let state: MockServerState

    private var mcp: MCPState { self.state.mcp }

    /// The answer to the JSON-RPC request `id` calling `method` in `session` (checked) under
    /// `hostility`, or `nil` when the hostility does not take this request over.
    func request(id: JSONValue, method: String, session: String, hostility: MockMCPHostility?, context: MockRequestContext) -> Response? {
        switch hostility {
        case .wrongContentType?:
            return Self.plainText()
        case .garbageEvents?, .endlessNotifications?, .silentAnswer?:
            guard method == "tools/call" else { return nil }
            let watch = ClientWatch(state: self.state, channel: context.channel)
            let call = Call(mcp: self.mcp, session: session, requestID: id.identifierValue ?? "", watch: watch)
            switch hostility {
            case .garbageEvents?: return call.garbageEvents()
            case .endlessNotifications?: return call.endlessNotifications()
            default: return call.silence(json: self.mcp.configuration.answers == .json)
            }
        default:
            return nil
        }
    }

    // MARK: Whole answers

    /// The size of the error page's filler.
    static let errorPageBytes = 100 * 1024

    /// ``MockMCPHostility/errorPage(status:)``: an HTML page of more than 100 KB full of escape
    /// sequences.
    static func errorPage(status code: Int) -> Response {
        let status = MockResponses.statusWithBody(code: code)
        let title = "\(status.code) Upstream Failure"
        var body = ByteBuffer()
        body.reserveCapacity(Self.errorPageBytes + 1024)
        // Colour resets first: escaped, they grow the page's first bytes more than fourfold.
        body.writeString(String(repeating: "\u{1B}[0m", count: 64))
        body.writeString("<!DOCTYPE html>\r\n<html><head><title>\u{1B}[2J\u{1B}[H\u{1B}]0;owned\u{07}\(title)</title></head>\r\n")
        body.writeString("<body>\u{1B}[31;1m<h1>\(title)</h1>\u{1B}[0m\r\n")
        let line = "<p>\u{1B}[7mThe upstream server\u{1B}[0m did not answer.\r\u{1B}[1A\u{1B}[2K Lorem ipsum dolor sit amet.</p>\r\n"
        while body.readableBytes < Self.errorPageBytes {
            body.writeString(line)
        }
        body.writeString("</body></html>\r\n")
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// ``MockMCPHostility/badSessionID(_:)``: the `Mcp-Session-Id` field with the flawed value,
    /// its control characters kept as they are (only line breaks and NUL would be replaced).
    static func sessionIDField(_ flaw: MockMCPHostility.SessionIDFlaw) -> HTTPFields.Element {
        let value: String
        switch flaw {
        case .controlCharacters: value = "\u{1B}[31mevil\u{1B}[0m\u{07}session\u{7F}0123456789abcdef"
        case .permittedControlCharacters: value = "\u{9B}31mevil\u{9B}0m\tsession0123456789abcdef"
        case .tooLong: value = String(repeating: "0123456789abcdef", count: 640)
        }
        return HTTPFields.Element(name: MCPHeaders.sessionID, lenientValue: Array(value.utf8))
    }

    /// ``MockMCPHostility/wrongContentType``: 200 with a `text/plain` body.
    static func plainText() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "Hello! This is neither JSON \u{1B}[31mnor an event stream\u{1B}[0m.\n"))
        )
    }

    // MARK: Tool calls

    /// A hostile answer to one `tools/call`, registered as a call in flight while its body is
    /// written (``MockAIYouServer/mcpToolCallsInFlight``).
    private struct Call: Sendable {
        let mcp: MCPState
        let session: String
        let requestID: String
        let watch: ClientWatch

        /// The lines of ``MockMCPHostility/garbageEvents``, each the data of one event.
        static let garbage = [
            "this is not JSON",
            #"{"jsonrpc":"2.0","id":"#,
            "\u{1B}[31m<html>\u{1B}[0m\u{07}",
            "[1, 2, 3",
        ]

        /// How often ``MockMCPHostility/endlessNotifications`` sends one.
        static let notificationInterval: Duration = .milliseconds(10)

        /// Runs `body` as the call in flight.
        private func running(_ body: () async throws -> Void) async throws {
            let token = self.mcp.beginCall(session: self.session, requestID: self.requestID)
            defer { self.mcp.endCall(token) }
            try await body()
        }

        /// Events of non-JSON data without ids, then the end of the stream.
        func garbageEvents() -> Response {
            Response(
                status: .ok,
                headers: MCPHeaders.eventStreamFields,
                body: ResponseBody { writer in
                    try await self.running {
                        for line in Self.garbage {
                            try await writer.write(ByteBuffer(string: "data: \(line)\n\n"))
                        }
                    }
                    try await writer.finish(nil)
                }
            )
        }

        /// `notifications/message` events until the client goes away or the server stops
        /// (`notifications/cancelled` is ignored).
        func endlessNotifications() -> Response {
            let mcp = self.mcp
            let session = self.session
            let watch = self.watch
            return Response(
                status: .ok,
                headers: MCPHeaders.eventStreamFields,
                body: ResponseBody { writer in
                    try await self.running {
                        var events = MCPStreamEvents(mcp: mcp, session: session)
                        try await watch.guarding {
                            var count = 0
                            while !watch.isAbandoned {
                                count += 1
                                let notice = MCPReplies.notification(
                                    "notifications/message",
                                    params: ["level": "info", "logger": "endless", "data": .string("still working (\(count))")]
                                )
                                try await writer.write(events.next(notice))
                                try await Task.sleep(for: Self.notificationInterval)
                            }
                        }
                    }
                    throw ConnectionDroppedError()
                }
            )
        }

        /// The head of an answer (JSON or an event stream), then nothing until the client goes
        /// away or the server stops (`notifications/cancelled` is ignored).
        func silence(json: Bool) -> Response {
            let watch = self.watch
            return Response(
                status: .ok,
                headers: json ? [.contentType: MCPHeaders.json] : MCPHeaders.eventStreamFields,
                body: ResponseBody { _ in
                    try await self.running {
                        while !watch.isAbandoned {
                            try await Task.sleep(for: ConnectionControl.pollInterval)
                        }
                    }
                    try? await watch.channel.close()
                    throw ConnectionDroppedError()
                }
            )
        }
    }
}
