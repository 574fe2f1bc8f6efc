import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Turns what went wrong on the wire into an ``AIYouError``, redacting every piece of text that
/// came from the response.
struct ErrorMapping: Sendable {
    /// Where the secrets to hide come from; `nil` for a stream decoded outside a client.
    let credentials: Credentials?
    let authenticator: Authenticator?

    /// Built only when an error is, so the success path pays nothing for redaction.
    var redactor: Redactor {
        Redactor(knownSecrets: (credentials?.secrets ?? []) + [authenticator?.currentToken].compactMap { $0 })
    }

    /// An error for a non-2xx answer.
    func error(
        status: Int, headers: HTTPHeaders, body: ByteBuffer?, operation: String, serverDelay: Duration?
    ) -> AIYouError {
        let redactor = self.redactor
        let parsed = body.flatMap { try? JSONCoding.decoder.decode(ErrorBody.self, from: $0) }
        let excerpt = body.map { Self.excerpt(of: $0, redactor: redactor) }
        let requestID = headers.first(name: "x-request-id") ?? headers.first(name: "request-id")
        let serverMessage = parsed?.message.map { redactor.redact(String($0.prefix(300))) }
        let code: AIYouError.Code
        let message: String
        switch status {
        case 401 where operation == "login":
            code = .unauthorized
            message = "login refused: the email or password was not accepted"
        case 400 where operation == "login":
            code = .unauthorized
            message = "login rejected as a bad request" + (serverMessage.map { ": \($0)" } ?? "")
        case 401:
            code = .unauthorized
            message = "\(operation): the service refused the credentials" + (serverMessage.map { " (\($0))" } ?? "")
        case 404:
            code = .notFound
            message = "\(operation): not found" + (serverMessage.map { " (\($0))" } ?? "")
        case 429:
            code = .rateLimited
            message = "\(operation): rate limited by the service" + (serverMessage.map { " (\($0))" } ?? "")
        default:
            code = .apiError
            message = "\(operation): " + (serverMessage ?? HTTPResponseStatus(statusCode: status).reasonPhrase)
        }
        return AIYouError(
            code, message, status: status, errorType: parsed?.type, bodyExcerpt: excerpt, requestID: requestID,
            retryAfter: code == .rateLimited ? serverDelay : nil
        )
    }

    /// An error for a 2xx answer whose body was not what the endpoint expects. An error object
    /// (`{"object": "error", …}`) becomes an API error; anything else a decoding error.
    func decodingError(body: ByteBuffer, status: Int, operation: String, expected: String, underlying: any Error) -> AIYouError {
        let redactor = self.redactor
        if let parsed = try? JSONCoding.decoder.decode(ErrorBody.self, from: body), parsed.isErrorObject {
            return AIYouError(
                .apiError, "\(operation): " + redactor.redact(parsed.message ?? "the service answered with an error"),
                status: parsed.code.flatMap { Int($0) } ?? status, errorType: parsed.type,
                bodyExcerpt: Self.excerpt(of: body, redactor: redactor)
            )
        }
        let reason = body.readableBytes == 0 ? "the body is empty" : Self.describe(underlying)
        return AIYouError(
            .decoding, "\(operation): could not read \(expected) from the answer: \(reason)", status: status,
            bodyExcerpt: Self.excerpt(of: body, redactor: redactor), underlying: underlying
        )
    }

    /// A transport failure, classified; `retryable` tells whether another attempt may succeed.
    func transportError(_ error: any Error, operation: String) -> (error: AIYouError, retryable: Bool) {
        if let error = error as? AIYouError { return (error, false) }
        if error is CancellationError {
            return (AIYouError(.cancelled, "\(operation): cancelled", underlying: error), false)
        }
        if error is ResponseAccumulator.ResponseTooBigError {
            return (AIYouError(.decoding, "\(operation): the answer is larger than the configured maxResponseBodyBytes", underlying: error), false)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled:
                return (AIYouError(.cancelled, "\(operation): cancelled", underlying: error), false)
            case .deadlineExceeded:
                return (AIYouError(.timeout, "\(operation): no answer before the request timeout", underlying: error), false)
            case .readTimeout:
                return (AIYouError(.timeout, "\(operation): the connection stayed silent longer than the idle timeout", underlying: error), false)
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return (AIYouError(.timeout, "\(operation): could not connect before the connect timeout", underlying: error), true)
            case .alreadyShutdown:
                return (AIYouError(.clientShutdown, "\(operation): the client has been shut down", underlying: error), false)
            default:
                return (AIYouError(.network, "\(operation): \(error.shortDescription)", underlying: error), true)
            }
        }
        return (AIYouError(.network, "\(operation): connection failed (\(Self.describe(error)))", underlying: error), true)
    }

    /// The first ``AIYouError/maxExcerptLength`` characters of a body, redacted.
    static func excerpt(of body: ByteBuffer, redactor: Redactor) -> String {
        let limit = AIYouError.maxExcerptLength
        let bytes = body.getBytes(at: body.readerIndex, length: min(body.readableBytes, limit * 4)) ?? []
        // Redact before cutting, so a secret at the cut cannot survive half-masked.
        let text = redactor.redact(String(decoding: bytes, as: UTF8.self))
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
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
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        default:
            return String(describing: type(of: error))
        }
    }
}
