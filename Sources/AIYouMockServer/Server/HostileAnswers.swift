import Hummingbird

/// The whole, fixed-size answers of the hostile faults: ``MockFault/echoSecrets(status:)``,
/// ``MockFault/escapeSequences(status:)`` and ``MockFault/bytes(status:headers:body:)``.
enum HostileAnswers {
    /// `x-request-id`.
    static let requestID = HTTPFieldName("x-request-id")!
    /// How many `x` open the message of ``MockFault/echoSecrets(status:)``: with the space after
    /// them, a message cut at 300 characters keeps the first 4 characters of the echoed body.
    static let echoPadding = 295
    /// The terminal control sequences of ``MockFault/escapeSequences(status:)``: a colour, an
    /// OSC window title, a lone BEL, a bare CR, a backspace and the C1 control CSI.
    static let escapes = "\u{1B}[31mRED\u{1B}[0m \u{1B}]0;pwned\u{07} bell\u{07} cr\r back\u{08}space c1\u{9B}2J"
    /// The `x-request-id` value of ``MockFault/escapeSequences(status:)``: colour sequences
    /// opened by the C1 control CSI (U+009B, sent as its UTF-8 bytes `C2 9B`). ESC and BEL are
    /// left out: AsyncHTTPClient refuses a response whose header holds them.
    static let escapedRequestID = "req-\u{9B}31mRED\u{9B}0m"

    /// The request's body and `Authorization` value echoed into a JSON error (OpenAI-shaped
    /// on the LLMaaS routes) and a header.
    static func echoSecrets(status code: Int, request: Request, body: ByteBuffer, openAIShape: Bool) -> Response {
        let authorization = request.headers[.authorization] ?? "none"
        let echoedBody = String(decoding: body.readableBytesView, as: UTF8.self)
        let message = String(repeating: "x", count: Self.echoPadding) + " " + echoedBody + " " + authorization
        var headers = HTTPFields()
        headers[Self.requestID] = authorization
        return Self.error(
            MockResponses.statusWithBody(code: code),
            message: message,
            type: authorization,
            openAIShape: openAIShape,
            headers: headers
        )
    }

    /// A JSON error (OpenAI-shaped on the LLMaaS routes) whose message and type carry terminal
    /// control sequences, and an `x-request-id` header carrying C1 controls.
    static func escapeSequences(status code: Int, openAIShape: Bool) -> Response {
        var headers = HTTPFields()
        headers[Self.requestID] = Self.escapedRequestID
        return Self.error(
            MockResponses.statusWithBody(code: code),
            message: "Upstream failure: " + Self.escapes,
            type: "Error" + Self.escapes,
            openAIShape: openAIShape,
            headers: headers
        )
    }

    /// `{"message","type","code"}`, or for LLMaaS `{"error":{"message","type","param","code"}}`.
    private static func error(
        _ status: HTTPResponse.Status,
        message: String,
        type: String,
        openAIShape: Bool,
        headers: HTTPFields
    ) -> Response {
        openAIShape
            ? OpenAIErrors.response(status, message: message, type: type, headers: headers)
            : MockResponses.error(status, message: message, type: type, headers: headers)
    }

    /// Exactly this status, these headers and these body bytes.
    static func bytes(status code: Int, headers: [String: String], body: [UInt8]) -> Response {
        let status = MockResponses.status(code: code)
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPFieldName(name) else { continue }
            // The lenient form keeps every byte but NUL, CR and LF (which would end the header
            // line); the checked form would also turn other controls such as ESC into spaces
            // and trim surrounding spaces.
            fields.append(HTTPFields.Element(name: fieldName, lenientValue: value.utf8))
        }
        if MockResponses.forbidsBody(status) {
            return Response(status: status, headers: fields)
        }
        if fields[.contentType] == nil {
            fields[.contentType] = MockResponses.jsonContentType
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
