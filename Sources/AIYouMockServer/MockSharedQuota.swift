/// One account's quota, shared by every caller of a ``MockAIYouServer``: how many requests and
/// how many output tokens the server admits per fixed window of time, whoever sends them.
///
/// Set it with ``MockServerConfiguration/sharedQuota`` or, on a running server, with
/// ``MockAIYouServer/sharedQuota``. Windows follow one another from the moment the quota is set
/// (for a configured quota, the moment the server starts listening), on a monotonic clock. Every
/// authenticated request of either service counts (chat, embeddings, rerank, models, assistants,
/// threads, audio, batches…); `POST /api/login` does not. A request that arrives once its
/// window's requests are spent, or once its window's output tokens are spent (charged tokens at
/// or above ``outputTokens``), is refused with 429 and `Retry-After`; see <doc:SharingAQuota>.
///
/// A limit left `nil` is not enforced; a negative limit counts as 0, which refuses every request.
public struct MockSharedQuota: Sendable, Hashable {
    /// The requests admitted per window, or `nil` for no limit on requests.
    public var requests: Int?
    /// The output tokens (the `usage.completion_tokens` of chat answers) per window, or `nil`
    /// for no limit on tokens. Tokens are charged to the window in which their request was
    /// admitted; an answer may take the window past its limit, and the requests that arrive
    /// afterwards in that window are refused.
    public var outputTokens: Int?
    /// The length of a window; 1 second by default. A window shorter than 1 millisecond counts
    /// as 1 millisecond.
    public var window: Duration

    /// Creates a quota.
    ///
    /// - Parameters:
    ///   - requests: The requests admitted per window; `nil` for no limit.
    ///   - outputTokens: The output tokens admitted per window; `nil` for no limit.
    ///   - window: The length of a window.
    public init(requests: Int? = nil, outputTokens: Int? = nil, window: Duration = .seconds(1)) {
        self.requests = requests
        self.outputTokens = outputTokens
        self.window = window
    }
}

/// What the callers of a ``MockAIYouServer`` used of its ``MockSharedQuota`` since the quota was
/// set (or since ``MockAIYouServer/resetCounters()``), read with
/// ``MockAIYouServer/sharedQuotaUsage``.
public struct MockSharedQuotaUsage: Sendable, Hashable {
    /// The quota in force.
    public let quota: MockSharedQuota
    /// The requests the quota admitted.
    public let admittedRequests: Int
    /// The requests refused with 429 because their window's requests or output tokens were spent.
    public let refusedRequests: Int
    /// The output tokens charged: the `usage.completion_tokens` of the chat answers to admitted
    /// requests.
    public let outputTokens: Int
    /// The windows in which at least one request arrived (admitted or refused); windows during
    /// which nobody called are not counted. The windows that have begun so far, called or not,
    /// are `elapsed / quota.window` rounded up.
    public let windowsStarted: Int
    /// The time since the quota was set (or since the last ``MockAIYouServer/resetCounters()``),
    /// on a monotonic clock, when this value was read.
    public let elapsed: Duration

    /// The share of the request quota used over ``elapsed``:
    /// `admittedRequests / (quota.requests × elapsed / quota.window)`, clamped to 0…1.
    ///
    /// A fixed window admits its whole budget as soon as it begins, so before the clamp the
    /// ratio can exceed 1 while the last window is only partly elapsed (at most by one window's
    /// worth, which matters less the longer the run). Read it right after the load ends: time
    /// that passes before the read counts as unused quota. `nil` when requests are not limited,
    /// when the limit is not positive, or when no time has elapsed.
    public var requestShareUsed: Double? {
        Self.share(used: self.admittedRequests, limit: self.quota.requests, elapsed: self.elapsed, window: self.quota.window)
    }

    /// The share of the output-token quota used over ``elapsed``:
    /// `outputTokens / (quota.outputTokens × elapsed / quota.window)`, clamped to 0…1.
    ///
    /// The same caveats as ``requestShareUsed`` apply, and an answer may take a window past its
    /// token limit. `nil` when output tokens are not limited, when the limit is not positive, or
    /// when no time has elapsed.
    public var tokenShareUsed: Double? {
        Self.share(used: self.outputTokens, limit: self.quota.outputTokens, elapsed: self.elapsed, window: self.quota.window)
    }

    init(quota: MockSharedQuota, admittedRequests: Int, refusedRequests: Int, outputTokens: Int, windowsStarted: Int, elapsed: Duration) {
        self.quota = quota
        self.admittedRequests = admittedRequests
        self.refusedRequests = refusedRequests
        self.outputTokens = outputTokens
        self.windowsStarted = windowsStarted
        self.elapsed = elapsed
    }

    private static func share(used: Int, limit: Int?, elapsed: Duration, window: Duration) -> Double? {
        guard let limit, limit > 0 else { return nil }
        let windows = Self.seconds(elapsed) / Self.seconds(max(window, SharedQuotaLedger.shortestWindow))
        let capacity = Double(limit) * windows
        guard capacity > 0, capacity.isFinite else { return nil }
        return min(1, max(0, Double(used) / capacity))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
