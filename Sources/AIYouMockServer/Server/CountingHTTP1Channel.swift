import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with connection accounting: every accepted connection
/// is registered with the ``ConnectionTracker`` before the HTTP handlers are set up.
struct CountingHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    /// The wrapped HTTP/1 channel setup.
    let base: HTTP1Channel
    /// Where connections are counted.
    let tracker: ConnectionTracker

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let tracker = self.tracker
        let base = self.base
        return channel.eventLoop.makeCompletedFuture {
            tracker.track(channel)
            try channel.pipeline.syncOperations.addHandler(ConnectionObserverHandler(tracker: tracker), position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1 server whose connections are counted by `tracker`.
    static func countingHTTP1(tracker: ConnectionTracker) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            CountingHTTP1Channel(base: HTTP1Channel(responder: responder), tracker: tracker)
        }
    }
}
