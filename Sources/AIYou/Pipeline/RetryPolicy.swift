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
