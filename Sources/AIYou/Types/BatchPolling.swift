/// How ``AIYouClient/waitForBatch(id:polling:options:isolation:onUpdate:)`` polls a batch: the first
/// pause is ``interval``, each following one twice the previous, never more than
/// ``maxInterval``; after ``timeout`` the wait ends with ``AIYouError/Code/timeout``.
///
/// The defaults suit the service (batches take hours, typically 2 to 4): quick polls at first for
/// a small batch, then one a minute; a day's completion window plus an hour.
public struct BatchPolling: Hashable, Sendable {
    /// The pause after the first poll. Default 1 s.
    public var interval: Duration
    /// The longest pause between two polls. Default 60 s.
    public var maxInterval: Duration
    /// How long the wait may last in all. Default 25 h.
    public var timeout: Duration

    /// Polling with the given pauses and deadline.
    public init(interval: Duration = .seconds(1), maxInterval: Duration = .seconds(60), timeout: Duration = .seconds(25 * 3600)) {
        self.interval = interval
        self.maxInterval = maxInterval
        self.timeout = timeout
    }

    /// Refuses values that would poll without pause or never end.
    func validate() throws(AIYouError) {
        guard interval > .zero, maxInterval >= interval, timeout > .zero else {
            throw .invalidRequest(
                "waitForBatch: polling needs interval > 0, maxInterval ≥ interval and timeout > 0 (got \(interval), \(maxInterval), \(timeout))",
                operation: .batch
            )
        }
    }

    /// The pause after poll `number` (from 0).
    func pause(after number: Int) -> Duration {
        var pause = interval
        for _ in 0..<min(number, 62) {
            if pause >= maxInterval / 2 { return maxInterval }
            pause *= 2
        }
        return min(pause, maxInterval)
    }
}
