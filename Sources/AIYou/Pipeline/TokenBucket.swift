/// The arithmetic of a token bucket, with no clock and no locking: the caller passes "now".
///
/// Tokens refill continuously at ``ratePerSecond`` up to ``capacity`` (the burst). A pause (set
/// when the service says "retry after …") makes every token unavailable until it ends.
struct TokenBucket: Sendable {
    typealias Instant = ContinuousClock.Instant

    /// Tokens per second; `nil` means no client-side limit (only pauses apply).
    let ratePerSecond: Double?
    /// Largest number of tokens held at once.
    let capacity: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Instant
    private(set) var pausedUntil: Instant?

    /// Tolerance for floating-point refill arithmetic.
    private static let epsilon = 1e-9

    init(ratePerSecond: Double?, burst: Int, now: Instant) {
        self.ratePerSecond = ratePerSecond
        self.capacity = Double(max(burst, 1))
        self.tokens = Double(max(burst, 1))
        self.updatedAt = now
    }

    /// Adds the tokens earned since the last update.
    mutating func refill(now: Instant) {
        guard now > updatedAt else { return }
        if let ratePerSecond {
            tokens = min(capacity, tokens + (now - updatedAt).seconds * ratePerSecond)
        }
        updatedAt = now
        if let pausedUntil, pausedUntil <= now { self.pausedUntil = nil }
    }

    /// Takes a token when one is available now; call ``refill(now:)`` first.
    mutating func tryTake(now: Instant) -> Bool {
        if let pausedUntil, now < pausedUntil { return false }
        guard ratePerSecond != nil else { return true }
        guard tokens >= 1 - Self.epsilon else { return false }
        tokens -= 1
        return true
    }

    /// How long until the `count`-th token from now is available (counting the pause).
    func delay(untilTokens count: Int, now: Instant) -> Duration {
        let pause = pausedUntil.map { max($0 - now, .zero) } ?? .zero
        guard let ratePerSecond else { return pause }
        // Tokens earned during the pause count too.
        let available = min(capacity, tokens + pause.seconds * ratePerSecond)
        let missing = Double(count) - available
        guard missing > Self.epsilon else { return pause }
        return max(pause, .zero) + .nanoseconds(Int64((missing / ratePerSecond * 1e9).rounded(.up)))
    }

    /// Makes every token unavailable until `instant` (a later pause extends an earlier one).
    mutating func pause(until instant: Instant) {
        if let pausedUntil, pausedUntil >= instant { return }
        pausedUntil = instant
    }

    /// Lowers the tokens to what the service says remains (its `X-RateLimit-Remaining-Requests`).
    mutating func limit(toRemaining remaining: Int) {
        tokens = min(tokens, Double(max(remaining, 0)))
    }
}
