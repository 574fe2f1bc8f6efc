import Logging

/// Settings of one call that take the place of the client's ``Configuration`` for that call only.
///
/// Every endpoint method takes them as its last argument:
///
/// ```swift
/// let options = RequestOptions(timeout: .seconds(20), retry: .disabled, headers: [("X-Tenant", "acme")])
/// let answer = try await client.chatCompletion(request, options: options)
/// ```
/// They are checked before anything is sent; a problem throws ``AIYouError/Code/invalidRequest``.
public struct RequestOptions: Sendable {
    /// The deadline of each attempt of this call, in place of ``Configuration/Timeouts/request``
    /// (or ``Configuration/Timeouts/upload`` for an upload). `nil` keeps the configured one.
    public var timeout: Duration?
    /// The retry policy of this call, in place of ``Configuration/retry``. `nil` keeps the
    /// configured one.
    public var retry: Configuration.Retry?
    /// Headers added to every request of this call (a retry sends them again). Headers the client
    /// sets itself (`Authorization`, `Content-Type`, `Content-Length`, `Accept`, `Host`,
    /// `Connection`, `Transfer-Encoding`) cannot be replaced.
    public var headers: [(name: String, value: String)]
    /// The logger of this call, in place of ``Configuration/logger``.
    public var logger: Logger?
    /// Members added to the JSON body of this call, for parameters the client does not model
    /// yet (vLLM's `top_k`, `repetition_penalty`, `chat_template_kwargs`, …), written after the
    /// modelled ones in key order:
    ///
    /// ```swift
    /// let options = RequestOptions(extraBodyFields: ["top_k": 20, "chat_template_kwargs": ["enable_thinking": false]])
    /// ```
    /// A name the request models (e.g. `temperature`: set it on the request), an empty name, or
    /// a call whose body is not JSON (a transcription upload, a listing) is refused with
    /// ``AIYouError/Code/invalidRequest`` before anything is sent.
    public var extraBodyFields: [String: JSONValue]

    /// Options that change nothing: the configuration applies.
    public init(
        timeout: Duration? = nil,
        retry: Configuration.Retry? = nil,
        headers: [(name: String, value: String)] = [],
        extraBodyFields: [String: JSONValue] = [:],
        logger: Logger? = nil
    ) {
        self.timeout = timeout
        self.retry = retry
        self.headers = headers
        self.extraBodyFields = extraBodyFields
        self.logger = logger
    }

    /// Header names the client manages; an option cannot set them.
    static let reservedHeaderNames: Set<String> = [
        "authorization", "content-type", "content-length", "accept", "host", "connection", "transfer-encoding",
    ]

    /// Throws ``AIYouError/Code/invalidRequest`` naming the first problem: a timeout that is not
    /// positive or longer than a day, an invalid retry policy, a header name that is not an HTTP
    /// token or is reserved, a header value with control characters.
    func validate(operation: AIYouOperation) throws(AIYouError) {
        if let timeout, timeout <= .zero || timeout > WireValue.maxServerDelay {
            throw .invalidRequest("options.timeout must be positive and at most 1 day", operation: operation)
        }
        if let problem = retry?.problem { throw .invalidRequest("options.retry: \(problem)", operation: operation) }
        for (name, value) in headers {
            let shownName = SafeText.escapingControlCharacters(name, keepingLineBreaks: false)
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenCharacter) else {
                throw .invalidRequest("options.headers: \"\(shownName)\" is not a valid header name", operation: operation)
            }
            guard !Self.reservedHeaderNames.contains(name.lowercased()) else {
                throw .invalidRequest("options.headers: \(shownName) is set by the client and cannot be replaced", operation: operation)
            }
            // Horizontal tab is the only control character a field value may hold.
            guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw .invalidRequest("options.headers: the value of \(shownName) contains control characters", operation: operation)
            }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
