/// The one error type every `AIYouClient` call throws.
///
/// Catch it and switch on ``code`` to decide what to do:
/// ```swift
/// do { _ = try await client.chatCompletion(request) }
/// catch let error as AIYouError where error.code == .rateLimited {
///     print("slow down for", error.retryAfter ?? .seconds(1))
/// }
/// ```
/// Descriptions never contain the password, the e-mail address or any token: every text that comes
/// from the wire is redacted before it is stored here, and bodies are cut to a short excerpt.
public struct AIYouError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a value to compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The configuration given to the client cannot work (no credentials, bad base URL, …).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The request was refused locally, before anything was sent (empty messages, bad page size, …).
        public static let invalidRequest = Code("invalidRequest")
        /// The service refused the credentials (login failed, or a token was rejected even after a fresh login).
        public static let unauthorized = Code("unauthorized")
        /// A rate limit was hit: the server answered 429, or the client-side limiter refused to wait that long.
        /// ``AIYouError/retryAfter`` says when to try again, when known.
        public static let rateLimited = Code("rateLimited")
        /// The requested resource does not exist (HTTP 404, or a thread id that no page contains).
        public static let notFound = Code("notFound")
        /// The service answered with another error status; see ``AIYouError/status`` and ``AIYouError/message``.
        public static let apiError = Code("apiError")
        /// The connection failed or broke before a complete answer arrived.
        public static let network = Code("network")
        /// A configured timeout elapsed.
        public static let timeout = Code("timeout")
        /// The answer could not be decoded; ``AIYouError/bodyExcerpt`` shows its beginning.
        public static let decoding = Code("decoding")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")
        /// The client was shut down before or during the call.
        public static let clientShutdown = Code("clientShutdown")
        /// The answer went beyond one of the client's limits (``Configuration/Limits``): a body,
        /// a stream event or line, or the number of pages walked. The connection was closed;
        /// nothing beyond the limit was read or kept.
        public static let limitExceeded = Code("limitExceeded")
        /// The configured service does not offer the operation (embeddings on AI.YOU, threads on
        /// LLMaaS, …) or the request uses a feature it does not have (tools on AI.YOU). Nothing was
        /// sent. See ``ServiceAPI``.
        public static let unsupported = Code("unsupported")

        /// The code's name, e.g. `rateLimited`.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A short, human-readable explanation (redacted).
    public var message: String
    /// The HTTP status, when the service answered.
    public var status: Int?
    /// The `type` field of a JSON error body, when present (e.g. `invalid_request_error`).
    public var errorType: String?
    /// The `code` field of an OpenAI-style error body (`{"error": {"code": …}}`), when present,
    /// e.g. `model_not_found` or `rate_limit_exceeded` (redacted and cut like every wire text).
    public var errorCode: String?
    /// The request field the service blamed (`param` of an OpenAI-style error body), e.g. `model`.
    public var errorParameter: String?
    /// The first bytes of the response body (at most ``AIYouError/maxExcerptLength`` characters, redacted).
    public var bodyExcerpt: String?
    /// The service's request id (`x-request-id`), when it sent one.
    public var requestID: String?
    /// How long to wait before trying again, for ``Code/rateLimited`` errors when known.
    public var retryAfter: Duration?
    /// The lower-level error this one wraps (a connection error, a `DecodingError`, …), when any.
    public var underlying: (any Error)?
    /// The call that failed (e.g. ``AIYouOperation/chatCompletion``), when the error comes from
    /// one; `nil` for an error made outside a call (a configuration refused by the client's
    /// initializer, a stream decoded from bytes you supplied).
    public var operation: AIYouOperation?
    /// What the service's answer means beyond its status, when the client recognised it.
    var hint: Hint?

    /// Answers the client recognises by their content and acts upon.
    enum Hint: Sendable, Hashable {
        /// The service refuses non-streamed chat completions ("Stream options" error).
        case streamingRequired
        /// The server refuses the `stream_options` field (an OpenAI-compatible server that does
        /// not report usage on streams).
        case streamUsageRefused
    }

    /// The longest body excerpt kept in an error.
    public static let maxExcerptLength = 512

    /// Creates an error. Library code redacts `message` and `bodyExcerpt` before calling this.
    public init(
        _ code: Code,
        _ message: String,
        status: Int? = nil,
        errorType: String? = nil,
        bodyExcerpt: String? = nil,
        requestID: String? = nil,
        retryAfter: Duration? = nil,
        underlying: (any Error)? = nil,
        operation: AIYouOperation? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.errorType = errorType
        self.bodyExcerpt = bodyExcerpt
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.underlying = underlying
        self.operation = operation
    }

    /// One line: code, operation, status, message, and the retry delay when known, e.g.
    /// `AIYouError.rateLimited in chat.completion (HTTP 429): rate limited by the service`.
    /// Control characters are escaped, so printing it cannot drive a terminal.
    public var description: String {
        var text = "AIYouError.\(code)"
        if let operation { text += " in \(operation.name)" }
        if let status { text += " (HTTP \(status))" }
        text += ": \(message)"
        if let retryAfter { text += " [retry after \(retryAfter.formattedSeconds)]" }
        if let requestID { text += " [request id \(requestID)]" }
        return SafeText.escapingControlCharacters(text, keepingLineBreaks: false)
    }

    /// ``description`` plus the error type, the body excerpt and the underlying error's type.
    public var debugDescription: String {
        var text = description
        if let errorType { text += " [type \(errorType)]" }
        if let errorCode { text += " [code \(errorCode)]" }
        if let errorParameter { text += " [param \(errorParameter)]" }
        if let bodyExcerpt, !bodyExcerpt.isEmpty { text += " body: \(bodyExcerpt)" }
        if let underlying { text += " underlying: \(type(of: underlying))" }
        return SafeText.escapingControlCharacters(text, keepingLineBreaks: false)
    }
}

extension AIYouError {
    /// This error with `operation` as its ``operation`` when it names none yet.
    func naming(_ operation: AIYouOperation?) -> AIYouError {
        guard self.operation == nil, let operation else { return self }
        var named = self
        named.operation = operation
        return named
    }

    static func invalidRequest(_ message: String, operation: AIYouOperation? = nil) -> AIYouError {
        AIYouError(.invalidRequest, message, operation: operation)
    }

    static func invalidConfiguration(_ message: String) -> AIYouError {
        AIYouError(.invalidConfiguration, message)
    }
}

extension Duration {
    /// `1.5 s`, `250 ms` — for messages.
    var formattedSeconds: String {
        let milliseconds = self.milliseconds
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let tenths = milliseconds / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// The duration in seconds as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
