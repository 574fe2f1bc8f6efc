import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Everything the MCP endpoint keeps between requests: the sessions and the events they keep
/// for resumption, the tools, the calls being executed, the open server streams, and the
/// counters tests read. Thread-safe.
///
/// Without sessions (``MockMCPConfiguration/usesSessions`` `false`) every request belongs to
/// one implicit session whose key is `""`, which is never ended.
final class MCPState: Sendable {
    /// The most sessions kept: creating one more ends the oldest.
    static let maxSessions = 1_000
    /// The most cancelled request ids kept for ``cancelledRequestIDs`` (the oldest are dropped).
    static let maxCancelledIDs = 1_000

    /// An open server stream (`GET`): where its events go.
    private struct ServerStream {
        let session: String
        let stream: Int
        var lastNumber = 0
        let continuation: AsyncStream<ByteBuffer>.Continuation
    }

    private struct Store {
        var methodCounts: [String: Int] = [:]
        var cancelledRequestIDs: [String] = []
        var deletedSessionCount = 0
        /// The live sessions and the events each keeps.
        var sessions: [String: MCPReplayBuffer] = [:]
        /// The live sessions, oldest first.
        var sessionOrder: [String] = []
        /// The events kept without sessions.
        var statelessReplay = MCPReplayBuffer()
        var tools = MCPTool.builtIn
        var calls: [ObjectIdentifier: MCPCallToken] = [:]
        var serverStreams: [Int: ServerStream] = [:]
        var nextRegistration = 0
        var hostility: MockMCPHostility?

        /// Unregisters the server streams of `session` and returns them, to be ended.
        mutating func detachServerStreams(of session: String) -> [AsyncStream<ByteBuffer>.Continuation] {
            let registrations = self.serverStreams.filter { $0.value.session == session }
            for key in registrations.keys { self.serverStreams[key] = nil }
            return registrations.values.map(\.continuation)
        }
    }

    /// The configuration the server started with.
    let configuration: MockMCPConfiguration
    /// The endpoint's path, with its leading `/`.
    let path: String
    private let store = NIOLockedValueBox(Store())
    private let streamCounter = Atomic<Int>(0)

    init(configuration: MockMCPConfiguration) {
        self.configuration = configuration
        self.path = configuration.path.hasPrefix("/") ? configuration.path : "/" + configuration.path
        self.store.withLockedValue { $0.hostility = configuration.hostility }
    }

    /// How the server attacks its client now (``MockMCPConfiguration/hostility`` at start).
    var hostility: MockMCPHostility? {
        get { self.store.withLockedValue { $0.hostility } }
        set { self.store.withLockedValue { $0.hostility = newValue } }
    }

    // MARK: Counters

    /// Counts one message carrying `method`.
    func count(method: String) {
        self.store.withLockedValue { $0.methodCounts[method, default: 0] += 1 }
    }

    /// The messages received with `method`.
    func messageCount(method: String) -> Int {
        self.store.withLockedValue { $0.methodCounts[method, default: 0] }
    }

    /// The request ids named by the `notifications/cancelled` received, oldest first.
    var cancelledRequestIDs: [String] {
        self.store.withLockedValue { $0.cancelledRequestIDs }
    }

    /// The sessions ended by `DELETE`.
    var deletedSessionCount: Int {
        self.store.withLockedValue { $0.deletedSessionCount }
    }

    /// The `tools/call` being executed.
    var callsInFlight: Int {
        self.store.withLockedValue { $0.calls.count }
    }

    /// The server streams (`GET`) open.
    var openServerStreamCount: Int {
        self.store.withLockedValue { $0.serverStreams.count }
    }

    /// Sets the message counts, the cancelled ids and the deleted-session count back to zero.
    func resetCounters() {
        self.store.withLockedValue { store in
            store.methodCounts = [:]
            store.cancelledRequestIDs = []
            store.deletedSessionCount = 0
        }
    }

    // MARK: Sessions

    /// What a request's `Mcp-Session-Id` is worth.
    enum SessionLookup: Equatable {
        /// A live session (`""` without sessions).
        case found(String)
        /// The request carries no session id.
        case missing
        /// The id names no live session (never issued, ended or dropped).
        case unknown
    }

    /// Looks up the session a request names; without sessions every request has the implicit one.
    func lookUpSession(_ header: String?) -> SessionLookup {
        guard self.configuration.usesSessions else { return .found("") }
        guard let header, !header.isEmpty else { return .missing }
        return self.store.withLockedValue { $0.sessions[header] != nil } ? .found(header) : .unknown
    }

    /// Starts a session and returns its id: 32 random hexadecimal digits. Beyond
    /// ``maxSessions`` the oldest session ends (its server streams with it).
    func createSession() -> String {
        let id = Self.randomHex() + Self.randomHex()
        let ended = self.store.withLockedValue { store in
            store.sessions[id] = MCPReplayBuffer()
            store.sessionOrder.append(id)
            var ended: [AsyncStream<ByteBuffer>.Continuation] = []
            while store.sessionOrder.count > Self.maxSessions {
                let oldest = store.sessionOrder.removeFirst()
                store.sessions[oldest] = nil
                ended += store.detachServerStreams(of: oldest)
            }
            return ended
        }
        for continuation in ended { continuation.finish() }
        return id
    }

    /// Ends a session (its server streams with it) and counts it; `false` when it was not live.
    func deleteSession(_ id: String) -> Bool {
        let ended: [AsyncStream<ByteBuffer>.Continuation]? = self.store.withLockedValue { store in
            guard store.sessions.removeValue(forKey: id) != nil else { return nil }
            store.sessionOrder.removeAll { $0 == id }
            store.deletedSessionCount += 1
            return store.detachServerStreams(of: id)
        }
        guard let ended else { return false }
        for continuation in ended { continuation.finish() }
        return true
    }

