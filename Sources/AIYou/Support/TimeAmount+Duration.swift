import NIOCore

extension TimeAmount {
    /// The same span of time, in NIO's unit (the transport's and the pool's timeouts).
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanoseconds)
    }
}
