import Hummingbird
import NIOCore

/// Turns the answer to a JSON-RPC request into an HTTP response, in either answer mode
/// (``MockMCPAnswerMode``).
struct MCPAnswerWriter: Sendable {
    let state: MockServerState
    /// The session of the request (`""` without sessions).
    let session: String
    /// The request's connection.
    let watch: ClientWatch
    /// Header fields to add to the answer (the new `Mcp-Session-Id` of `initialize`).
    let headers: HTTPFields

    /// An `application/json` answer holding the response; when there is none (a cancelled or
    /// abandoned call, the `disconnect` tool) the connection is closed without an answer.
    func json(_ produce: @Sendable () async -> MCPAnswer) async -> Response {
        switch await produce() {
        case .response(let message):
            return MockResponses.json(message, headers: self.headers)
        case .serialized(let text):
            var fields = self.headers
            fields[.contentType] = MockResponses.jsonContentType
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .nothing, .disconnect:
            return await ConnectionControl(state: self.state).drop(self.watch.channel)
        }
    }

    /// A `text/event-stream` answer: the `leading` notifications, then the response, each as
    /// one event, then the end of the stream. With no response (a cancelled call, a stopping
    /// server) the stream ends without one; the `disconnect` tool's notice is sent, its answer
    /// kept, and the connection closed.
    func eventStream(leading: [JSONValue], _ produce: @escaping @Sendable () async -> MCPAnswer) -> Response {
        var fields = MCPHeaders.eventStreamFields
        fields.append(contentsOf: self.headers)
        let mcp = self.state.mcp
        let session = self.session
        let watch = self.watch
        return Response(
            status: .ok,
            headers: fields,
            body: ResponseBody { writer in
                var events = MCPStreamEvents(mcp: mcp, session: session)
                for message in leading {
                    try await writer.write(events.next(message))
                }
                switch await produce() {
                case .response(let message):
                    try await writer.write(events.next(message))
                case .serialized(let text):
                    try await writer.write(events.next(serialized: text))
                case .nothing:
                    if watch.isClientGone { throw ConnectionDroppedError() }
                case .disconnect(let notice, let kept):
                    try await writer.write(events.next(notice))
                    events.keepUnsent(kept)
                    try? await watch.channel.close()
                    throw ConnectionDroppedError()
                }
                try await writer.finish(nil)
            }
        )
    }
}
