import Foundation

/// A saved `aiyou --json bench` record, to compare a run against (`--compare FILE`): another
/// version of the SDK, or another client whose harness writes the same keys.
///
/// Read from the record's `sdk` object (or, with none, the top level): `rps` or `events_per_s`,
/// `p50_us`, `p99_us`, `cpu_us_per_call`, and optionally `connections_opened`. Missing keys are
/// skipped.
public struct BenchRecord: Sendable {
    /// What the record was, for the printed line.
    public var label: String
    /// The values read, by key (`rps`, `p99_us`, …).
    public var values: [String: Double]

    /// The file is missing, larger than 1 MiB, not a JSON object, or holds none of the keys.
    public struct Unreadable: Error, CustomStringConvertible {
        /// The file that could not be read.
        public var path: String
        /// The message printed for it.
        public var description: String { "--compare: \(path) is not a JSON record of aiyou bench" }
    }

    /// Reads a record from a JSON file.
    ///
    /// - Parameter path: The file's path.
    /// - Throws: ``Unreadable`` when the file cannot be read as a record.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), data.count < 1 << 20,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw Unreadable(path: path) }
        let side = object["sdk"] as? [String: Any] ?? object
        var values: [String: Double] = [:]
        for key in ["rps", "events_per_s", "p50_us", "p99_us", "cpu_us_per_call", "connections_opened"] {
            if let number = side[key] as? NSNumber, number.doubleValue.isFinite { values[key] = number.doubleValue }
        }
        guard !values.isEmpty else { throw Unreadable(path: path) }
        self.values = values
        self.label = [object["endpoint"], object["concurrency"], object["executor"]].compactMap { $0.map { "\($0)" } }.joined(
            separator: ", "
        )
    }

    /// This run divided by the saved one, key by key: above 1 means more throughput, or more
    /// latency, CPU or connections than the saved run.
    public func ratios(of result: LoadResult, streaming: Bool) -> [String: Double] {
        let current: [String: Double] = [
            streaming ? "events_per_s" : "rps": streaming ? result.eventsPerSecond : result.requestsPerSecond,
            "p50_us": Double(result.percentile(50)), "p99_us": Double(result.percentile(99)),
            "cpu_us_per_call": result.cpuMicrosecondsPerCall,
        ].merging(result.connectionsOpened.map { ["connections_opened": Double($0)] } ?? [:]) { $1 }
        var ratios: [String: Double] = [:]
        for (key, value) in current {
            guard let saved = values[key], saved > 0 else { continue }
            ratios[key] = (value / saved * 1000).rounded() / 1000
        }
        return ratios
    }
}
