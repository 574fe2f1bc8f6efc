import Histogram

/// What one side (SDK or baseline) of a load run measured.
public struct LoadResult: Sendable {
    /// Calls made (failed ones included).
    public var requests = 0
    /// Calls that threw.
    public var errors = 0
    /// Events received, over all calls (streams).
    public var events = 0
    /// Wall time of the run, in seconds.
    public var seconds = 0.0
    /// CPU time the whole process used during the run, in microseconds.
    public var cpuMicroseconds = 0.0
    /// Connections opened during the run, when the caller counted them; `nil` otherwise.
    public var connectionsOpened: Int?
    /// Latencies in microseconds; `nil` in a caller's partial result (all callers record into
    /// one shared histogram).
    public var latency: Histogram<UInt64>? = LoadResult.emptyLatencies
    /// The description of the first error seen, if any.
    public var firstError: String?

    /// Microseconds from 1 µs to 120 s, three significant digits.
    static var emptyLatencies: Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Calls per second of wall time.
    public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    /// Events per second of wall time.
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    /// CPU time per call, in microseconds.
    public var cpuMicrosecondsPerCall: Double { requests > 0 ? cpuMicroseconds / Double(requests) : 0 }

    /// The latency at this percentile (`99.9` for p99.9), in microseconds; 0 with no latency
    /// recorded.
    public func percentile(_ value: Double) -> UInt64 {
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

    /// The `--json` object for this side: `p50_us`, `p90_us`, `p99_us`, `p999_us`,
    /// `cpu_us_per_call`, `errors`, `requests`, then `events_per_s` when `streaming` (else `rps`)
    /// and `connections_opened` when counted.
    public func json(streaming: Bool) -> [String: Any] {
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

    /// One line for people, starting with `label`: the rate, the percentiles, CPU per call,
    /// counts, connections opened (when counted) and the first error (if any).
    public func line(label: String, streaming: Bool) -> String {
        let rate = streaming ? "\(Int(eventsPerSecond.rounded())) events/s" : "\(Int(requestsPerSecond.rounded())) req/s"
        var text = "\(label): \(rate), p50 \(percentile(50)) µs, p90 \(percentile(90)) µs, p99 \(percentile(99)) µs, "
        text +=
            "p99.9 \(percentile(99.9)) µs, CPU \(String(format: "%.1f", cpuMicrosecondsPerCall)) µs/call, \(requests) requests, \(errors) errors"
        if let connectionsOpened { text += ", \(connectionsOpened) connections opened" }
        if let firstError { text += " (first error: \(firstError))" }
        return text
    }
}
