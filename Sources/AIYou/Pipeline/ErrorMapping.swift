import Foundation
import NIOCore
import NIOHTTP1

/// Turns what went wrong on the wire into an ``AIYouError``. Every piece of text that came from
/// the network (the service's message, error type, request id, body excerpt) is composed first,
/// then redacted, stripped of control characters and cut, in that order (``Redactor/clean(_:limit:)``).
struct ErrorMapping: Sendable {
    /// Where the secrets to hide come from; `nil` for a stream decoded outside a client.
    let credentials: Credentials?
    let authenticator: Authenticator?
    /// The most of a body that is read for an error (``Configuration/Limits/maxErrorBodyBytes``):
    /// a body this long may have been cut by the limit.
    var errorBodyLimit: Int = Configuration.Limits().maxErrorBodyBytes

    /// The longest message kept in an error.
    static let maxMessageLength = 600
    /// The longest request id or error type kept.
    static let maxFieldLength = 128

    /// Hides the credentials and every token this client was issued, and the HTTP Basic form of
    /// an email and password (the client's cached one: see ``Authenticator/redactor``).
    var redactor: Redactor {
        if let authenticator { return authenticator.redactor }
        var emailAndPassword: (email: String, password: String)?
        if case .emailPassword(let email, let password) = credentials?.storage { emailAndPassword = (email, password) }
        return Redactor(knownSecrets: credentials?.secrets ?? [], emailAndPassword: emailAndPassword)
    }

    /// An error for a non-2xx answer.
    /// `model` is the model the request named, so that a 404 `model_not_found` can say which.
    func error(
        status: Int,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        operation: AIYouOperation,
        serverDelay: Duration?,
        model: String? = nil
    ) -> AIYouError {
        let redactor = self.redactor
        let parsed = body.flatMap { try? JSONCoding.decode(ErrorBody.self, from: $0) }
        let serverMessage = parsed?.readableMessage
        let code: AIYouError.Code
        let message: String
        switch status {
        case 401 where operation == .login:
            code = .unauthorized
            message = "login refused: the email or password was not accepted"
        case 400 where operation == .login:
            code = .unauthorized
            message = "login rejected as a bad request" + (serverMessage.map { ": \($0)" } ?? "")
        case 401:
            code = .unauthorized
            message = "the service refused the credentials" + (serverMessage.map { " (\($0))" } ?? "")
        case 400 where parsed?.saysUnknownModel == true, 404 where parsed?.saysUnknownModel == true:
            code = .notFound
            let named = model.map { "the model \"\($0)\" does not exist" } ?? "the model does not exist"
            message = named + (serverMessage.map { " (\($0))" } ?? "")
        case 404:
            code = .notFound
            message = "not found" + (serverMessage.map { " (\($0))" } ?? "")
        case 429:
            code = .rateLimited
            message = "rate limited by the service" + (serverMessage.map { " (\($0))" } ?? "")
        default:
            code = .apiError
            message = serverMessage ?? HTTPResponseStatus(statusCode: status).reasonPhrase
        }
        var error = AIYouError(
            code,
            redactor.clean(message, limit: Self.maxMessageLength),
            status: status,
            errorType: parsed?.meaningfulType.map { redactor.clean($0, limit: Self.maxFieldLength) },
            bodyExcerpt: body.map { excerpt(of: $0, redactor: redactor) },
            requestID: Self.requestID(in: headers, redactor: redactor),
            retryAfter: code == .rateLimited ? serverDelay : nil,
            operation: operation
        )
        if let parsed, parsed.isOpenAIShape {
            error.errorCode = parsed.wordCode.map { redactor.clean($0, limit: Self.maxFieldLength) }
            error.errorParameter = ProxyErrorText.meaningful(parsed.param).map { redactor.clean($0, limit: Self.maxFieldLength) }
        }
        error.hint = Self.hint(for: serverMessage)
        return error
    }

