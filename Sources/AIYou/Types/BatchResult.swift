/// The answer to one request of a batch: a chat completion or embeddings, by the shape of the
/// answer's body (`choices` or `data`).
public enum BatchResponse: Hashable, Sendable {
    /// The answer to a `/v1/chat/completions` request.
    case chatCompletion(ChatCompletion)
    /// The answer to a `/v1/embeddings` request: its vectors in input order.
    case embeddings(EmbeddingResult)
}

/// One line of a batch's results file, as ``BatchResults`` delivers it: whose request it answers
/// (``customID``) and its outcome (``result``), a typed answer or an ``AIYouError``.
///
/// ```swift
/// for try await item in try await client.batchResults(of: job) {
///     switch item.result {
///     case .success(.chatCompletion(let completion)): print(item.customID ?? "?", completion.text)
///     case .success(.embeddings(let embeddings)): print(item.customID ?? "?", embeddings.dimensions)
///     case .failure(let error): print(item.customID ?? "line \(item.lineNumber)", error.code)
///     }
/// }
/// ```
///
/// The outcome is an error for:
/// - a request the service answered with an error status (`response.status_code` not 2xx): the
///   error the same answer to a single call gives (``AIYouError/Code/notFound`` for an unknown
///   model, ``AIYouError/Code/apiError`` with ``AIYouError/status`` for a 400…), its
///   ``AIYouError/status`` being the line's status code;
/// - a request the service could not run (an `error` object on the line, e.g. `batch_expired`):
///   ``AIYouError/Code/apiError`` with the object's `code` as ``AIYouError/errorCode``;
/// - a line that is not a result line, or whose body is neither a chat completion nor
///   embeddings: ``AIYouError/Code/decoding``, naming the line;
/// - a line longer than the limit (see ``AIYouClient/batchResults(fileID:options:)``), which was
///   skipped without being held: ``AIYouError/Code/limitExceeded``, naming the line.
///
/// Every text from the service in these errors is redacted and escaped like any error's.
public struct BatchResult: Sendable {
    /// Your id of the request (its `custom_id`); `nil` when the line does not say (a malformed or
    /// skipped line).
    public var customID: String?
    /// The service's id of the request's run (the line's `id`, e.g. `batch_req_…`), when sent.
    public var requestID: String?
    /// The file the line was read from.
    public var fileID: String
    /// The line's number in that file, from 1 (blank lines count).
    public var lineNumber: Int
    /// The typed answer, or why there is none.
    public var result: Result<BatchResponse, AIYouError>

    /// A result with the given values.
    public init(customID: String?, requestID: String? = nil, fileID: String, lineNumber: Int, result: Result<BatchResponse, AIYouError>) {
        self.customID = customID
        self.requestID = requestID
        self.fileID = fileID
        self.lineNumber = lineNumber
        self.result = result
    }

    /// The answer. Throws the line's ``AIYouError`` when it has none.
    public func get() throws(AIYouError) -> BatchResponse {
        try result.get()
    }

    /// The chat completion, when the line holds one.
    public var chatCompletion: ChatCompletion? {
        if case .success(.chatCompletion(let completion)) = result { completion } else { nil }
    }

    /// The embeddings, when the line holds them.
    public var embeddings: EmbeddingResult? {
        if case .success(.embeddings(let embeddings)) = result { embeddings } else { nil }
    }

    /// The error, when the line holds no answer.
    public var error: AIYouError? {
        if case .failure(let error) = result { error } else { nil }
    }
}
