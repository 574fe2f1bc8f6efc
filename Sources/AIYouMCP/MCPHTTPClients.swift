import AIYou
import AsyncHTTPClient
import NIOPosix
import Synchronization

/// The HTTP client of a toolbox: the caller's, borrowed, or one of its own made on first use —
/// set as the AIYou client's own pool is (a failed connection reported at once, no redirect
/// followed, no decompression) — and shut down at ``shutdown()``. Made on first use so that a
/// toolbox that never connects (a configuration refused, stdio servers only) owns nothing to
/// shut down.
final class MCPHTTPClients: Sendable {
    private enum Own {
        case none
        case running(HTTPClient)
        case shutDown
    }

    private let lent: HTTPClient?
    private let connectTimeout: Duration
    private let own = Mutex(Own.none)

    init(lent: HTTPClient?, connectTimeout: Duration) {
        self.lent = lent
        self.connectTimeout = connectTimeout
    }

    /// The client to use; `nil` once shut down.
    func client() -> HTTPClient? {
        if let lent { return lent }
        return own.withLock { own in
            switch own {
            case .running(let client):
                return client
            case .shutDown:
                return nil
            case .none:
                var timeouts = Configuration.Timeouts()
                timeouts.connect = connectTimeout
                let client = HTTPClient(
                    eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                    configuration: AIYouClient.httpConfiguration(timeouts: timeouts, connectionPool: .init())
                )
                own = .running(client)
                return client
            }
        }
    }

    /// Shuts the toolbox's own client down (a borrowed one is left alone).
    func shutdown() async {
        let running: HTTPClient? = own.withLock { own in
            defer { own = .shutDown }
            if case .running(let client) = own { return client }
            return nil
        }
        try? await running?.shutdown()
    }
}
