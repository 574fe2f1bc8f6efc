import Hummingbird

/// What a route handler receives once the middlewares have recorded, faulted and authenticated
/// the request.
struct RouteRequest: Sendable {
    /// The request; its body is still a stream for multipart uploads.
    let request: Request
    /// The request context, with the connection's channel and what the middlewares learnt.
    let context: MockRequestContext
    /// The live settings as they were when the request reached its route.
    let settings: LiveSettings

    /// The collected body of a non-multipart request (empty for multipart).
    var body: ByteBuffer { self.context.body }

    /// The fault that changes this request's answer, if any.
    var answerFault: AnswerFault? { self.context.answerFault }

    /// Set when a ``MockFault/dropStreamAfter(events:)`` fault applies to this chat request.
    var dropStreamAfter: Int? {
        if case .dropStream(let events)? = self.answerFault { events } else { nil }
    }

    /// Set when a ``MockFault/lyingPageCounts(totalItems:fullPages:)`` fault applies to this request.
    var lyingPageCounts: (totalItems: Int, fullPages: Bool)? {
        if case .lyingPageCounts(let totalItems, let fullPages)? = self.answerFault { (totalItems, fullPages) } else { nil }
    }

    /// Set when a ``MockFault/flawedAnswer(_:)`` fault applies to this chat request.
    var answerFlaw: MockAnswerFlaw? {
        if case .flawedAnswer(let flaw)? = self.answerFault { flaw } else { nil }
    }

    /// Whether a ``MockFault/absurdNumbers`` fault applies to this request.
    var absurdNumbers: Bool { self.answerFault == .absurdNumbers }

    /// Whether a ``MockFault/reversedEmbeddings`` fault applies to this request.
    var reversedEmbeddings: Bool { self.answerFault == .reversedEmbeddings }

    /// Whether a ``MockFault/invalidBase64`` fault applies to this request.
    var invalidBase64: Bool { self.answerFault == .invalidBase64 }

    /// The body parsed as JSON, or `nil` when it is empty or not JSON.
    var json: JSONValue? { self.context.json }

    /// The response shape for this request.
    var shape: MockResponseShape { self.settings.shape }

    /// Reports the output tokens (`usage.completion_tokens`) of this request's chat answer, to
    /// be charged to the shared quota (``MockSharedQuota``); does nothing without one.
    func reportOutputTokens(_ tokens: Int) {
        self.context.outputTokenMeter?.add(tokens)
    }
}

/// A route's handler.
typealias RouteHandler = @Sendable (RouteRequest) async throws -> Response
