import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Collects a whole answer on the event loop and hands it over once. A successful answer may be
/// up to ``Configuration/Limits/maxResponseBodyBytes`` (larger fails with
/// ``TransportError/Kind/tooLarge``); of an error answer only the first
/// ``Configuration/Limits/maxErrorBodyBytes`` are read, the connection is then closed.
///
/// When an error answer's body does not arrive whole (cut at its limit, or its deadline passed
/// while it dripped in), ``partialErrorAnswer`` still gives its status, headers and what did
/// arrive: the policy decides on the status, the excerpt shows the beginning.
//
// @unchecked Sendable: AsyncHTTPClient calls every delegate method on the task's event loop, one
// at a time (`RequestBag` runs them all on `task.eventLoop`), so the mutable state is only ever
// touched from that one thread while the request runs. The owner reads `requestSent` and
// `partialErrorAnswer` only after the task's future has completed, which happens after the last
// callback on the same event loop.
final class WholeResponse: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = TransportResponse

    private let limits: Configuration.Limits
    /// The upload of this request, stopped once an error answer to it is in.
    private let upload: UploadInterruption?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    /// The length an error answer announced, while an upload waits for it to arrive.
    private var awaitedErrorLength: Int?
    /// Set once the whole request (head and body) has been written to the connection.
    private(set) var requestSent = false

    /// The error thrown out of a body part to stop reading an error answer at its limit.
    private struct ErrorBodyCut: Error {}

    init(limits: Configuration.Limits, upload: UploadInterruption? = nil) {
        self.limits = limits
        self.upload = upload
    }

    private var isSuccess: Bool { head.map { (200..<300).contains($0.status.code) } ?? false }

    func didSendRequest(task: HTTPClient.Task<Response>) {
        requestSent = true
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        let limit = limits.maxResponseBodyBytes
        let length = head.headers.first(name: "content-length").flatMap { Int($0) }
        if isSuccess, let length, length > limit {
            return task.eventLoop.makeFailedFuture(Self.tooLarge(limit))
        }
        if let upload, !isSuccess, !requestSent {
            // Refused before the upload was sent: stop it once the answer is in — at once when it
            // has no body, when its announced length has arrived, or after a short grace.
            if length == 0 {
                upload.stop()
            } else {
                awaitedErrorLength = length.map { min($0, limits.maxErrorBodyBytes) }
                task.eventLoop.scheduleTask(in: UploadInterruption.grace) { upload.stop() }
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    private static func tooLarge(_ limit: Int) -> TransportError {
        TransportError(.tooLarge, "the answer is larger than \(limit) bytes (limits.maxResponseBodyBytes)")
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let limit = isSuccess ? limits.maxResponseBodyBytes : limits.maxErrorBodyBytes
        let held = body?.readableBytes ?? 0
        guard part.readableBytes <= limit - held else {
            guard isSuccess else {
                var kept = part
                kept.moveWriterIndex(to: kept.readerIndex + (limit - held))
                append(kept)
                return task.eventLoop.makeFailedFuture(ErrorBodyCut())
            }
            return task.eventLoop.makeFailedFuture(Self.tooLarge(limit))
        }
        append(part)
        if let awaitedErrorLength, (body?.readableBytes ?? 0) >= awaitedErrorLength { upload?.stop() }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    private func append(_ part: ByteBuffer) {
        if body == nil {
            body = part
        } else {
            var part = part
            body!.writeBuffer(&part)
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> TransportResponse {
        guard let head else { throw TransportError(.broken, "the connection closed before an answer", requestSent: requestSent) }
        return TransportResponse(status: Int(head.status.code), headers: head.headers, body: .whole(body ?? ByteBuffer()))
    }

    /// After the task failed with `error`: the error answer as far as it arrived, when the failure
    /// came while reading an error answer's body (its limit, its deadline, a broken connection).
    func partialErrorAnswer(after error: any Error) -> TransportResponse? {
        guard let head, !isSuccess else { return nil }
        if error is CancellationError { return nil }
        if let error = error as? HTTPClientError, error == .cancelled || error == .alreadyShutdown { return nil }
        return TransportResponse(status: Int(head.status.code), headers: head.headers, body: .whole(body ?? ByteBuffer()))
    }
}
