import Hummingbird
import NIOCore

/// The request context of the mock server: Hummingbird's core context plus the connection's
/// channel, which the faults that drop or hang a connection need.
struct MockRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// The TCP connection the request arrived on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
