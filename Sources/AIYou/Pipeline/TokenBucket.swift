/// The arithmetic of a token bucket, with no clock and no locking: the caller passes "now" as
/// nanoseconds on the limiter's own monotonic scale. Integer nanoseconds keep the hot path free of
/// `Duration` conversions, which cost more than the rest of an acquire together.
///
/// Tokens refill continuously at the configured rate up to ``capacity`` (the burst). A pause (set
/// when the service says "retry after …") makes every token unavailable until it ends.
struct TokenBucket: Sendable {
    /// The rate; `nil` means no client-side limit (only pauses apply).
    private var tokensPerNanosecond: Double?
    /// Largest number of tokens held at once.
    let capacity: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Int64
    private(set) var pausedUntil: Int64?

    /// Tolerance for floating-point refill arithmetic.
    private static let epsilon = 1e-9

    init(ratePerSecond: Double?, burst: Int, now: Int64) {
        self.tokensPerNanosecond = ratePerSecond.map { $0 / 1e9 }
        self.capacity = Double(max(burst, 1))
        self.tokens = Double(max(burst, 1))
        self.updatedAt = now
    }

    /// A rate that takes over at an instant (the end of the service's window, after which the
    /// rate paced for its end no longer holds).
    private(set) var scheduled: (at: Int64, tokensPerNanosecond: Double?)?

    /// Adds the tokens earned since the last update. With `queued` callers waiting, tokens are
    /// not capped at the burst until they are served: the waiters would have taken each token the
    /// moment it was earned, so a timer that wakes late must not lose them (at 100/s with burst 1,
    /// capping cost 1.5 % of the rate to sleep overshoot).
    mutating func refill(now: Int64, queued: Int = 0) {
        guard now > updatedAt else { return }
        if let scheduled, scheduled.at <= now {
            self.scheduled = nil
            if scheduled.at > updatedAt { refill(now: scheduled.at, queued: queued) }
            tokensPerNanosecond = scheduled.tokensPerNanosecond
        }
        let ceiling = capacity + Double(queued)
        if let tokensPerNanosecond, tokens < ceiling {
            tokens = min(ceiling, tokens + Double(now - updatedAt) * tokensPerNanosecond)
        }
        updatedAt = now
        if let pausedUntil, pausedUntil <= now { self.pausedUntil = nil }
    }

    /// Whether a rate applies (else only pauses hold callers back).
    var hasRate: Bool { tokensPerNanosecond != nil }

    /// Changes the rate from `now` on (tokens earned so far at the old rate are kept); `nil`
    /// removes the rate.
    /// `then`, when given, is the rate from the instant `then.at` on.
    mutating func setRate(perSecond rate: Double?, now: Int64, queued: Int, then: (at: Int64, perSecond: Double?)? = nil) {
        refill(now: now, queued: queued)
        if tokensPerNanosecond == nil, rate != nil { tokens = min(tokens, capacity) }
        tokensPerNanosecond = rate.map { $0 / 1e9 }
        scheduled = then.flatMap { $0.at > now ? ($0.at, $0.perSecond.map { $0 / 1e9 }) : nil }
    }

    /// Takes a token when one is available now; call ``refill(now:)`` first.
    mutating func tryTake(now: Int64) -> Bool {
        if let pausedUntil, now < pausedUntil { return false }
        guard tokensPerNanosecond != nil else { return true }
        guard tokens >= 1 - Self.epsilon else { return false }
        tokens -= 1
        return true
    }

    /// Nanoseconds until the `count`-th token from now is available (counting the pause).
    func delay(untilTokens count: Int, now: Int64) -> Int64 {
        let pause = pausedUntil.map { max($0 - now, 0) } ?? 0
        guard let tokensPerNanosecond else { return pause }
        // Tokens earned during the pause count too.
        let available = min(capacity, tokens + Double(pause) * tokensPerNanosecond)
        let missing = Double(count) - available
        guard missing > Self.epsilon else { return pause }
        let delay = pause + Int64(min((missing / tokensPerNanosecond).rounded(.up), 1e17))
        // A scheduled rate that takes over before then: the rest is earned at that rate.
        guard let scheduled, scheduled.at - now < delay, scheduled.at > now else { return delay }
        guard let next = scheduled.tokensPerNanosecond else { return max(scheduled.at - now, pause) }
        let earned = Double(max(scheduled.at - now - pause, 0)) * tokensPerNanosecond
        let rest = max(missing - earned, 0)
        return max(scheduled.at - now, pause) + Int64(min((rest / next).rounded(.up), 1e17))
    }

    /// Makes every token unavailable until `instant` (a later pause extends an earlier one).
    mutating func pause(until instant: Int64) {
        if let pausedUntil, pausedUntil >= instant { return }
        pausedUntil = instant
    }
}
