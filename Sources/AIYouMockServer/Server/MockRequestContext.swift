import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The request context of the mock server: Hummingbird's core context, the connection's
/// channel, and what the middlewares learn about the request for the ones after them and for
/// the route handler.
struct MockRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// The TCP connection the request arrived on, for the faults that drop or hold it.
    let channel: any Channel
    /// The collected body, set by ``RecordMiddleware``: empty for multipart requests and for
    /// the routes that stream their upload.
    var body = ByteBuffer()
    /// The secrets the request carries, set by ``RecordMiddleware``.
    var secrets = RequestSecrets()
    /// The fault that changes, extends or withholds the route's answer, set by
    /// ``FaultMiddleware``.
    var answerFault: AnswerFault?
    /// The hostile chat answer that replaces the route's answer, set by ``FaultMiddleware``.
    var hostileChatFault: HostileChatFault?
    /// Where a chat route reports its answer's output tokens, set by ``SharedQuotaMiddleware``
    /// when a shared quota is in force; `nil` otherwise.
    var outputTokenMeter: OutputTokenMeter?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The collected body parsed as JSON, or `nil` when it is empty or not JSON.
    var json: JSONValue? {
        guard self.body.readableBytes > 0 else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: self.body)
    }
}
