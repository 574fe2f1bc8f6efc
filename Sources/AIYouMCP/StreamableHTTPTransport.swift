import AIYou
import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// MCP's Streamable HTTP transport for the SDK's `Client`, on AsyncHTTPClient, for Linux as well
/// as Apple platforms (the SDK's own HTTP transport reads event streams only on Apple platforms).
///
/// Every message is POSTed to the endpoint through the client's HTTP transport, so the same
/// limits and deadlines apply as to every other call: the answer's head within the request
/// timeout, then a JSON body of at most `Configuration.Limits.maxResponseBodyBytes`, or an
/// event stream read through the bounded SSE parser (events of at most
/// `Configuration.Limits.maxStreamEventBytes`) with the idle timeout between events.
///
/// - The `Mcp-Session-Id` of the `initialize` answer is sent with every later request, and the
///   session is deleted (`DELETE`) at ``disconnect()``.
/// - An event stream that breaks before the answer to its request is resumed with a `GET`
///   carrying `Last-Event-ID` when its events had ids, at most `reconnectAttempts` times.
/// - After `notifications/initialized`, a `GET` stream receives the server's own messages
///   (`notifications/tools/list_changed`), reopened with `Last-Event-ID` when it ends; a server
///   answering 405 offers none.
/// - A failure is thrown from ``send(_:)`` as ``MCPConnectionError``: the SDK's client then fails
///   the request that was sent. The stream of received messages ends only at ``disconnect()``
///   (the SDK's client reads it again whenever it ends).
actor StreamableHTTPTransport: MCP.Transport {
    struct Settings: Sendable {
        /// How long until the head of an answer.
        var requestTimeout: Duration
        /// How long an answer's body may stay silent.
        var eventTimeout: Duration
        /// How long the server's own `GET` stream may stay silent before it is reopened.
        var listenIdleTimeout: Duration = .seconds(300)
        var limits: Configuration.Limits
        /// How many times a broken answer stream is resumed with `Last-Event-ID`.
        var reconnectAttempts: Int
        /// Whether to open the `GET` stream for the server's own messages.
        var listens: Bool
        /// The longest pause before resuming a stream (a server's `retry:` is capped by it).
        var maxResumeDelay: Duration = .seconds(5)
    }

    nonisolated let logger: Logger
    private let server: String
    private let endpoint: MCPEndpoint
    private let http: AIYou.HTTPClientTransport
    private let fixedHeaders: HTTPHeaders
    private let settings: Settings
    private var sessionID: String?
    private var protocolVersion: String?
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    /// Every answer stream being read, to close at disconnect.
    private var openStreams: [Int: any EventStreamSource] = [:]
    private var nextStream = 0
    /// The exchanges of the requests in flight, by request id, to cancel when a call is given up.
    private var exchanges: [String: Task<Void, any Error>] = [:]
    private var listener: Task<Void, Never>?
    private var closed = false

    /// A transport to `endpoint` for the server named `server`. `headers` are sent with every
    /// request (the bearer token among them).
    init(server: String, endpoint: MCPEndpoint, headers: HTTPHeaders, httpClient: HTTPClient, settings: Settings, logger: Logger) {
        self.server = server
        self.endpoint = endpoint
        self.fixedHeaders = headers
        self.settings = settings
        self.logger = logger
        self.http = AIYou.HTTPClientTransport(http: httpClient, ownsHTTPClient: false, baseURL: endpoint.origin)
        (self.messages, self.continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {
        guard !closed else { throw MCPConnectionError(.closed, server: server, "the connection was closed") }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    func disconnect() async {
        guard !closed else { return }
        closed = true
        listener?.cancel()
        listener = nil
        for exchange in exchanges.values { exchange.cancel() }
        exchanges = [:]
        for source in openStreams.values { source.close() }
        openStreams = [:]
        if let sessionID {
            var headers = requestHeaders(accept: "application/json, text/event-stream")
            headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID)
            let request = transportRequest(method: .DELETE, headers: headers, body: .none, timeout: .seconds(2))
            if let answer = try? await http.send(request), case .stream(let source) = answer.body { source.close() }
            self.sessionID = nil
        }
        continuation.finish()
    }

    /// Stops the exchange of `requestID` (a call that timed out or was cancelled), whatever its
    /// phase: sending, waiting for the head, or reading the answer (not resumed).
    func abandon(requestID: String) {
        exchanges.removeValue(forKey: requestID)?.cancel()
    }

    func send(_ data: Data) async throws {
        guard !closed else { throw MCPConnectionError(.closed, server: server, "the connection was closed") }
        let head = MessageHead(data)
        guard head.isRequest, let id = head.idText, exchanges[id] == nil else { return try await post(data, head: head) }
        let exchange = Task { try await self.post(data, head: head) }
        exchanges[id] = exchange
        defer { if exchanges[id] == exchange { exchanges[id] = nil } }
        try await exchange.value
    }

    /// POSTs one message and hands what the server answers to the client.
    private func post(_ data: Data, head: MessageHead) async throws {
        var headers = requestHeaders(accept: "application/json, text/event-stream")
        headers.add(name: "Content-Type", value: "application/json")
        let sentSession = head.method != "initialize" && sessionID != nil
        let answer = try await exchange(
            transportRequest(method: .POST, headers: headers, body: .json(ByteBuffer(bytes: data)), timeout: settings.requestTimeout)
        )
        if head.method == "initialize", let id = answer.headers.first(name: "mcp-session-id") {
            guard id.utf8.count <= 256, id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                closeBody(of: answer)
                throw MCPConnectionError(.invalidAnswer, server: server, "the session id is not visible ASCII of at most 256 bytes")
            }
            sessionID = id
        }
        try checkStatus(of: answer, sentSession: sentSession)
        guard case .stream(let source) = answer.body else { return }
        let contentType = answer.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            try await readEvents(from: source, answering: head.isRequest ? head.idText : nil, isInitialize: head.method == "initialize")
        } else if contentType.hasPrefix("application/json") {
            let body = try await collect(source)
            if !body.isEmpty {
                if let problem = MessageHead(received: body).problem {
                    guard !head.isRequest else { throw notJSONRPC(problem, what: "the JSON answer") }
                    logger.warning("MCP server's answer skipped: not a JSON-RPC message", metadata: ["mcp.server": "\(server)"])
                } else {
                    if head.method == "initialize" { noteProtocolVersion(in: body) }
                    continuation.yield(body)
                }
            }
        } else {
            source.finish()
            if head.isRequest {
                throw MCPConnectionError(
                    .invalidAnswer,
                    server: server,
                    "the answer to a request has neither JSON nor an event stream (HTTP \(answer.status))"
                )
            }
        }
        if head.method == "notifications/initialized", settings.listens, listener == nil {
            listener = Task { await self.listen() }
        }
    }

    // MARK: - Requests

    private func requestHeaders(accept: String) -> HTTPHeaders {
        var headers = fixedHeaders
        headers.replaceOrAdd(name: "Accept", value: accept)
        if let sessionID { headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        return headers
    }

    private func transportRequest(method: HTTPMethod, headers: HTTPHeaders, body: APIRequest.Body, timeout: Duration) -> TransportRequest {
        TransportRequest(
            method: method,
            target: endpoint.target,
            headers: headers,
            body: body,
            accept: .anyBody,
            timeout: timeout,
            eventTimeout: settings.eventTimeout,
            limits: settings.limits
        )
    }

    /// Sends one request; a failure on the wire becomes an ``MCPConnectionError``.
    private func exchange(_ request: TransportRequest) async throws -> TransportResponse {
        do {
            return try await http.send(request)
        } catch let error as TransportError {
            throw connectionError(error)
        }
    }

    /// A failure on the wire as an ``MCPConnectionError``, its message naming the toolbox's own
    /// options (the core's reasons name the client's `timeouts`, which do not apply here).
    private func connectionError(_ error: TransportError) -> any Error {
        switch error.kind {
        case .cancelled: return CancellationError()
        case .connectTimeout: return MCPConnectionError(.timeout, server: server, error.reason)
        case .requestTimeout:
            return MCPConnectionError(.timeout, server: server, "no answer within \(settings.requestTimeout) (requestTimeout)")
        case .idleTimeout:
            return MCPConnectionError(
                .timeout,
                server: server,
                "the answer stayed silent for longer than \(settings.eventTimeout) (eventTimeout)"
            )
        case .tooLarge: return MCPConnectionError(.invalidAnswer, server: server, error.reason)
        case .invalidRequest: return MCPConnectionError(.invalidConfiguration, server: server, error.reason)
        case .shutdown: return MCPConnectionError(.closed, server: server, error.reason)
        case .broken where error.underlying is HTTPParserError:
            // The server reached, but what it sent is not HTTP (a header with control
            // characters, a malformed status line or chunk).
            return MCPConnectionError(.invalidAnswer, server: server, "the answer is not valid HTTP (malformed or cut off)")
        case .connectionFailed, .broken: return MCPConnectionError(.unreachable, server: server, error.reason)
        }
    }

    /// Throws for an error status, after reading what the server said (a bounded excerpt).
    private func checkStatus(of answer: TransportResponse, sentSession: Bool) throws {
        guard !(200..<300).contains(answer.status) else { return }
        let excerpt = Self.excerpt(answer.wholeBody)
        switch answer.status {
        case 401, 403:
            throw MCPConnectionError(.unauthorized, server: server, "the server refused the credentials (HTTP \(answer.status))")
        case 404 where sentSession:
            // The whole connection is replaced (a new initialize, on a new transport).
            throw MCPConnectionError(.sessionExpired, server: server, "the server no longer knows the session (HTTP 404)")
        default:
            throw MCPConnectionError(
                .httpStatus(answer.status),
                server: server,
                "HTTP \(answer.status)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
            )
        }
    }

    /// At most 200 bytes of an error body, on one line, with control characters escaped, and at
    /// most 240 bytes once escaped (each escape takes up to 6 bytes for 1).
    static func excerpt(_ body: ByteBuffer) -> String {
        let text = String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)
        let escaped = SafeText.escapingControlCharacters(text, keepingLineBreaks: false).trimmingCharacters(in: .whitespaces)
        return MCPHeaderCheck.printable(escaped, maxBytes: 240)
    }

    private func closeBody(of answer: TransportResponse) {
        if case .stream(let source) = answer.body { source.close() }
    }

    // MARK: - Answers

    /// A JSON body, whole, up to `Configuration.Limits.maxResponseBodyBytes`.
    private func collect(_ source: any EventStreamSource) async throws -> Data {
        let stream = register(source)
        defer { unregister(stream) }
        var body = Data()
        let limit = settings.limits.maxResponseBodyBytes
        do {
            while true {
                source.waitingForEvent()
                guard let piece = try await source.next() else { return body }
                guard piece.readableBytes <= limit - body.count else {
                    source.close()
                    throw MCPConnectionError(
                        .invalidAnswer,
                        server: server,
                        "a JSON answer is larger than \(limit) bytes (limits.maxResponseBodyBytes)"
                    )
                }
                body.append(contentsOf: piece.readableBytesView)
                source.eventDelivered()
            }
        } catch let error as TransportError {
            throw connectionError(error)
        }
    }

    /// Reads an event stream, handing each message to the client, until the answer to
    /// `requestID` came (or, without a request, to the stream's end). A stream that breaks first
    /// is resumed with `Last-Event-ID` when the server gave event ids.
    private func readEvents(from first: any EventStreamSource, answering requestID: String?, isInitialize: Bool) async throws {
        var source = first
        var lastEventID: String?
        var retry: Duration?
        var resumes = 0
        while true {
            var carried = 0
            let outcome = try await read(
                source,
                answering: requestID,
                isInitialize: isInitialize,
                lastEventID: &lastEventID,
                retry: &retry,
                carried: &carried
            )
            guard outcome != .answered, requestID != nil else { return }
            try Task.checkCancellation()
            let reason =
                outcome == .ended ? "the server ended the event stream before the answer" : "the connection broke before the answer"
            guard let lastEventID, resumes < settings.reconnectAttempts, !closed else {
                throw MCPConnectionError(.unreachable, server: server, reason)
            }
            resumes += 1
            let pause = min(retry ?? .milliseconds(100), settings.maxResumeDelay)
            try await Task.sleep(for: pause)
            var headers = requestHeaders(accept: "text/event-stream")
            headers.replaceOrAdd(name: "Last-Event-ID", value: lastEventID)
            let answer = try await exchange(transportRequest(method: .GET, headers: headers, body: .none, timeout: settings.requestTimeout))
            guard (200..<300).contains(answer.status), case .stream(let next) = answer.body,
                answer.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true
            else {
                closeBody(of: answer)
                throw MCPConnectionError(.unreachable, server: server, reason + "; resuming it was refused (HTTP \(answer.status))")
            }
            source = next
        }
    }

    private enum ReadOutcome: Equatable { case answered, ended, broken }

    private func read(
        _ source: any EventStreamSource,
        answering requestID: String?,
        isInitialize: Bool,
        lastEventID: inout String?,
        retry: inout Duration?,
        carried: inout Int
    ) async throws -> ReadOutcome {
        let stream = register(source)
        defer { unregister(stream) }
        var parser = SSEParser(maxEventBytes: settings.limits.maxStreamEventBytes)
        var events: [ServerSentEvent] = []
        var answered = false
        do {
            while !answered {
                source.waitingForEvent()
                guard let piece = try await source.next() else { break }
                events.removeAll(keepingCapacity: true)
                try parser.parse(piece) { events.append($0) }
                for event in events {
                    let answers = try deliver(
                        event,
                        answering: requestID,
                        isInitialize: isInitialize,
                        lastEventID: &lastEventID,
                        retry: &retry
                    )
                    answered = answered || answers
                }
                carried += events.count { !$0.data.isEmpty }
                if !events.isEmpty { source.eventDelivered() }
            }
            if answered {
                source.finish()
                return .answered
            }
            events.removeAll(keepingCapacity: true)
            try parser.finish { events.append($0) }
            for event in events {
                let answers = try deliver(event, answering: requestID, isInitialize: isInitialize, lastEventID: &lastEventID, retry: &retry)
                answered = answered || answers
            }
            return answered ? .answered : .ended
        } catch let error as MCPConnectionError {
            source.close()
            throw error
        } catch let error as SSEParser.TooLarge {
            source.close()
            throw MCPConnectionError(
                .invalidAnswer,
                server: server,
                "an event is larger than \(error.limit) bytes (limits.maxStreamEventBytes); the stream was closed"
            )
        } catch let error as TransportError {
            source.close()
            switch error.kind {
            case .broken, .connectionFailed: return .broken
            default: throw connectionError(error)
            }
        }
    }

    /// Hands one event's message to the client; `true` when it answers `requestID`. An event
    /// that is not a JSON-RPC message (see ``MessageHead/problem``) fails the stream of a request
    /// (throws ``MCPConnectionError``, kind invalid answer), and is skipped on the server's own
    /// stream: the SDK's client would drop it and leave the request waiting for its deadline.
    private func deliver(
        _ event: ServerSentEvent,
        answering requestID: String?,
        isInitialize: Bool,
        lastEventID: inout String?,
        retry: inout Duration?
    ) throws(MCPConnectionError) -> Bool {
        if let id = event.id { lastEventID = id.isEmpty ? nil : id }
        if let milliseconds = event.retry { retry = .milliseconds(milliseconds) }
        guard !event.data.isEmpty, event.type == nil || event.type == "message" else { return false }
        let data = Data(event.data)
        let head = MessageHead(received: data)
        if let problem = head.problem {
            guard requestID == nil else { throw notJSONRPC(problem, what: "an event of the answer") }
            logger.warning("MCP server's event skipped: not a JSON-RPC message", metadata: ["mcp.server": "\(server)"])
            return false
        }
        if isInitialize, head.isResponse { noteProtocolVersion(in: data) }
        continuation.yield(data)
        return requestID != nil && head.isResponse && head.idText == requestID
    }

    /// The error of a message that is not JSON-RPC: `what` (`an event of the answer`) and why.
    private func notJSONRPC(_ problem: String, what: String) -> MCPConnectionError {
        MCPConnectionError(.invalidAnswer, server: server, "\(what) is not a JSON-RPC message (\(problem)); the answer was abandoned")
    }

    private func noteProtocolVersion(in data: Data) {
        struct Answer: Decodable {
            struct Result: Decodable { var protocolVersion: String? }
            var result: Result?
        }
        guard let version = (try? JSONDecoder().decode(Answer.self, from: data))?.result?.protocolVersion,
            version.utf8.count <= 32, version.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { return }
        protocolVersion = version
    }

    private func register(_ source: any EventStreamSource) -> Int {
        nextStream += 1
        openStreams[nextStream] = source
        return nextStream
    }

    private func unregister(_ stream: Int) {
        openStreams[stream] = nil
    }

    // MARK: - The server's own stream

    /// Keeps a `GET` stream open for the server's messages until disconnect: reopened (with
    /// `Last-Event-ID`) when it ends or goes silent, after a growing pause when it fails; given up
    /// after 8 failures in a row, or at once when the server answers 405 (it offers none).
    private func listen() async {
        var lastEventID: String?
        var retry: Duration?
        var failures = 0
        while !closed, !Task.isCancelled {
            var headers = requestHeaders(accept: "text/event-stream")
            if let lastEventID { headers.replaceOrAdd(name: "Last-Event-ID", value: lastEventID) }
            var request = transportRequest(method: .GET, headers: headers, body: .none, timeout: settings.requestTimeout)
            request.eventTimeout = settings.listenIdleTimeout
            do {
                let answer = try await exchange(request)
                if answer.status == 405 {
                    closeBody(of: answer)
                    return
                }
                guard (200..<300).contains(answer.status), case .stream(let source) = answer.body,
                    answer.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true
                else {
                    closeBody(of: answer)
                    throw MCPConnectionError(.httpStatus(answer.status), server: server, "the server's event stream was refused")
                }
                var carried = 0
                _ = try await read(source, answering: nil, isInitialize: false, lastEventID: &lastEventID, retry: &retry, carried: &carried)
                // A stream that ends having carried nothing counts as a failure: a server that
                // ends every stream at once is not asked again in a tight loop.
                guard carried == 0 else {
                    failures = 0
                    continue
                }
                throw MCPConnectionError(.unreachable, server: server, "the server's event stream ended empty")
            } catch is CancellationError {
                return
            } catch let error as MCPConnectionError where error.kind == .timeout {
                // A silent stream is reopened at once.
                continue
            } catch {
                failures += 1
                guard failures < 8 else {
                    logger.warning("MCP server's event stream given up after 8 failures", metadata: ["mcp.server": "\(server)"])
                    return
                }
            }
            let backoff = Duration.milliseconds(250 << min(failures, 7))
            try? await Task.sleep(for: min(max(retry ?? .zero, backoff), .seconds(30)))
        }
    }
}

