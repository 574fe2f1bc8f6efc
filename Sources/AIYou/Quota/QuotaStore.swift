/// Where a quota's state lives: one record per key, shared by every client that uses the same
/// store and key. Two implementations ship: ``InMemoryQuotaStore`` (one process) and, in the
/// `AIYouPostgres` product, `PostgresQuotaStore` (every replica of a service that reaches the
/// same database).
///
/// A store applies the generic cell rate algorithm (GCRA): a key holds one "theoretical arrival
/// time" for its requests and one for its tokens, moved forward by each reservation's cost. Both
/// calls must be atomic for a key: two clients reserving at once never both get the last place.
/// `QuotaLimits.gcraStep(for:)` (package access) gives the numbers a store applies, so that every store
/// decides alike.
public protocol QuotaStore: AnyObject, Sendable {
    /// Takes `cost` from the quota of `key` under `limits` when it can be sent within `maxWait`:
    /// ``QuotaDecision/admitted(after:)`` says how long the caller waits before sending (zero:
    /// now), and the cost is taken; ``QuotaDecision/refused(retryAfter:)`` takes nothing.
    ///
    /// Throws when the store cannot decide (unreachable, too slow): the client then applies
    /// ``Configuration/Quota/whenStoreFails``.
    func reserve(_ cost: QuotaCost, key: String, limits: QuotaLimits, maxWait: Duration) async throws -> QuotaDecision

    /// Gives `cost` back to the quota of `key` (a reservation that was not used, or output
    /// tokens that were reserved but not billed); negative tokens charge more (an answer billed
    /// beyond its reservation). Throws when the store cannot be reached.
    func refund(_ cost: QuotaCost, key: String, limits: QuotaLimits) async throws
}

/// What one call takes from a quota: requests (one per attempt) and output tokens (the call's
/// `max_tokens`, or the configured estimate, settled later to what the answer was billed).
public struct QuotaCost: Sendable, Hashable {
    /// Requests taken (1 for an attempt; 0 when only tokens are settled).
    public var requests: Int
    /// Output tokens taken (negative in a refund: charge more).
    public var tokens: Int

    /// A cost of `requests` requests and `tokens` output tokens.
    public init(requests: Int, tokens: Int) {
        self.requests = requests
        self.tokens = tokens
    }
}

/// What a store decided for one reservation.
public enum QuotaDecision: Sendable, Hashable {
    /// The cost was taken: the caller sends after this delay (`.zero`: at once).
    case admitted(after: Duration)
    /// Nothing was taken: the cost fits only after `retryAfter`, longer than the caller waits.
    case refused(retryAfter: Duration)
}

/// The limits of one quota key: requests per window and output tokens per window, either or both.
public struct QuotaLimits: Sendable, Hashable {
    /// Requests admitted per ``requestWindow``; `nil`: requests are not limited.
    public var requests: Int?
    /// The window of ``requests``.
    public var requestWindow: Duration
    /// Requests that may go back to back after a quiet period (GCRA's tolerance, in requests).
    public var requestBurst: Int
    /// Output tokens per ``tokenWindow``; `nil`: tokens are not limited.
    public var tokens: Int?
    /// The window of ``tokens``.
    public var tokenWindow: Duration

    /// Limits of `requests` per `requestWindow` (with `requestBurst` back to back) and `tokens`
    /// per `tokenWindow`.
    public init(
        requests: Int? = nil,
        requestWindow: Duration = .seconds(60),
        requestBurst: Int = 1,
        tokens: Int? = nil,
        tokenWindow: Duration = .seconds(3600)
    ) {
        self.requests = requests
        self.requestWindow = requestWindow
        self.requestBurst = requestBurst
        self.tokens = tokens
        self.tokenWindow = tokenWindow
    }

    /// Why these limits cannot be used, or `nil` when they can.
    var problem: String? {
        if requests == nil, tokens == nil { return "set requests, tokens or both" }
        if let requests, requests < 1 { return "requests must be at least 1" }
        if let tokens, tokens < 1 { return "tokens must be at least 1" }
        if requestWindow <= .zero || tokenWindow <= .zero { return "windows must be positive" }
        if requestBurst < 1 { return "requestBurst must be at least 1" }
        if let requests, requestBurst > requests { return "requestBurst must not exceed requests" }
        return nil
    }
}

/// The numbers one GCRA step applies, in nanoseconds on the store's clock. For each of requests
/// and tokens: `increment` is what the reservation adds to the key's theoretical arrival time
/// (TAT), `tolerance` how far ahead of now the TAT may be after a reservation that goes at once.
///
/// A store computes, with `now` its clock:
///
///     newTAT = max(TAT, now) + increment
///     wait   = max(newRequestTAT - requestTolerance, newTokenTAT - tokenTolerance) - now
///
/// and takes the reservation (stores both new TATs) when `wait ≤ maxWait`. A refund subtracts
/// the increments from the TATs.
package struct GCRAStep: Sendable, Hashable {
    package var requestIncrement: Int64
    package var requestTolerance: Int64
    package var tokenIncrement: Int64
    package var tokenTolerance: Int64
}

extension QuotaLimits {
    /// The GCRA numbers of `cost` under these limits (zero for a limit that is not set).
    /// Saturating: a cost far beyond a window never overflows.
    package func gcraStep(for cost: QuotaCost) -> GCRAStep {
        var step = GCRAStep(requestIncrement: 0, requestTolerance: 0, tokenIncrement: 0, tokenTolerance: 0)
        if let requests {
            let interval = Double(requestWindow.nanoseconds) / Double(requests)
            step.requestIncrement = Self.nanoseconds(interval * Double(cost.requests))
            step.requestTolerance = Self.nanoseconds(interval * Double(requestBurst))
        }
        if let tokens {
            let interval = Double(tokenWindow.nanoseconds) / Double(tokens)
            step.tokenIncrement = Self.nanoseconds(interval * Double(cost.tokens))
            // The whole budget may be spent at once; it refills continuously over the window.
            step.tokenTolerance = tokenWindow.nanoseconds
        }
        return step
    }

    private static func nanoseconds(_ value: Double) -> Int64 {
        guard value.isFinite else { return value > 0 ? .max / 4 : -(.max / 4) }
        return Int64(max(min(value, Double(Int64.max / 4)), -Double(Int64.max / 4)))
    }
}

extension GCRAStep {
    /// Applies the step to the TATs at `now`: the new TATs and the wait, without deciding.
    /// Saturating: TATs pushed far ahead (a huge `maxWait`, absurd costs) stop at `Int64.max / 2`
    /// instead of wrapping around.
    package func apply(requestTAT: Int64, tokenTAT: Int64, now: Int64) -> (requestTAT: Int64, tokenTAT: Int64, wait: Int64) {
        let newRequest = Self.sum(max(requestTAT, now), requestIncrement)
        let newToken = Self.sum(max(tokenTAT, now), tokenIncrement)
        let wait = Self.sum(max(Self.sum(newRequest, -requestTolerance), Self.sum(newToken, -tokenTolerance)), -now)
        return (newRequest, newToken, max(wait, 0))
    }

    /// `a + b`, within ±`Int64.max / 2`.
    package static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        let bound = Int64.max / 2
        if overflow { return b > 0 ? bound : -bound }
        return min(max(value, -bound), bound)
    }
}
