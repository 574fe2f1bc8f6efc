import Foundation
import NIOHTTP1

/// Decides the client's request rate from the service's answers (see
/// ``Configuration/AdaptivePacing``): the rate-limit headers and the share of the account's
/// traffic this client sends, and the CUBIC rule after a 429. One per client; every answer of an
/// authenticated request goes through ``observe(status:headers:sentAt:now:wallClock:)``, which
/// returns the rate to apply (`nil`: no pacing).
final class AdaptivePacer: Sendable {
    private let settings: Configuration.AdaptivePacing
    private let state = Locked(State())

    init(settings: Configuration.AdaptivePacing) {
        self.settings = settings
    }

    /// What the answers said of one quota (requests or tokens) in the current window.
    struct Track: Sendable {
        var limit: Double?
        /// The lowest `Remaining` seen in the window (answers arrive out of order).
        var remaining: Double?
        /// When the window resets, in nanoseconds on the limiter's clock.
        var resetAt: Int64 = 0
        /// The longest reset delay seen: the window's length, as far as the client can tell.
        var window: Int64 = 0
        /// How far `Remaining` fell since the previous answer (0 when the window changed).
        mutating func update(limit: Double?, remaining: Double, resetIn: Int64, now: Int64) -> Double {
            if let limit { self.limit = limit }
            window = max(window, resetIn)
            let resetAt = now &+ resetIn
            // A reset more than a quarter window (at least 50 ms) later than the one known: a new window.
            let slack = max(window / 4, 50_000_000)
            guard let known = self.remaining, resetAt <= self.resetAt &+ slack else {
                self.remaining = remaining
                self.resetAt = resetAt
                return 0
            }
            guard remaining < known else { return 0 }
            self.remaining = remaining
            return known - remaining
        }

        /// Units per second left to spend until the reset (the whole limit per window once the
        /// reset has passed and no answer of the new window came yet).
        func ratePerSecond(now: Int64) -> Double? {
            let left = resetAt - now
            if left <= 0 {
                guard let limit, window > 0 else { return nil }
                return limit / (Double(window) / 1e9)
            }
            guard let remaining else { return nil }
            return remaining / (Double(max(left, 1_000_000)) / 1e9)
        }
    }

    struct State: Sendable {
        var requests = Track()
        var tokens = Track()
        /// Decaying sums: own answers, and the fall of the account's `Remaining` (requests,
        /// tokens) over the same answers. Their ratio is this client's share of the traffic.
        var own = 0.0
        var requestFall = 0.0
        var tokenFall = 0.0
        var sawHeaders = false
        // CUBIC (AWS's adaptive retry mode).
        var measured = MeasuredRate()
        var cubicEnabled = false
        var lastMaxRate = 0.0
        var lastThrottle: Int64 = .min
        var cubicWindow = 0.0
        var cubicRate = Double.infinity
    }

    /// Answers per second, measured over half-second buckets and smoothed (AWS's measured
    /// transmission rate).
    struct MeasuredRate: Sendable {
        var rate = 0.0
        var bucketStart: Int64?
        var count = 0.0

        mutating func record(now: Int64) {
            count += 1
            guard let start = bucketStart else {
                bucketStart = now
                return
            }
            let elapsed = now - start
            if elapsed >= 500_000_000 {
                let current = count / (Double(elapsed) / 1e9)
                rate = 0.8 * current + 0.2 * rate
                count = 0
                bucketStart = now
            }
        }
    }

    private static let decay = 0.98

    /// Takes one answer into account and returns the rate (requests per second) to pace at, or
    /// `nil` when nothing calls for pacing. `sentAt` is when the request was admitted; `now` and
    /// `sentAt` are on the limiter's nanosecond clock, `wallClock` reads Unix reset times.
    func observe(status: Int, headers: HTTPHeaders, sentAt: Int64, now: Int64, wallClock: Date) -> Double? {
        let requests = Self.reading(headers, suffix: "requests", wallClock: wallClock)
        let tokens = Self.reading(headers, suffix: "tokens", wallClock: wallClock)
        let settings = settings
        return state.withLock { state in
            state.measured.record(now: now)
            if let requests {
                state.sawHeaders = true
                let fall = state.requests.update(limit: requests.limit, remaining: requests.remaining, resetIn: requests.resetIn, now: now)
                state.own = state.own * Self.decay + 1
                state.requestFall = state.requestFall * Self.decay + fall
                if let tokens {
                    let tokenFall = state.tokens.update(limit: tokens.limit, remaining: tokens.remaining, resetIn: tokens.resetIn, now: now)
                    state.tokenFall = state.tokenFall * Self.decay + tokenFall
                }
            }
            if status == 429, sentAt >= state.lastThrottle {
                let rateToUse = state.cubicEnabled ? min(state.measured.rate, state.cubicRate) : state.measured.rate
                state.lastMaxRate = rateToUse
                state.cubicWindow = cbrt(rateToUse * (1 - settings.decrease) / settings.cubicScale)
                state.lastThrottle = now
                state.cubicRate = rateToUse * settings.decrease
                state.cubicEnabled = true
            } else if state.cubicEnabled, status != 429 {
                let elapsed = Double(now - state.lastThrottle) / 1e9 - state.cubicWindow
                state.cubicRate = settings.cubicScale * elapsed * elapsed * elapsed + state.lastMaxRate
            }
            var rate = Double.infinity
            if state.cubicEnabled {
                rate = max(min(state.cubicRate, 2 * max(state.measured.rate, settings.minimumRate)), settings.minimumRate)
            }
            if state.sawHeaders, let headerRate = Self.headerRate(state, now: now, headroom: settings.headroom) {
                rate = min(rate, max(headerRate, settings.minimumRate))
            }
            return rate.isFinite ? rate : nil
        }
    }

    /// The rate the headers allow this client: its share of what is left until the reset.
    private static func headerRate(_ state: State, now: Int64, headroom: Double) -> Double? {
        let share = state.requestFall > state.own ? state.own / state.requestFall : 1
        guard let requestRate = state.requests.ratePerSecond(now: now) else { return nil }
        var rate = requestRate
        if let tokenRate = state.tokens.ratePerSecond(now: now), state.tokenFall > 0, state.requestFall > 0 {
            let tokensPerRequest = state.tokenFall / state.requestFall
            rate = min(rate, tokenRate / tokensPerRequest)
        }
        return headroom * share * rate
    }

    /// `X-RateLimit-Limit-<suffix>`, `-Remaining-` and `-Reset-` (for requests, the variants
    /// without a suffix too), read through the bounded wire reader; `nil` unless `Remaining` and
    /// the reset are both present and valid.
    private static func reading(_ headers: HTTPHeaders, suffix: String, wallClock: Date) -> (limit: Double?, remaining: Double, resetIn: Int64)? {
        func first(_ name: String) -> String? {
            headers.first(name: "x-ratelimit-\(name)-\(suffix)") ?? (suffix == "requests" ? headers.first(name: "x-ratelimit-\(name)") : nil)
        }
        guard let remainingText = first("remaining"), remainingText.utf8.count <= 32,
            let remaining = WireValue.decimal(remainingText[...]), remaining >= 0, remaining.isFinite,
            let resetText = first("reset"), let reset = RetryPolicy.resetDelay(resetText, now: wallClock)
        else { return nil }
        let limit = first("limit").flatMap { $0.utf8.count <= 32 ? WireValue.decimal($0[...]) : nil }.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        return (limit, remaining, reset.nanoseconds)
    }
}
