extension Configuration {
    /// Adaptive pacing: the client reads the service's rate-limit headers and its 429s and paces
    /// its own requests so that the replicas sharing an account spend the quota evenly instead of
    /// learning of it from 429s. Off by default (`nil`).
    ///
    /// Two rules, the lower rate wins:
    /// - **Headers** (`X-RateLimit-Limit/Remaining/Reset`, their `-Requests` and `-Tokens`
    ///   variants): the client estimates its share of the account's traffic (its own answers
    ///   against the fall of `Remaining` between two answers) and sends at
    ///   ``headroom`` × share × remaining ÷ time to the reset; with token headers, the same for
    ///   the tokens left, divided by the tokens a request has used so far.
    /// - **429s**: the CUBIC rule of AWS's SDKs' "adaptive" retry mode: the rate falls to
    ///   ``decrease`` × the rate measured when the 429 came, then climbs back along a cubic curve
    ///   (scale ``cubicScale``) to that rate and beyond. A 429 counts once per round: answers to
    ///   requests sent before the last decrease do not decrease again.
    ///
    /// The rate applies to every request of the client, on top of ``Configuration/rateLimit``
    /// (the lower of both).
    public struct AdaptivePacing: Sendable, Hashable {
        /// Share (0…1] of the rate the headers allow that the client uses. Default 0.95.
        public var headroom: Double
        /// Factor (0…1) of the measured rate after a 429 (AWS: 0.7).
        public var decrease: Double
        /// Scale of the cubic climb after a 429, in requests per second per second³ (AWS: 0.4).
        public var cubicScale: Double
        /// The lowest rate pacing sets, in requests per second (AWS: 0.5).
        public var minimumRate: Double
        /// The rate before the first answer says anything of the quota, in requests per second
        /// (a slow start: N replicas starting at once with callers waiting do not spend a window's
        /// quota before the first answer comes back); `nil` starts unpaced. The first answer without
        /// rate-limit headers or a 429 lifts it. Default 10.
        public var initialRate: Double?

        /// Pacing with the given parameters (defaults: headroom 0.95, AWS's 0.7, 0.4 and 0.5, a
        /// start at 10 requests per second).
        public init(
            headroom: Double = 0.95,
            decrease: Double = 0.7,
            cubicScale: Double = 0.4,
            minimumRate: Double = 0.5,
            initialRate: Double? = 10
        ) {
            self.headroom = headroom
            self.decrease = decrease
            self.cubicScale = cubicScale
            self.minimumRate = minimumRate
            self.initialRate = initialRate
        }

        /// Why these parameters cannot be used, or `nil` when they can.
        var problem: String? {
            guard headroom > 0, headroom <= 1 else { return "headroom must be within (0, 1]" }
            guard decrease > 0, decrease < 1 else { return "decrease must be within (0, 1)" }
            guard cubicScale > 0, cubicScale.isFinite else { return "cubicScale must be positive" }
            guard minimumRate > 0, minimumRate.isFinite else { return "minimumRate must be positive" }
            if let initialRate, !(initialRate > 0 && initialRate.isFinite) { return "initialRate must be positive" }
            return nil
        }
    }
}
