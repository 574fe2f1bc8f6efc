import Foundation
import NIOHTTP1

/// Decides, for one failed attempt, whether the call tries again and after how long. A pure
/// function of the attempt's outcome, the request's idempotency and the retries already used, so
/// that the whole table is tested without a network (`RetryPolicyTests`).
struct RetryPolicy: Sendable {
    var configuration: Configuration.Retry

    /// How one attempt ended, as far as retrying is concerned.
    enum Outcome: Sendable {
        /// The service answered with a status that is not a success (a 401 is handled before).
        case status(Int, serverDelay: Duration?)
        /// The exchange failed on the wire.
        case failure(TransportError)
    }

    /// What to do next.
    enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        case fail
    }

    /// Statuses after which an idempotent request is worth another attempt.
    static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]
    /// Statuses that say the request was not acted upon, after which any request is worth
    /// another attempt: 408 (the service did not receive it whole), 429 (refused before
    /// processing), 503 (not handled: an overloaded service or a load balancer with no backend
    /// to give it to, with or without `Retry-After`).
    static let unprocessedStatuses: Set<Int> = [408, 429, 503]

    /// The decision after `outcome`, for a request that is `idempotent` (or treated so), when
    /// `retriesUsed` retries of the call's budget are spent.
    func decide(_ outcome: Outcome, idempotent: Bool, retriesUsed: Int) -> Decision {
        guard retriesUsed < configuration.maxRetries else { return .fail }
        let treatedAsIdempotent = idempotent || configuration.retriesNonIdempotent
        switch outcome {
        case .status(let status, let serverDelay):
            if let serverDelay, serverDelay > configuration.maxRetryAfter { return .fail }
            // 500, 502 and 504 may come after the work was done (a generation billed, a thread
            // saved): only requests that can be repeated harmlessly are sent again after them.
            let retryable = (treatedAsIdempotent ? Self.retryableStatuses : Self.unprocessedStatuses).contains(status)
            return retryable ? .retry(after: delay(beforeRetry: retriesUsed + 1, serverDelay: serverDelay)) : .fail
        case .failure(let error):
            switch error.kind {
            case .connectionFailed, .connectTimeout, .broken:
                guard treatedAsIdempotent || !error.requestSent else { return .fail }
                return .retry(after: delay(beforeRetry: retriesUsed + 1, serverDelay: nil))
            case .requestTimeout, .idleTimeout, .tooLarge, .cancelled, .shutdown, .invalidRequest:
                return .fail
            }
        }
    }

    /// Delay before retry number `retry` (1-based): the server's delay when it gave one, else
    /// exponential backoff from ``Configuration/Retry/initialDelay`` capped at
    /// ``Configuration/Retry/maxDelay``, with jitter.
    func delay(beforeRetry retry: Int, serverDelay: Duration?) -> Duration {
        if let serverDelay { return serverDelay }
        let maxSeconds = configuration.maxDelay.seconds
        let base = configuration.initialDelay.seconds * pow(2, Double(min(max(retry - 1, 0), 62)))
        let capped = min(base, maxSeconds)
        let spread = capped * configuration.jitter
        let jittered = capped - spread + Double.random(in: 0...1) * 2 * spread
        // maxDelay is at most a day (validated), so the nanoseconds fit.
        return .nanoseconds(Int64(max(0, min(jittered, maxSeconds)) * 1e9))
    }

    /// The delay a server asked for: `retry-after-ms`, then `Retry-After` (seconds or an HTTP
    /// date), read through ``WireValue`` (clamped to a day; unreadable values are ignored).
    static func serverDelay(in headers: HTTPHeaders, now: Date) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let milliseconds = WireValue.decimal(text[...]) {
            return WireValue.delay(milliseconds: milliseconds)
        }
        guard let text = headers.first(name: "retry-after") else { return nil }
        if let seconds = WireValue.decimal(text[...]) { return WireValue.delay(seconds: seconds) }
        if let date = HTTPDate.parse(text) { return WireValue.delay(until: date, now: now) }
        return nil
    }

    /// A rate-limit reset value: Go-style durations (`1s`, `250ms`, `1m30s`), plain seconds
    /// (`2`, `0.5`), or a Unix timestamp in seconds (taken relative to `now`); clamped like every
    /// server delay.
    static func resetDelay(_ text: String, now: Date) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= 64 else { return nil }
        if let seconds = WireValue.decimal(trimmed[...]) {
            if seconds > 1_000_000_000 { return WireValue.delay(seconds: seconds - now.timeIntervalSince1970) }
            return WireValue.delay(seconds: seconds)
        }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                index = trimmed.index(after: index)
                continue
            }
            var unit = ""
            while index < trimmed.endIndex, trimmed[index].isLetter {
                unit.append(trimmed[index])
                index = trimmed.index(after: index)
            }
            guard let value = WireValue.decimal(number[...]) else { return nil }
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            case "us", "µs": total += value / 1_000_000
            case "ns": total += value / 1_000_000_000
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { return nil }
        return WireValue.delay(seconds: total)
    }
}

/// IMF-fixdate parsing (`Sun, 06 Nov 1994 08:49:37 GMT`), the form `Retry-After` uses.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard text.utf8.count <= 64, parts.count == 6, parts[5].uppercased() == "GMT",
            let day = Int(parts[1]), (1...31).contains(day), let month = months.firstIndex(of: parts[2].lowercased()),
            let year = Int(parts[3]), (1...9999).contains(year)
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "GMT")
        components.year = year
        components.month = month + 1
        components.day = day
        components.hour = time[0]
        components.minute = time[1]
        components.second = time[2]
        return Calendar(identifier: .gregorian).date(from: components).map(WireValue.clamped)
    }
}
