import NIOConcurrencyHelpers
import NIOCore

/// Counts the TCP connections the server accepts and remembers which ones the client has
/// closed its side of, so a hanging request can notice that its client went away.
final class ConnectionTracker: Sendable {
    private struct State {
        var opened = 0
        var open = 0
        var peerClosed: Set<ObjectIdentifier> = []
    }

    private let state = NIOLockedValueBox(State())

    /// Registers a newly accepted connection and arranges for it to be unregistered on close.
    func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        self.state.withLockedValue { state in
            state.opened += 1
            state.open += 1
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLockedValue { state in
                state.open -= 1
                state.peerClosed.remove(id)
            }
        }
    }

    /// Notes that the client closed its sending side of `channel`.
    func peerClosedInput(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        _ = self.state.withLockedValue { $0.peerClosed.insert(id) }
    }

    /// Whether the client has closed its sending side of `channel` (or the channel is closed).
    func isGone(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        return !channel.isActive || self.state.withLockedValue { $0.peerClosed.contains(id) }
    }

    /// Connections accepted since start or the last ``resetOpenedCount()``.
    var openedCount: Int { self.state.withLockedValue { $0.opened } }

    /// Connections currently open.
    var openCount: Int { self.state.withLockedValue { $0.open } }

    /// Sets the accepted-connections counter back to zero.
    func resetOpenedCount() {
        self.state.withLockedValue { $0.opened = 0 }
    }
}
