import NIOConcurrencyHelpers

/// Inspection and control for tests. Every member is thread-safe and can be used while
/// requests are in flight.
extension MockAIYouServer {
    /// The number of requests received on `route` since start or ``resetCounters()``,
    /// including refused and faulted ones.
    public func requestCount(_ route: MockRoute) -> Int {
        self.state.recorder.count(for: route)
    }

    /// The number of requests received on all routes (requests to unknown paths are not counted).
    public var totalRequestCount: Int {
        self.state.recorder.total
    }

    /// The last 100 requests received on `route`, oldest first.
    public func recordedRequests(_ route: MockRoute) -> [RecordedRequest] {
        self.state.recorder.recent(for: route)
    }

    /// Sets the request counts, the recorded requests, ``issuedTokenCount`` and
    /// ``connectionsOpened`` back to zero, and starts the windows and the usage of the shared
    /// quota (``sharedQuotaUsage``) again from now, its limits unchanged. Tokens, threads,
    /// models, queued and persistent faults, the random failure rate, ``lastUpload`` and
    /// ``secretsSeen`` are kept. The MCP counters (``mcpRequestCount(method:)``,
    /// ``mcpCancelledRequestIDs``, ``mcpDeletedSessionCount``) go back to zero too; its sessions
    /// and tools are kept.
    public func resetCounters() {
        self.state.recorder.reset()
        self.state.mcp.resetCounters()
        self.state.tokens.resetIssuedCount()
        self.state.connections.resetOpenedCount()
        self.state.sharedQuota.restart()
    }

    /// The quota shared by every caller of the server (see ``MockSharedQuota``), or `nil` for
    /// none; it starts as ``MockServerConfiguration/sharedQuota``.
    ///
    /// Setting it, even to the value it has, starts its windows and its usage
    /// (``sharedQuotaUsage``) again from now; requests already admitted keep their answers, and
    /// the output tokens of those still being answered are not charged to the new quota.
    /// Setting `nil` removes the quota: answers lose its headers and nothing is refused.
    public var sharedQuota: MockSharedQuota? {
        get { self.state.sharedQuota.quota }
        set { self.state.sharedQuota.set(newValue) }
    }

    /// What the callers used of the shared quota since it was set (or since
    /// ``resetCounters()``): requests admitted and refused, output tokens charged, windows in
    /// which someone called, and the time elapsed; `nil` when no quota is set.
    public var sharedQuotaUsage: MockSharedQuotaUsage? {
        self.state.sharedQuota.usage
    }

    /// The response shape of the AI.YOU routes; changing it affects the requests that arrive
    /// afterwards. The LLMaaS routes have one shape.
    public var shape: MockResponseShape {
        get { self.state.settings.withLockedValue { $0.shape } }
        set { self.state.settings.withLockedValue { $0.shape = newValue } }
    }

    /// Whether non-streaming AI.YOU chat requests are refused with the "Stream options" error.
    public var requireStreaming: Bool {
        get { self.state.settings.withLockedValue { $0.requireStreaming } }
        set { self.state.settings.withLockedValue { $0.requireStreaming = newValue } }
    }

    /// Whether LLMaaS chat requests carrying `stream_options` are refused with 400 (see
    /// ``MockServerConfiguration/refusesStreamOptions``).
    public var refusesStreamOptions: Bool {
        get { self.state.settings.withLockedValue { $0.refusesStreamOptions } }
        set { self.state.settings.withLockedValue { $0.refusesStreamOptions = newValue } }
    }

    /// Whether an LLMaaS stream's usage rides on its finish chunk (see
    /// ``MockServerConfiguration/usageOnFinishChunk``).
    public var usageOnFinishChunk: Bool {
        get { self.state.settings.withLockedValue { $0.usageOnFinishChunk } }
        set { self.state.settings.withLockedValue { $0.usageOnFinishChunk = newValue } }
    }

    /// The number of content chunks in a streamed answer (at least 1 is used).
    public var streamChunkCount: Int {
        get { self.state.settings.withLockedValue { $0.streamChunkCount } }
        set { self.state.settings.withLockedValue { $0.streamChunkCount = newValue } }
    }

    /// The pause between streamed events.
    public var streamChunkInterval: Duration {
        get { self.state.settings.withLockedValue { $0.streamChunkInterval } }
        set { self.state.settings.withLockedValue { $0.streamChunkInterval = newValue } }
    }

    /// Queues faults for `route`: each following request to it consumes one, in order, then
    /// normal answers resume (or the persistent fault, see ``setPersistentFault(_:for:)``).
    ///
    /// - Parameters:
    ///   - faults: The faults, in the order requests meet them.
    ///   - route: The route they apply to.
    public func enqueueFaults(_ faults: [MockFault], for route: MockRoute) {
        self.state.faults.enqueue(faults, for: route)
    }

    /// Sets a fault that every request to `route` meets once the faults queued for it are used
    /// up, until it is replaced or cleared with `nil`.
    ///
    /// A request meets, in this order: the next queued fault of its route
    /// (``enqueueFaults(_:for:)``), else the route's persistent fault, else a random failure
    /// (``setRandomFailureRate(_:status:seed:)``), else no fault. A persistent fault is never
    /// used up and survives ``resetCounters()``.
    ///
    /// - Parameters:
    ///   - fault: The fault, or `nil` to clear the route's persistent fault.
    ///   - route: The route it applies to.
    public func setPersistentFault(_ fault: MockFault?, for route: MockRoute) {
        self.state.faults.setPersistent(fault, for: route)
    }

    /// Answers a random fraction of all requests except logins with `status` (after queued
    /// and persistent faults). The draw is reproducible for a given seed; a rate of 0 turns it off.
    ///
    /// - Parameters:
    ///   - rate: The fraction of requests to fail, from 0 to 1.
    ///   - status: The status of the failed answers.
    ///   - seed: The seed of the random draw.
    public func setRandomFailureRate(_ rate: Double, status: Int = 503, seed: UInt64 = 42) {
        self.state.faults.setRandomFailureRate(rate, status: status, seed: seed)
    }

    /// Expires every token issued so far: requests using them get 401 "Expired JWT Token".
    /// API keys and tokens issued later are not affected.
    public func expireAllTokens() {
        self.state.tokens.expireAll()
    }

    /// Every secret the server has seen since it started, sorted and without duplicates: each
    /// bearer value received in an `Authorization` header (on any route, before any fault or
    /// check), each `email` and `password` received by `POST /api/login`, and each token a login
    /// issued. Tests look for these in a client's logs and errors instead of asking the client
    /// what it holds. ``resetCounters()`` keeps them; at most 65,536 distinct values are kept.
    public var secretsSeen: [String] {
        self.state.secrets.sorted
    }

    /// The number of successful logins since start or ``resetCounters()``.
    public var issuedTokenCount: Int {
        self.state.tokens.issuedCount
    }

    /// What the server saw of the last successful audio upload, on either transcription route.
    public var lastUpload: UploadRecord? {
        self.state.lastUpload.withLockedValue { $0 }
    }

    /// The number of stored threads.
    public var threadCount: Int {
        self.state.threads.count
    }

    /// TCP connections accepted since start or ``resetCounters()``.
    public var connectionsOpened: Int {
        self.state.connections.openedCount
    }

    /// TCP connections open right now.
    public var openConnections: Int {
        self.state.connections.openCount
    }
}
