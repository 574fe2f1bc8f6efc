import Logging

@testable import AIYou

/// Counts log messages by text, cheaply enough for load tests.
final class MessageCounter: Sendable {
    private let counts = Locked<[String: Int]>([:])

    func count(_ message: String) -> Int { counts.withLock { $0[message, default: 0] } }
    fileprivate func record(_ message: String) { counts.withLock { $0[message, default: 0] += 1 } }

    var logger: Logger {
        var logger = Logger(label: "aiyou.count") { _ in CountingLogHandler(counter: self) }
        logger.logLevel = .debug
        return logger
    }
}

private struct CountingLogHandler: LogHandler {
    let counter: MessageCounter
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Counts the message, and the message followed by its `aiyou.status` when it has one
    /// (`retrying 503`).
    func log(event: LogEvent) {
        let message = event.message.description
        counter.record(message)
        if let status = event.metadata?["aiyou.status"] { counter.record("\(message) \(status)") }
    }
}
