import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Collects a whole answer on the event loop and hands it over once, as an `HTTPClientResponse`
/// with its body already read. It does what AsyncHTTPClient's `ResponseAccumulator` does for the
/// client, without its lock, its redirect history and the `URL` reads it makes per request.
/// Answers larger than `maxBodySize` fail with `ResponseAccumulator.ResponseTooBigError`.
//
// @unchecked Sendable: the mutable state is touched only by `didReceiveHead`,
// `didReceiveBodyPart` and `didFinishRequest`. AsyncHTTPClient calls these three strictly one at a
// time, each only after the future returned by the previous one has completed (the exclusivity
// documented on `HTTPClientResponseDelegate`), so every access happens after the one before it.
// `didReceiveError`, the one callback that may come at any time, is not implemented.
final class WholeResponse: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = HTTPClientResponse

    private let maxBodySize: Int
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?

    init(maxBodySize: Int) {
        self.maxBodySize = maxBodySize
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBodySize {
            return task.eventLoop.makeFailedFuture(ResponseAccumulator.ResponseTooBigError(maxBodySize: maxBodySize))
        }
        self.head = head
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        if body == nil {
            body = part
        } else {
            var part = part
            body!.writeBuffer(&part)
        }
        if body!.readableBytes > maxBodySize {
            return task.eventLoop.makeFailedFuture(ResponseAccumulator.ResponseTooBigError(maxBodySize: maxBodySize))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> HTTPClientResponse {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return HTTPClientResponse(version: head.version, status: head.status, headers: head.headers, body: .bytes(body ?? ByteBuffer()))
    }
}
