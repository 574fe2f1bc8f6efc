import NIOCore

/// Ends an upload the service has already refused. When an error head (status 300 or more)
/// arrives while the request body is still being sent, AsyncHTTPClient pauses the body and
/// completes the request only once the body stream ends — which a paused stream never does.
/// Without this, an early 413 or 422 to an upload would hold the call until `timeouts.upload`.
///
/// ``WholeResponse`` calls ``stop()`` once the error answer is in (its announced length read, or
/// a short while after its head); the body stream then fails, AsyncHTTPClient fails the request,
/// and the transport hands the error answer that arrived to the policy.
final class UploadInterruption: Sendable {
    private struct State: Sendable {
        var promise: EventLoopPromise<Void>?
        var stopped = false
    }

    private let state = Locked(State())

    /// How long after an error head the upload is stopped when the answer's length is unknown.
    static let grace: TimeAmount = .milliseconds(250)

    /// The future AsyncHTTPClient waits on for the body stream: the outcome of `upload` (which
    /// writes the body), or a failure as soon as ``stop()`` is called.
    func bodyStream(on eventLoop: any EventLoop, _ upload: @escaping @Sendable () async throws -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let stopped = state.withLock { state in
            if !state.stopped { state.promise = promise }
            return state.stopped
        }
        if stopped {
            promise.fail(Self.stoppedError)
            return promise.futureResult
        }
        let work = eventLoop.makePromise(of: Void.self)
        work.completeWithTask(upload)
        work.futureResult.whenComplete { [self] result in
            state.withLock { $0.promise.take() }?.completeWith(result)
        }
        return promise.futureResult
    }

    /// Stops the upload (once; later calls do nothing).
    func stop() {
        let promise = state.withLock { state in
            state.stopped = true
            return state.promise.take()
        }
        promise?.fail(Self.stoppedError)
    }

    static let stoppedError = TransportError(.broken, "the service answered before the upload was sent", requestSent: false)
}
