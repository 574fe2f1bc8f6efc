import Foundation
import NIOHTTP1

/// Decides whether a failed attempt is tried again and how long to wait first.
struct RetryPolicy: Sendable {
    var configuration: Configuration.Retry

    /// Statuses worth another attempt: timeouts, rate limits and transient server errors.
    static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    func isRetryable(status: Int) -> Bool { Self.retryableStatuses.contains(status) }

    /// Delay before retry number `retry` (1-based): the server's `Retry-After` when it gave one,
    /// else exponential backoff from ``Configuration/Retry/initialDelay`` capped at
    /// ``Configuration/Retry/maxDelay``, with jitter.
    func delay(beforeRetry retry: Int, serverDelay: Duration?) -> Duration {
        if let serverDelay { return serverDelay }
        let base = configuration.initialDelay.seconds * pow(2, Double(max(retry - 1, 0)))
        let capped = min(base, configuration.maxDelay.seconds)
        let spread = capped * configuration.jitter
        let jittered = capped - spread + Double.random(in: 0...1) * 2 * spread
        return .milliseconds(Int64(max(0, min(jittered, configuration.maxDelay.seconds)) * 1000))
    }

    /// Reads `retry-after-ms`, then `Retry-After` (seconds or an HTTP date).
    static func serverDelay(in headers: HTTPHeaders, now: Date) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            milliseconds >= 0
        {
            return .milliseconds(Int64(milliseconds))
        }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        if let date = HTTPDate.parse(text) { return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000)) }
        return nil
    }
}

extension RetryPolicy {
    /// A rate-limit reset value: Go-style durations (`1s`, `250ms`, `1m30s`), plain seconds
    /// (`2`, `0.5`), or a Unix timestamp in seconds (taken relative to now).
    static func parseResetDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 {
            if seconds > 1_000_000_000 {
                return .milliseconds(Int64(max(0, seconds - Date().timeIntervalSince1970) * 1000))
            }
            return .milliseconds(Int64(seconds * 1000))
        }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = trimmed.index(after: index)
                continue
            }
            var unit = ""
            while index < trimmed.endIndex, trimmed[index].isLetter {
                unit.append(trimmed[index])
                index = trimmed.index(after: index)
            }
            guard let value = Double(number) else { return nil }
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
        return .milliseconds(Int64(total * 1000))
    }
}

/// IMF-fixdate parsing (`Sun, 06 Nov 1994 08:49:37 GMT`), the form `Retry-After` uses.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5].uppercased() == "GMT",
            let day = Int(parts[1]), let month = months.firstIndex(of: parts[2].lowercased()), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "GMT")
        components.year = year
        components.month = month + 1
        components.day = day
        components.hour = time[0]
        components.minute = time[1]
        components.second = time[2]
        return Calendar(identifier: .gregorian).date(from: components)
    }
}
