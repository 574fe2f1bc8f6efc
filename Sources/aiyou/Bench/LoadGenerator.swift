import Foundation
import Histogram
import NIOConcurrencyHelpers
import Synchronization

/// Runs `call` from `concurrency` tasks until `requests` calls were made or `duration` passed,
/// recording each call's latency. `call` returns the number of events it received (0 for plain calls).
struct LoadGenerator: Sendable {
    var concurrency: Int
    var requests: Int?
    var duration: Duration
    var label: String
    var showsProgress: Bool
    /// When not empty, caller task `i` prefers `executors[i % count]` (the SDK's event-loop
    /// executors); otherwise callers run on the cooperative pool.
    var executors: [any TaskExecutor] = []

    func run(_ call: @escaping @Sendable (Int) async throws -> Int) async -> LoadResult {
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