/// What the client needs to know of a JSON-RPC message it sends or receives: its id and method,
/// and, for a message received, why it is not one the client can read.
struct MessageHead {
    var idText: String?
    var method: String?
    var isResponse: Bool
    /// Why received data is not a JSON-RPC message: nested deeper than `JSONValue.maxDepth` or
    /// holding too many values (``JSONGuard``), not JSON, not a JSON-RPC object, or neither a
    /// request, a notification nor a response; `nil` for a message or a batch.
    var problem: String?

    var isRequest: Bool { idText != nil && method != nil }

    private struct Fields: Decodable {
        var id: ID?
        var method: String?
        var result: IgnoredValue?
        var error: IgnoredValue?
    }

    /// The head of a message the client sends (made by the SDK: read as it is).
    init(_ data: Data) {
        let fields = try? JSONDecoder().decode(Fields.self, from: data)
        self.init(fields)
    }

    /// The head of a message received from the server: ``JSONGuard`` checks it before anything
    /// decodes it (Foundation's decoder and the SDK's values recurse once per level), then what
    /// is not a message gets its ``problem``.
    init(received data: Data) {
        let violation = data.withUnsafeBytes { bytes -> JSONGuard.Violation? in
            do throws(JSONGuard.Violation) {
                try JSONGuard.check(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let violation {
            self.init(nil)
            self.problem = violation.description
            return
        }
        let decoder = JSONDecoder()
        guard let fields = try? decoder.decode(Fields.self, from: data) else {
            self.init(nil)
            // A batch (an array) is left to the SDK's client.
            guard (try? decoder.decode([IgnoredValue].self, from: data)) == nil else { return }
            self.problem = (try? decoder.decode(IgnoredValue.self, from: data)) == nil ? "not JSON" : "not a JSON-RPC object"
            return
        }
        self.init(fields)
        if fields.method == nil, fields.result == nil, fields.error == nil {
            self.problem = "neither a request, a notification nor a response"
        }
    }

    private init(_ fields: Fields?) {
        self.idText = fields?.id?.description
        self.method = fields?.method
        self.isResponse = fields?.method == nil && fields?.id != nil && (fields?.result != nil || fields?.error != nil)
    }
}

/// Any JSON value, skipped.
private struct IgnoredValue: Decodable {
    init(from decoder: any Decoder) throws {}
}
