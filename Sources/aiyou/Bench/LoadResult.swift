import Histogram

/// What one side (SDK or baseline) of a load run measured.
struct LoadResult: Sendable {
    var requests = 0
    var errors = 0
    var events = 0
    var seconds = 0.0
    var cpuMicroseconds = 0.0
    var connectionsOpened: Int?
    /// Latencies in microseconds; `nil` in a caller's partial result (all callers record into
    /// one shared histogram).
    var latency: Histogram<UInt64>? = LoadResult.emptyLatencies
    var firstError: String?

    /// Microseconds from 1 µs to 120 s, three significant digits.
    static var emptyLatencies: Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    }

    var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    var cpuMicrosecondsPerCall: Double { requests > 0 ? cpuMicroseconds / Double(requests) : 0 }

    func percentile(_ value: Double) -> UInt64 {
        guard let latency, latency.totalCount > 0 else { return 0 }
        return latency.valueAtPercentile(value)
    }

    /// Adds a caller's counts (latencies are recorded in the shared histogram instead).
    mutating func merge(_ other: LoadResult) {
        requests += other.requests
        errors += other.errors
        events += other.events
        firstError = firstError ?? other.firstError
    }

    /// The `--json` object for this side.
    func json(streaming: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "p50_us": percentile(50), "p90_us": percentile(90), "p99_us": percentile(99), "p999_us": percentile(99.9),
            "cpu_us_per_call": (cpuMicrosecondsPerCall * 10).rounded() / 10, "errors": errors, "requests": requests,
        ]
        if streaming {
            object["events_per_s"] = eventsPerSecond.rounded()
        } else {
            object["rps"] = requestsPerSecond.rounded()
        }
        if let connectionsOpened { object["connections_opened"] = connectionsOpened }
        return object
    }

    /// One line for people.
    func line(label: String, streaming: Bool) -> String {
        let rate = streaming ? "\(Int(eventsPerSecond.rounded())) events/s" : "\(Int(requestsPerSecond.rounded())) req/s"
        var text = "\(label): \(rate), p50 \(percentile(50)) µs, p90 \(percentile(90)) µs, p99 \(percentile(99)) µs, "
        text += "p99.9 \(percentile(99.9)) µs, CPU \(String(format: "%.1f", cpuMicrosecondsPerCall)) µs/call, \(requests) requests, \(errors) errors"
        if let connectionsOpened { text += ", \(connectionsOpened) connections opened" }
        if let firstError { text += " (first error: \(firstError))" }
        return text
    }
}
