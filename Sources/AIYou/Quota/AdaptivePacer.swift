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
        /// How far `Remaining` fell since the previous answer; `nil` when this answer is the first
        /// of a window (nothing to compare it with).
        mutating func update(limit: Double?, remaining: Double, resetIn: Int64, now: Int64) -> Double? {
            if let limit { self.limit = limit }
            window = max(window, resetIn)
            let resetAt = now &+ resetIn
            // A reset more than a quarter window (at least 50 ms) later than the one known: a new window.
            let slack = max(window / 4, 50_000_000)
            guard let known = self.remaining, resetAt <= self.resetAt &+ slack else {
                self.remaining = remaining
                self.resetAt = resetAt
                return nil
            }
            guard remaining < known else { return 0 }
            self.remaining = remaining
            return known - remaining
        }

        /// The whole limit per window, in units per second, once both are known.
        var fairRatePerSecond: Double? {
            guard let limit, window > 0 else { return nil }
            return limit / (Double(window) / 1e9)
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

    /// What the client paces at after an answer: `rate` (requests per second; `nil`: no pacing)
    /// and, when the service's window resets before the rate would be revised, the rate from the
    /// reset on (`then`): the rate for the end of a window is wrong for the start of the next.
    struct Pace: Sendable {
        var rate: Double?
        var then: (at: Int64, perSecond: Double?)?
    }

    /// Takes one answer into account and returns the pace. `sentAt` is when the request was
    /// admitted; `now` and `sentAt` are on the limiter's nanosecond clock, `wallClock` reads Unix
    /// reset times.
    func observe(status: Int, headers: HTTPHeaders, sentAt: Int64, now: Int64, wallClock: Date) -> Pace {
        let requests = Self.reading(headers, suffix: "requests", wallClock: wallClock)
        let tokens = requests == nil ? nil : Self.reading(headers, suffix: "tokens", wallClock: wallClock)
        let settings = settings
        return state.withLock { state in
            state.measured.record(now: now)
            if let requests {
                state.sawHeaders = true
                // The first answer of a window has nothing to compare with: it counts neither as
                // this client's nor as the account's (counting it as its own would overstate the share).
                if let fall = state.requests.update(
                    limit: requests.limit,
                    remaining: requests.remaining,
                    resetIn: requests.resetIn,
                    now: now
                ) {
                    state.own = state.own * Self.decay + 1
                    state.requestFall = state.requestFall * Self.decay + fall
                }
                if let tokens,
                    let tokenFall = state.tokens.update(limit: tokens.limit, remaining: tokens.remaining, resetIn: tokens.resetIn, now: now)
                {
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
            if state.sawHeaders, let (rate, fair) = Self.headerRates(state, now: now, headroom: settings.headroom) {
                // With headers, a 429 scales the rate they allow: the same cubic, on a factor
                // that falls to `decrease` and is back at 1 after cbrt((1 − decrease) ÷ scale) seconds.
                let factor = Self.throttleFactor(state, now: now, settings: settings)
                // A slow start, as AWS's rule has it: never more than twice the measured rate (or
                // the initial rate), so that a share estimated from the first few answers cannot
                // spend a window at once.
                let ceiling = max(2 * state.measured.rate, settings.initialRate ?? settings.minimumRate)
                let then = fair.map {
                    (at: state.requests.resetAt, perSecond: max(min($0 * factor, ceiling), settings.minimumRate) as Double?)
                }
                return Pace(rate: max(min(rate * factor, ceiling), settings.minimumRate), then: then)
            }
            guard state.cubicEnabled else { return Pace(rate: nil, then: nil) }
            // No headers: AWS's rule on the measured rate, as its SDKs apply it.
            return Pace(
                rate: max(min(state.cubicRate, 2 * max(state.measured.rate, settings.minimumRate)), settings.minimumRate),
                then: nil
            )
        }
    }

    /// The factor (decrease…1) a 429 leaves on the rate the headers allow, climbing back along
    /// the cubic; 1 without a 429.
    private static func throttleFactor(_ state: State, now: Int64, settings: Configuration.AdaptivePacing) -> Double {
        guard state.cubicEnabled else { return 1 }
        let window = cbrt((1 - settings.decrease) / settings.cubicScale)
        let elapsed = Double(now - state.lastThrottle) / 1e9 - window
        return min(1, max(settings.decrease, settings.cubicScale * elapsed * elapsed * elapsed + 1))
    }

    /// The rate the headers allow this client (its share of what is left until the reset), and
    /// its share of a whole window (for after the reset).
    private static func headerRates(_ state: State, now: Int64, headroom: Double) -> (rate: Double, fair: Double?)? {
        let share = state.requestFall > state.own && state.own > 0 ? state.own / state.requestFall : 1
        guard let requestRate = state.requests.ratePerSecond(now: now) else { return nil }
        var rate = requestRate
        var fair = state.requests.fairRatePerSecond
        if state.tokenFall > 0, state.requestFall > 0 {
            let tokensPerRequest = state.tokenFall / state.requestFall
            if let tokenRate = state.tokens.ratePerSecond(now: now) { rate = min(rate, tokenRate / tokensPerRequest) }
            if let tokenFair = state.tokens.fairRatePerSecond { fair = fair.map { min($0, tokenFair / tokensPerRequest) } }
        }
        return (headroom * share * rate, fair.map { headroom * share * $0 })
    }

    /// The header names, built once: for each of `limit`, `remaining` and `reset`, the name with
    /// the suffix, and for requests the one without.
    private static let requestHeaderNames: [String: (String, String?)] = [
        "limit": ("x-ratelimit-limit-requests", "x-ratelimit-limit"),
        "remaining": ("x-ratelimit-remaining-requests", "x-ratelimit-remaining"),
        "reset": ("x-ratelimit-reset-requests", "x-ratelimit-reset"),
    ]
    private static let tokenHeaderNames: [String: (String, String?)] = [
        "limit": ("x-ratelimit-limit-tokens", nil),
        "remaining": ("x-ratelimit-remaining-tokens", nil),
        "reset": ("x-ratelimit-reset-tokens", nil),
    ]

    /// `X-RateLimit-Limit-<suffix>`, `-Remaining-` and `-Reset-` (for requests, the variants
    /// without a suffix too), read through the bounded wire reader; `nil` unless `Remaining` and
    /// the reset are both present and valid.
    private static func reading(
        _ headers: HTTPHeaders,
        suffix: String,
        wallClock: Date
    ) -> (limit: Double?, remaining: Double, resetIn: Int64)? {
        let names = suffix == "requests" ? requestHeaderNames : tokenHeaderNames
        func first(_ name: String) -> String? {
            guard let (suffixed, plain) = names[name] else { return nil }
            return headers.first(name: suffixed) ?? plain.flatMap { headers.first(name: $0) }
        }
        guard let remainingText = first("remaining"), remainingText.utf8.count <= 32,
            let remaining = WireValue.decimal(remainingText[...]), remaining >= 0, remaining.isFinite,
            let resetText = first("reset"), let reset = RetryPolicy.resetDelay(resetText, now: wallClock)
        else { return nil }
        let limit = first("limit").flatMap { $0.utf8.count <= 32 ? WireValue.decimal($0[...]) : nil }.flatMap {
            $0 > 0 && $0.isFinite ? $0 : nil
        }
        return (limit, remaining, reset.nanoseconds)
    }
}
