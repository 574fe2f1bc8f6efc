import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the client reads the time and how it sleeps. Production uses the system clocks; tests
/// inject a manual source so expiry and backoff run instantly.
@_spi(Benchmarks)
public struct TimeSource: Sendable {
    /// Monotonic "now", for durations and deadlines.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Wall-clock "now", compared with the token's `expires_at`.
    public var wallClock: @Sendable () -> Date
    /// Sleeps for a duration; throws `CancellationError` at once when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A monotonic clock read as plain nanoseconds, and a cheaper reading of the same clock that
    /// may lag it by one scheduler tick but is never ahead of it. The rate limiter uses them to
    /// avoid `Duration` arithmetic on its hot path, and the cheap one where a token is available
    /// anyway. `nil` means "derive both from `now`" (what test clocks do).
    public var nanoseconds: (precise: @Sendable () -> Int64, coarse: @Sendable () -> Int64)? = nil
    /// Sleeps until a deadline on the ``now`` clock; `nil` means "``sleep`` for the time left".
    /// A timer that computed its deadline from an earlier reading wakes at that deadline, however
    /// long it took to go to sleep (a test clock moved meanwhile, or the thread was descheduled).
    public var sleepUntil: (@Sendable (ContinuousClock.Instant) async throws -> Void)? = nil

    /// The system's clocks and `Task.sleep`.
    public static let system = TimeSource(
        now: { ContinuousClock.now },
        wallClock: { Date() },
        sleep: { duration in try await Task.sleep(for: duration) },
        nanoseconds: systemNanoseconds,
        sleepUntil: { deadline in try await Task.sleep(until: deadline, clock: .continuous) }
    )

    /// Sleeps until `deadline` (at once when it has passed); throws `CancellationError` when the
    /// task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws {
        if let sleepUntil { return try await sleepUntil(deadline) }
        try await sleep(max(deadline - now(), .zero))
    }

    /// On Linux `CLOCK_MONOTONIC` and `CLOCK_MONOTONIC_COARSE` (36 ns against 8 ns per read on
    /// the project's machine); elsewhere the one monotonic clock for both.
    private static var systemNanoseconds: (precise: @Sendable () -> Int64, coarse: @Sendable () -> Int64)? {
        #if canImport(Glibc) || canImport(Musl)
        return (precise: { read(CLOCK_MONOTONIC) }, coarse: { read(CLOCK_MONOTONIC_COARSE) })
        #elseif canImport(Darwin)
        let read: @Sendable () -> Int64 = { Int64(clamping: clock_gettime_nsec_np(CLOCK_UPTIME_RAW)) }
        return (precise: read, coarse: read)
        #else
        return nil
        #endif
    }

    #if canImport(Glibc) || canImport(Musl)
    private static func read(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
    #endif
}

extension Duration {
    /// The duration in whole nanoseconds (rounded toward zero), saturating at `Int64`'s bounds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return whole.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}

extension Duration {
    /// The duration in whole milliseconds (rounded toward zero), saturating at `Int64`'s bounds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return sumOverflow ? .max : sum
    }
}
