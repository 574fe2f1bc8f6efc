import Foundation
import Hummingbird
import NIOFoundationCompat

/// What a route handler receives once the pipeline has counted, faulted and authenticated
/// the request.
struct RouteRequest: Sendable {
    /// The request; its body is still a stream for multipart uploads.
    let request: Request
    /// The request context, with the connection's channel.
    let context: MockRequestContext
    /// The collected body of a non-multipart request (empty for multipart).
    let body: ByteBuffer
    /// The live settings as they were when the request arrived.
    let settings: LiveSettings
    /// Set when a ``MockFault/dropStreamAfter(events:)`` fault applies to this chat request.
    let dropStreamAfter: Int?

    /// The body parsed as JSON, or `nil` when it is empty or not JSON.
    var json: JSONValue? {
        guard self.body.readableBytes > 0 else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: self.body)
    }

    /// The response shape for this request.
    var shape: MockResponseShape { self.settings.shape }
}

/// A route's handler.
typealias RouteHandler = @Sendable (RouteRequest) async throws -> Response
