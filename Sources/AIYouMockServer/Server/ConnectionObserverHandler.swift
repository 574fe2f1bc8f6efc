import NIOCore

/// Sits first in each connection's pipeline and tells the ``ConnectionTracker`` when the
/// client closes its side, then passes everything on unchanged.
final class ConnectionObserverHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let tracker: ConnectionTracker

    init(tracker: ConnectionTracker) {
        self.tracker = tracker
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.tracker.peerClosedInput(context.channel)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

@available(*, unavailable)
extension ConnectionObserverHandler: Sendable {}