    /// An error for a 2xx answer whose body was not what the endpoint expects. An error object
    /// (`{"object": "error", …}`, `{"error": {…}}`) becomes an API error; anything else a
    /// decoding error. Only the first ``errorBodyLimit`` bytes of the body are read for it, as
    /// of an error answer: a 2xx body may be as long as a successful answer can be.
    func decodingError(body: ByteBuffer, status: Int, operation: AIYouOperation, expected: String, underlying: any Error) -> AIYouError {
        let redactor = self.redactor
        let body = body.readableBytes > errorBodyLimit ? body.getSlice(at: body.readerIndex, length: errorBodyLimit) ?? body : body
        if let parsed = try? JSONCoding.decode(ErrorBody.self, from: body), parsed.isErrorObject {
            // The status an error object names, when it is a real HTTP status.
            let namedStatus = parsed.code.flatMap { Int($0) }.flatMap { (100...599).contains($0) ? $0 : nil }
            var error = AIYouError(
                .apiError,
                redactor.clean(
                    parsed.readableMessage ?? "the service answered with an error",
                    limit: Self.maxMessageLength
                ),
                status: namedStatus ?? status,
                errorType: parsed.meaningfulType.map { redactor.clean($0, limit: Self.maxFieldLength) },
                bodyExcerpt: excerpt(of: body, redactor: redactor),
                operation: operation
            )
            error.hint = Self.hint(for: parsed.readableMessage)
            return error
        }
        let reason = body.readableBytes == 0 ? "the body is empty" : Self.describe(underlying)
        return AIYouError(
            .decoding,
            redactor.clean("could not read \(expected) from the answer: \(reason)", limit: Self.maxMessageLength),
            status: status,
            bodyExcerpt: excerpt(of: body, redactor: redactor),
            underlying: underlying,
            operation: operation
        )
    }

    /// An error for a failure on the wire.
    func error(for failure: TransportError, operation: AIYouOperation) -> AIYouError {
        let code: AIYouError.Code
        let message: String
        switch failure.kind {
        case .connectionFailed, .broken:
            code = .network
            message = failure.reason
        case .connectTimeout, .requestTimeout, .idleTimeout:
            code = .timeout
            message = failure.reason
        case .tooLarge:
            code = .limitExceeded
            message = failure.reason
        case .cancelled:
            code = .cancelled
            message = "cancelled"
        case .shutdown:
            code = .clientShutdown
            message = "the client has been shut down"
        case .invalidRequest:
            code = .invalidRequest
            message = failure.reason
        }
        return AIYouError(
            code,
            SafeText.escapingControlCharacters(message, keepingLineBreaks: false),
            underlying: failure.underlying ?? failure,
            operation: operation
        )
    }

    /// The request id the service sent, redacted and cut.
    static func requestID(in headers: HTTPHeaders, redactor: Redactor) -> String? {
        (headers.first(name: "x-request-id") ?? headers.first(name: "request-id") ?? headers.first(name: "id")).map {
            redactor.clean($0, limit: maxFieldLength)
        }
    }

    /// The client acts on two messages: AI.YOU's refusal of non-streamed chat completions
    /// ("Stream options"), and an OpenAI-compatible server's refusal of `stream_options`.
    static func hint(for serverMessage: String?) -> AIYouError.Hint? {
        guard let serverMessage, serverMessage.utf8.count < 4096 else { return nil }
        let lowered = serverMessage.lowercased()
        if lowered.contains("stream_options") || lowered.contains("include_usage") { return .streamUsageRefused }
        return lowered.contains("stream options") ? .streamingRequired : nil
    }

    /// The first ``AIYouError/maxExcerptLength`` characters of a body: the body (at most
    /// ``errorBodyLimit`` bytes of it, and only as much as the excerpt can show) is redacted
    /// first, then control characters are escaped, then it is cut. A body that reached the limit
    /// may end in the middle of a secret, which redaction would not recognise: its last bytes
    /// (the longest secret in its longest encoded form, at least 4 KiB) are read but not shown
    /// (``Redactor/clean(_:truncated:limit:)``).
    func excerpt(of body: ByteBuffer, redactor: Redactor) -> String {
        let length = min(body.readableBytes, errorBodyLimit)
        return body.withUnsafeReadableBytes { raw in
            let bytes = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<length])
            return redactor.clean(bytes, truncated: body.readableBytes >= errorBodyLimit, limit: AIYouError.maxExcerptLength)
        }
    }

    /// A short, secret-free reason for a decoding or transport failure.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(let type, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is not a \(type)"
        case DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is null"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON" : "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let violation as JSONGuard.Violation:
            return violation.description
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        default:
            return String(describing: type(of: error))
        }
    }
}
