import NIOCore
import NIOHTTP1

/// One line of a batch's results file as the wire has it:
/// `{"id","custom_id","response":{"status_code","request_id","body":{…}},"error":null}` or
/// `{"id","custom_id","response":null,"error":{"code","message"}}`.
struct BatchResultLine: Decodable {
    var id: String?
    var customID: String?
    var response: Response?
    var error: LineError?

    /// `response`: the status and body the request got.
    struct Response: Decodable {
        /// How the body was read.
        enum Body {
            case answer(BatchResponse)
            /// The body of an error status, kept to be read as an error answer.
            case errorBody(JSONValue)
            case missing
            case undecodable(any Error)
        }

        var statusCode: Int?
        var requestID: String?
        var body: Body

        /// The body is read by its status: a 2xx body as a chat completion (it has `choices`)
        /// or embeddings (it has `data`), another as an error answer. A body that fails is kept
        /// as its error, so that the line still names its request.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            statusCode = container.lenientInt(AnyCodingKey("status_code"))
            requestID = container.lenientString(AnyCodingKey("request_id"))
            let key = AnyCodingKey("body")
            guard container.contains(key), (try? container.decodeNil(forKey: key)) == false else {
                body = .missing
                return
            }
            guard (200..<300).contains(statusCode ?? 200) else {
                body = (try? container.decode(JSONValue.self, forKey: key)).map(Body.errorBody) ?? .missing
                return
            }
            do {
                let shape = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key)
                if shape.contains(AnyCodingKey("choices")) {
                    body = .answer(.chatCompletion(try container.decode(ChatCompletion.self, forKey: key)))
                } else if shape.contains(AnyCodingKey("data")) {
                    body = .answer(.embeddings(try container.decode(EmbeddingResult.self, forKey: key)))
                } else {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: [key], debugDescription: "neither a chat completion nor embeddings")
                    )
                }
            } catch {
                body = .undecodable(error)
            }
        }
    }

    /// `error`: why the request was not run.
    struct LineError: Decodable {
        var code: String?
        var message: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            code = container.lenientString(AnyCodingKey("code"))
            message = container.lenientString(AnyCodingKey("message"))
        }
    }

    /// `response` and `error` are each read when they are objects (`null` is absent).
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        id = container.lenientString(AnyCodingKey("id"))
        customID = container.lenientString(AnyCodingKey("custom_id"))
        response = try? container.decodeIfPresent(Response.self, forKey: AnyCodingKey("response"))
        error = try? container.decodeIfPresent(LineError.self, forKey: AnyCodingKey("error"))
    }
}

extension BatchResultLine {
    /// The result a line gives, never a thrown error: a line that cannot be read becomes a
    /// result whose outcome says why.
    static func result(of line: ByteBuffer, number: Int, fileID: String, mapping: ErrorMapping) -> BatchResult {
        let parsed: BatchResultLine
        do {
            parsed = try JSONCoding.decode(BatchResultLine.self, from: line)
        } catch {
            let redactor = mapping.redactor
            let code: AIYouError.Code
            if case JSONGuard.Violation.tooManyValues = error { code = .limitExceeded } else { code = .decoding }
            let failure = AIYouError(
                code,
                redactor.clean(
                    "batch results: line \(number) of \(fileID) is not a result line (\(ErrorMapping.describe(error)))",
                    limit: ErrorMapping.maxMessageLength
                ),
                bodyExcerpt: mapping.excerpt(of: line, redactor: redactor),
                underlying: error
            )
            return BatchResult(customID: nil, fileID: fileID, lineNumber: number, result: .failure(failure))
        }
        let outcome = parsed.outcome(line: line, number: number, mapping: mapping)
        return BatchResult(customID: parsed.customID, requestID: parsed.id, fileID: fileID, lineNumber: number, result: outcome)
    }

    private func outcome(line: ByteBuffer, number: Int, mapping: ErrorMapping) -> Result<BatchResponse, AIYouError> {
        let redactor = mapping.redactor
        let lead = "batch result line \(number)" + (customID.map { " (custom_id \($0.prefix(128)))" } ?? "")
        func clean(_ text: String) -> String { redactor.clean(text, limit: ErrorMapping.maxMessageLength) }
        if let error {
            let reason = error.message ?? "the request was not run"
            var failure = AIYouError(.apiError, clean("\(lead): \(reason)"))
            failure.errorCode = error.code.map { redactor.clean($0, limit: ErrorMapping.maxFieldLength) }
            return .failure(failure)
        }
        guard let response else {
            return .failure(
                AIYouError(
                    .decoding,
                    clean("\(lead): the line has neither a response nor an error"),
                    bodyExcerpt: mapping.excerpt(of: line, redactor: redactor)
                )
            )
        }
        let status = response.statusCode ?? 200
        switch response.body {
        case .answer(let answer):
            return .success(answer)
        case .errorBody(let body):
            var writer = JSONWriter()
            writer.element(body)
            return .failure(statusError(status, body: writer.buffer, response: response, lead: lead, mapping: mapping))
        case .missing where !(200..<300).contains(status):
            return .failure(statusError(status, body: nil, response: response, lead: lead, mapping: mapping))
        case .missing:
            return .failure(AIYouError(.decoding, clean("\(lead): the response has no body"), status: status))
        case .undecodable(let underlying):
            return .failure(
                AIYouError(
                    .decoding,
                    clean("\(lead): the body is not a chat completion or embeddings (\(ErrorMapping.describe(underlying)))"),
                    status: status,
                    bodyExcerpt: mapping.excerpt(of: line, redactor: redactor),
                    underlying: underlying
                )
            )
        }
    }

    /// The error a single call answered with `status` and `body` gives, named after the line.
    private func statusError(_ status: Int, body: ByteBuffer?, response: Response, lead: String, mapping: ErrorMapping) -> AIYouError {
        let redactor = mapping.redactor
        guard (100...599).contains(status) else {
            var failure = AIYouError(.apiError, redactor.clean("\(lead): HTTP status \(status)", limit: ErrorMapping.maxMessageLength))
            failure.status = status
            return failure
        }
        var failure = mapping.error(
            status: status,
            headers: HTTPHeaders(),
            body: body,
            operation: .fileContent,
            serverDelay: nil
        )
        failure.message = redactor.clean("\(lead): \(failure.message)", limit: ErrorMapping.maxMessageLength)
        failure.requestID = response.requestID.map { redactor.clean($0, limit: ErrorMapping.maxFieldLength) }
        return failure
    }
}
