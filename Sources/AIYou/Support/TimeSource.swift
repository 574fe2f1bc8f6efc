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
    /// The clock behind `now` read as plain nanoseconds, when the platform offers it: the rate
    /// limiter's hot path uses it to avoid `Duration` arithmetic. `nil` means "derive from `now`".
    public var nanoseconds: (@Sendable () -> Int64)? = nil

    /// The system's clocks and `Task.sleep`.
    public static let system = TimeSource(
        now: { ContinuousClock.now },
        wallClock: { Date() },
        sleep: { duration in try await Task.sleep(for: duration) },
        nanoseconds: systemNanoseconds
    )

    /// The clock `ContinuousClock` reads (boot time on Linux, raw monotonic time on Apple platforms).
    private static var systemNanoseconds: (@Sendable () -> Int64)? {
        #if canImport(Glibc) || canImport(Musl)
        return {
            var time = timespec()
            clock_gettime(CLOCK_BOOTTIME, &time)
            return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
        }
        #elseif canImport(Darwin)
        return { Int64(clamping: clock_gettime_nsec_np(CLOCK_MONOTONIC_RAW)) }
        #else
        return nil
        #endif
    }
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
