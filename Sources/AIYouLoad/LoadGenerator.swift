import Foundation
import Histogram
import NIOConcurrencyHelpers
import Synchronization

/// Runs `call` from `concurrency` tasks until `requests` calls were made or `duration` passed,
/// recording each call's latency. `call` returns the number of events it received (0 for plain calls).
public struct LoadGenerator: Sendable {
    /// The number of caller tasks.
    public var concurrency: Int
    /// How many calls to make in all; `nil` to call until ``duration`` has passed.
    public var requests: Int?
    /// How long to call when ``requests`` is `nil`.
    public var duration: Duration
    /// The name in the progress lines, e.g. `sdk`.
    public var label: String
    /// Whether a progress line (`LABEL: N s, M calls`) is written to stderr every second.
    public var showsProgress: Bool
    /// When not empty, caller task `i` prefers `executors[i % count]` (the SDK's event-loop
    /// executors); otherwise callers run on the cooperative pool.
    public var executors: [any TaskExecutor] = []

    /// Creates a load of `concurrency` callers, for `requests` calls or `duration`.
    ///
    /// - Parameters:
    ///   - concurrency: The number of caller tasks.
    ///   - requests: The number of calls in all; `nil` to call for `duration`.
    ///   - duration: How long to call when `requests` is `nil`.
    ///   - label: The name in the progress lines.
    ///   - showsProgress: Whether to write a progress line to stderr every second.
    ///   - executors: The task executors the callers prefer, in turn; empty for none.
    public init(
        concurrency: Int,
        requests: Int?,
        duration: Duration,
        label: String,
        showsProgress: Bool,
        executors: [any TaskExecutor] = []
    ) {
        self.concurrency = concurrency
        self.requests = requests
        self.duration = duration
        self.label = label
        self.showsProgress = showsProgress
        self.executors = executors
    }

    /// Runs the load and returns what it measured: calls, errors, events, latency percentiles,
    /// wall time and the process's CPU time over the run.
    ///
    /// - Parameter call: One call; it receives the call's number (from 0) and returns the number
    ///   of events it received (0 for a plain call). A call that throws is counted as an error
    ///   (the first error's description is kept) and the load goes on.
    public func run(_ call: @escaping @Sendable (Int) async throws -> Int) async -> LoadResult {
        let counters = Counters()
        // One histogram for all callers, behind a lock: a histogram is about 140 KB, so one per
        // caller would make the tool's own memory grow with the concurrency it measures.
        let latencies = NIOLockedValueBox(LoadResult.emptyLatencies)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let cpuBefore = ProcessCPU.microseconds()
        let requests = self.requests
        var total = LoadResult(latency: nil)
        await withTaskGroup(of: LoadResult.self) { group in
            // One caller's loop: issue calls until the count or the deadline is reached.
            let callerLoop: @Sendable () async -> LoadResult = {
                var result = LoadResult(latency: nil)
                while true {
                    let index = counters.issued.add(1, ordering: .relaxed).oldValue
                    if let requests {
                        if index >= requests { break }
                    } else if clock.now >= deadline {
                        break
                    }
                    let began = clock.now
                    do {
                        result.events += try await call(index)
                    } catch {
                        result.errors += 1
                        if result.firstError == nil { result.firstError = "\(error)" }
                    }
                    let elapsed = clock.now - began
                    let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
                    latencies.withLockedValue { _ = $0.record(UInt64(max(1, micros))) }
                    result.requests += 1
                    counters.finished.add(1, ordering: .relaxed)
                }
                return result
            }
            for caller in 0..<concurrency {
                // A task without a preference unless executors are given: a preference record,
                // even a nil one, would add work to every job the caller runs.
                if executors.isEmpty {
                    group.addTask(operation: callerLoop)
                } else {
                    group.addTask(executorPreference: executors[caller % executors.count], operation: callerLoop)
                }
            }
            if showsProgress {
                group.addTask {
                    var second = 0
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        second += 1
                        let done = counters.finished.load(ordering: .relaxed)
                        if let requests, done >= requests { break }
                        if requests == nil, clock.now >= deadline { break }
                        FileHandle.standardError.write(Data("\(label): \(second) s, \(done) calls\n".utf8))
                    }
                    return LoadResult(latency: nil)
                }
            }
            for await partial in group { total.merge(partial) }
        }
        total.latency = latencies.withLockedValue { $0 }
        let elapsed = clock.now - start
        total.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        total.cpuMicroseconds = ProcessCPU.microseconds() - cpuBefore
        return total
    }

    /// Shared between the caller tasks.
    private final class Counters: Sendable {
        let issued = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
    }
}
