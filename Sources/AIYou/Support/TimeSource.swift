import Foundation

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

    /// The system's clocks and `Task.sleep`.
    public static let system = TimeSource(
        now: { ContinuousClock.now },
        wallClock: { Date() },
        sleep: { duration in try await Task.sleep(for: duration) }
    )
}
