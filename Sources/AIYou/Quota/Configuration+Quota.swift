extension Configuration {
    /// A quota in requests and output tokens per window, kept in a ``QuotaStore``: every client
    /// that uses the same store and key shares it (the replicas of a service with a
    /// `PostgresQuotaStore`, the clients of a process with one ``InMemoryQuotaStore``).
    ///
    /// Each attempt reserves one request and, for a chat completion, its `max_tokens` (or
    /// ``tokenEstimate`` when the request sets none) before it is sent; the reservation is settled
    /// to the output tokens the answer was billed (`usage.completion_tokens`, streams included:
    /// the client asks LLMaaS for streamed usage), given back whole when the service refused the
    /// attempt (an error status), and kept when the answer says nothing of its usage or the
    /// attempt failed on the wire (the service may have generated it: the quota errs on the safe
    /// side). A call that would wait longer than ``maxWait`` fails at once with ``AIYouError/Code/rateLimited`` and
    /// the time the quota refills enough in ``AIYouError/retryAfter``.
    ///
    /// The article "Sharing a quota across instances" tells when to use it and how.
    public struct Quota: Sendable {
        /// What the client does when the store throws (unreachable, past its deadline).
        public enum StoreFailure: Sendable, Hashable {
            /// Fail open: decide with a limiter in this process, over `localShare` (0…1] of the
            /// limits (the share this instance would have of the shared quota), until the store
            /// answers again.
            case useLocalLimit(localShare: Double)
            /// Fail closed: the call fails with ``AIYouError/Code/rateLimited``.
            case refuse
        }

        /// The limits, shared by every client of the key.
        public var limits: QuotaLimits
        /// The store holding the quota's state. Default: a new ``InMemoryQuotaStore`` (this
        /// client alone).
        public var store: any QuotaStore
        /// The key of the account's quota in the store.
        public var key: String
        /// When `true`, each model has its own quota under the key (`key/model`), as services
        /// that limit per model count.
        public var keyPerModel: Bool
        /// Output tokens reserved for a chat completion that sets no `max_tokens`.
        public var tokenEstimate: Int
        /// Longest a call waits for its place; beyond it the call fails at once.
        public var maxWait: Duration
        /// What to do when the store fails. Default: ``StoreFailure/useLocalLimit(localShare:)``
        /// with the whole quota.
        public var whenStoreFails: StoreFailure

        /// A quota of `limits` in `store` under `key`.
        public init(
            limits: QuotaLimits,
            store: any QuotaStore = InMemoryQuotaStore(),
            key: String = "default",
            keyPerModel: Bool = false,
            tokenEstimate: Int = 1024,
            maxWait: Duration = .seconds(30),
            whenStoreFails: StoreFailure = .useLocalLimit(localShare: 1)
        ) {
            self.limits = limits
            self.store = store
            self.key = key
            self.keyPerModel = keyPerModel
            self.tokenEstimate = tokenEstimate
            self.maxWait = maxWait
            self.whenStoreFails = whenStoreFails
        }

        /// Why this quota cannot be used, or `nil` when it can.
        var problem: String? {
            if let problem = limits.problem { return problem }
            if key.isEmpty || key.utf8.count > 200 { return "key must have 1 to 200 bytes" }
            if tokenEstimate < 1 { return "tokenEstimate must be at least 1" }
            if let tokens = limits.tokens, tokenEstimate > tokens { return "tokenEstimate must not exceed the token budget" }
            if maxWait < .zero { return "maxWait must not be negative" }
            if case .useLocalLimit(let share) = whenStoreFails, !(share > 0 && share <= 1) {
                return "whenStoreFails: localShare must be within (0, 1]"
            }
            return nil
        }
    }
}
