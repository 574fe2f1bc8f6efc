import ArgumentParser

/// `aiyou bench --executor`: where the SDK's caller tasks run.
enum BenchExecutor: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// The cooperative pool, as any task.
    case `default`
    /// The client's event loops (`AIYouClient.eventLoopExecutor()`): no thread hop per call.
    case eventLoop = "event-loop"
}