    /// Forgets every session, as a restarted server would (not counted as deleted): later
    /// requests naming one get 404, and their server streams end.
    func forgetSessions() {
        let ended = self.store.withLockedValue { store in
            let sessions = store.sessionOrder
            store.sessions = [:]
            store.sessionOrder = []
            return sessions.flatMap { store.detachServerStreams(of: $0) }
        }
        for continuation in ended { continuation.finish() }
    }

    private static func randomHex() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: Events

    /// A new stream number, for the event ids of one answer or server stream.
    func nextStreamNumber() -> Int {
        self.streamCounter.add(1, ordering: .relaxed).newValue
    }

    /// Keeps `event` for resumption in `session`, when the streams are resumable and the
    /// session is live.
    func keep(_ event: MCPEvent, session: String) {
        guard self.configuration.resumable else { return }
        self.store.withLockedValue { store in
            if session.isEmpty {
                store.statelessReplay.keep(event)
            } else {
                store.sessions[session]?.keep(event)
            }
        }
    }

    /// The events `session` kept after `lastEventID` on that event's stream; none when the
    /// streams are not resumable.
    func replay(after lastEventID: String, session: String) -> [MCPEvent] {
        guard self.configuration.resumable else { return [] }
        return self.store.withLockedValue { store in
            let buffer = session.isEmpty ? store.statelessReplay : store.sessions[session]
            return buffer?.events(after: lastEventID) ?? []
        }
    }

    // MARK: Server streams

    /// Registers a server stream of `session` whose events go to `continuation`; `nil` when the
    /// session has ended meanwhile.
    func openServerStream(session: String, continuation: AsyncStream<ByteBuffer>.Continuation) -> Int? {
        let stream = self.nextStreamNumber()
        return self.store.withLockedValue { store in
            guard session.isEmpty || store.sessions[session] != nil else { return nil }
            let registration = store.nextRegistration
            store.nextRegistration += 1
            store.serverStreams[registration] = ServerStream(session: session, stream: stream, continuation: continuation)
            return registration
        }
    }

    /// Unregisters a server stream (it may have been unregistered already).
    func closeServerStream(_ registration: Int) {
        _ = self.store.withLockedValue { $0.serverStreams.removeValue(forKey: registration) }
    }

    /// Sends `message` on every open server stream, as the next event of each (kept for
    /// resumption in its session).
    private func broadcast(_ message: JSONValue, in store: inout Store) {
        let data = message.serialized
        let resumable = self.configuration.resumable
        for key in Array(store.serverStreams.keys) {
            guard var stream = store.serverStreams[key] else { continue }
            stream.lastNumber += 1
            store.serverStreams[key] = stream
            let event = MCPEvent(stream: stream.stream, number: stream.lastNumber, data: data)
            if resumable {
                if stream.session.isEmpty {
                    store.statelessReplay.keep(event)
                } else {
                    store.sessions[stream.session]?.keep(event)
                }
            }
            // Under the lock, so that every stream gets its events in the order of their numbers.
            stream.continuation.yield(event.framed(withID: resumable))
        }
    }

    // MARK: Tools

    /// The tools, in the order `tools/list` gives them: the server's, then those of the
    /// hostility, if any (``MCPHostileTools``).
    var tools: [MCPTool] {
        let (tools, hostility) = self.store.withLockedValue { ($0.tools, $0.hostility) }
        return tools + MCPHostileTools.extraTools(hostility)
    }

    /// The tool named `name`, if any.
    func tool(named name: String) -> MCPTool? {
        self.tools.first { $0.name == name }
    }

    /// Adds `tool` (in place of a tool of the same name, else last) and sends
    /// `notifications/tools/list_changed` on every open server stream.
    func setTool(_ tool: MCPTool) {
        self.store.withLockedValue { store in
            if let index = store.tools.firstIndex(where: { $0.name == tool.name }) {
                store.tools[index] = tool
            } else {
                store.tools.append(tool)
            }
            self.broadcast(MCPReplies.notification("notifications/tools/list_changed"), in: &store)
        }
    }

    /// Removes the tool named `name`, if there is one, and then sends
    /// `notifications/tools/list_changed` on every open server stream.
    func removeTool(named name: String) {
        self.store.withLockedValue { store in
            let before = store.tools.count
            store.tools.removeAll { $0.name == name }
            guard store.tools.count != before else { return }
            self.broadcast(MCPReplies.notification("notifications/tools/list_changed"), in: &store)
        }
    }

    // MARK: Calls

    /// Registers a `tools/call` being executed.
    func beginCall(session: String, requestID: String) -> MCPCallToken {
        let token = MCPCallToken(session: session, requestID: requestID)
        self.store.withLockedValue { $0.calls[ObjectIdentifier(token)] = token }
        return token
    }

    /// Unregisters a call once it has ended, answered or not.
    func endCall(_ token: MCPCallToken) {
        _ = self.store.withLockedValue { $0.calls.removeValue(forKey: ObjectIdentifier(token)) }
    }

    /// Records a `notifications/cancelled` naming `requestID` in `session`, and tells the
    /// matching call being executed, if any, to stop.
    func cancel(requestID: String, session: String) {
        self.store.withLockedValue { store in
            store.cancelledRequestIDs.append(requestID)
            if store.cancelledRequestIDs.count > Self.maxCancelledIDs {
                store.cancelledRequestIDs.removeFirst(store.cancelledRequestIDs.count - Self.maxCancelledIDs)
            }
            for token in store.calls.values where token.session == session && token.requestID == requestID {
                token.cancel()
            }
        }
    }
}
