import ArgumentParser

/// `aiyou bench --executor`: where the SDK's caller tasks run.
enum BenchExecutor: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// The cooperative pool, as any task (the takeover is not installed).
    case `default`
    /// The client's event loops (`AIYouClient.eventLoopExecutor()`): no thread hop per call.
    case eventLoop = "event-loop"
    /// Every task on NIO's event loops: the executor takeover `aiyou` installs at start
    /// (``ExecutorTakeover``); callers need no preference.
    case takeover
}
