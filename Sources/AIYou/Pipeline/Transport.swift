import NIOCore
import NIOHTTP1

/// The seam between the pipeline's policy (limiter, credentials, retries, idempotency,
/// classification) and the wire. ``HTTPClientTransport`` (AsyncHTTPClient) is the production
/// implementation; tests drive the policy through a scripted one, without sockets.
///
/// A transport sends exactly one attempt and never retries. It bounds everything it reads
/// (``TransportRequest/limits``) and gives every read a deadline, and it reports failures as
/// ``TransportError`` only.
package protocol Transport: Sendable {
    /// Sends one attempt and returns its answer: a whole body, or for a successful event stream
    /// a source of body pieces. Throws ``TransportError``.
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Releases the transport's resources (for a borrowed HTTP client: nothing).
    func shutdown() async throws

    /// An executor on one of the transport's event loops, round robin.
    func nextEventLoopExecutor() -> EventLoopTaskExecutor
}

/// One attempt, as the transport needs it.
package struct TransportRequest: Sendable {
    package var method: HTTPMethod
    /// Path and query below the base URL, percent-encoded.
    package var target: String
    package var headers: HTTPHeaders
    package var body: APIRequest.Body
    /// `.eventStream` asks for a stream source when the answer is a successful event stream,
    /// `.audio` when it is successful audio.
    package var accept: APIRequest.Accept
    /// How long the attempt may take until its answer is in hand (see ``Configuration/Timeouts/request``).
    package var timeout: Duration
    /// How long an open stream may go without an event.
    package var eventTimeout: Duration
    package var limits: Configuration.Limits

    package init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders,
        body: APIRequest.Body,
        accept: APIRequest.Accept,
        timeout: Duration,
        eventTimeout: Duration,
        limits: Configuration.Limits
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.accept = accept
        self.timeout = timeout
        self.eventTimeout = eventTimeout
        self.limits = limits
    }
}

/// What came back for one attempt.
package struct TransportResponse: Sendable {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: Body

    package enum Body: Sendable {
        /// The whole body: of a successful JSON answer (up to ``Configuration/Limits/maxResponseBodyBytes``),
        /// or the beginning of any other answer (up to ``Configuration/Limits/maxErrorBodyBytes``).
        case whole(ByteBuffer)
        /// A successful `text/event-stream` answer (or, for ``APIRequest/Accept/audio``, audio
        /// bytes), read piece by piece.
        case stream(any EventStreamSource)
    }

    /// The whole body, or an empty buffer for a stream.
    package var wholeBody: ByteBuffer {
        if case .whole(let buffer) = body { return buffer }
        return ByteBuffer()
    }
}

/// The body of an open event stream. Read by one consumer, one call at a time.
package protocol EventStreamSource: Sendable {
    /// The next piece of the body; `nil` at its end. Throws ``TransportError`` (a broken
    /// connection, or ``TransportError/Kind/idleTimeout`` when no event came for the event timeout).
    func next() async throws -> ByteBuffer?
    /// The caller is waiting for an event from now on (does nothing when it already was): the
    /// event timeout runs while it waits, and only then.
    func waitingForEvent()
    /// An event reached the caller: it no longer waits.
    func eventDelivered()
    /// The stream is finished (`[DONE]`): read nothing more for the caller. A short tail is read
    /// and dropped so that the connection can be used again; a long or endless one closes the
    /// connection instead.
    func finish()
    /// Closes the connection now (an error, or the caller went away). Does nothing once the
    /// answer has ended.
    func close()
}

/// Why an attempt failed on the wire, as the policy needs to know it.
package struct TransportError: Error, Sendable {
    package enum Kind: Sendable, Hashable {
        /// No connection could be made: refused, unreachable, name not resolved.
        case connectionFailed
        /// The connection could not be opened before the connect timeout.
        case connectTimeout
        /// The answer was not in hand before ``TransportRequest/timeout``.
        case requestTimeout
        /// The connection stayed silent, or a stream delivered no event, for too long.
        case idleTimeout
        /// The connection closed or failed in the middle of the exchange.
        case broken
        /// The answer went beyond a limit (``reason`` names it); the connection was closed.
        case tooLarge
        /// The calling task was cancelled.
        case cancelled
        /// The HTTP client was shut down.
        case shutdown
        /// The request could not be built (e.g. an invalid URL).
        case invalidRequest
    }

    package var kind: Kind
    /// A short, secret-free description of the cause, for the error message.
    package var reason: String
    /// Whether the whole request (head and body) had been written to the connection when the
    /// failure came. `false` proves that the service did not process it: a server acts on a
    /// request only once it has read all of it.
    package var requestSent: Bool
    package var underlying: (any Error)?

    package init(_ kind: Kind, _ reason: String, requestSent: Bool = true, underlying: (any Error)? = nil) {
        self.kind = kind
        self.reason = reason
        self.requestSent = requestSent
        self.underlying = underlying
    }
}
