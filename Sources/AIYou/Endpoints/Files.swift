import Foundation

extension AIYouClient {
    /// The largest batch input file the service takes: 100 MB (10^8 bytes).
    public static let maxBatchFileBytes = 100_000_000
    /// The most requests one batch may hold.
    public static let maxBatchRequests = 50_000
    /// The longest line of a batch input file the client sends: 32 MiB, far beyond any single
    /// request the service takes, and the most a line's check holds in memory.
    public static let maxBatchLineBytes = 32 * 1024 * 1024

    /// Uploads a JSONL file of batch requests (LLMaaS `POST /v1/files`, `purpose=batch`), one
    /// request per line: `{"custom_id":…,"method":"POST","url":"/v1/chat/completions","body":{…}}`.
    ///
    /// The file is checked first, line by line, then streamed from disk in 64 KiB pieces as
    /// `multipart/form-data`; it is never read into memory whole (a retry streams it again).
    /// Create the batch with the returned file's id
    /// (``createBatch(inputFileID:endpoint:completionWindow:metadata:options:)``).
    ///
    /// Not idempotent: an upload whose answer was lost is not sent again (a second upload
    /// would store a second file), unless the request provably never left.
    /// - Parameters:
    ///   - path: The JSONL file.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The stored file.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU; before anything is
    ///   sent, ``AIYouError/Code/invalidRequest`` when the file is missing or unreadable, larger
    ///   than ``maxBatchFileBytes``, holds no request or more than ``maxBatchRequests``, has a
    ///   line longer than ``maxBatchLineBytes``, or a line that is not a JSON object with a
    ///   non-empty `custom_id` (used once in the file), `"method": "POST"`, an endpoint path as
    ///   `url` and an object as `body` (the message names the line);
    ///   ``AIYouError/Code/cancelled`` when the task is cancelled; otherwise the service's or the
    ///   network's error.
    public func uploadBatchFile(at path: String, options: RequestOptions = RequestOptions()) async throws -> UploadedFile {
        try configuration.api.require(.uploadFile)
        let name = (path as NSString).lastPathComponent
        let size = try await BatchFileCheck.check(fileAt: path, name: name)
        return try await uploadBatch(path: path, name: name, size: size, options: options)
    }

    /// Uploads a batch of typed requests as a JSONL file (LLMaaS `POST /v1/files`,
    /// `purpose=batch`), read from `requests` as they come.
    ///
    /// Each request is checked and written as one line to a temporary file (readable by you
    /// only) as it arrives, so a batch of 50,000 requests is never built in memory; the file is
    /// then uploaded from disk like ``uploadBatchFile(at:options:)`` and removed, whatever the
    /// outcome.
    ///
    /// ```swift
    /// let file = try await client.uploadBatchFile(questions.map { question in
    ///     BatchRequest.chatCompletion(ChatCompletionRequest(messages: [.text(question.text)], model: "gpt-oss:120b"), customID: question.id)
    /// })
    /// ```
    /// - Parameters:
    ///   - requests: The requests, each with a custom id unique in the batch.
    ///   - fileName: The name the file is stored under.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The stored file.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU; before anything is
    ///   sent, ``AIYouError/Code/invalidRequest`` for an empty or repeated custom id, a request
    ///   the single call would refuse (the message names it), no request, more than
    ///   ``maxBatchRequests``, or more than ``maxBatchFileBytes`` written; an error `requests`
    ///   throws, as it is; ``AIYouError/Code/cancelled`` when the task is cancelled; otherwise the
    ///   service's or the network's error.
    public func uploadBatchFile<Requests: AsyncSequence>(
        _ requests: Requests,
        fileName: String = "batch.jsonl",
        options: RequestOptions = RequestOptions()
    ) async throws -> UploadedFile where Requests.Element == BatchRequest {
        try configuration.api.require(.uploadFile)
        try Self.validateFileName(fileName)
        let spool = try BatchSpool(name: fileName)
        defer { spool.remove() }
        var number = 0
        for try await request in requests {
            number += 1
            try spool.append(request, number: number)
            // A sequence that never suspends (an array's) would hold a cooperative thread for
            // the whole batch: let other tasks run, and notice cancellation, now and then.
            if number % 256 == 0 {
                await Task.yield()
                if Task.isCancelled { throw AIYouError(.cancelled, "batch upload: cancelled after \(number) requests") }
            }
        }
        let size = try spool.finish()
        return try await uploadBatch(path: spool.path, name: fileName, size: size, options: options)
    }

    /// ``uploadBatchFile(_:fileName:options:)-(Requests,_,_)`` for requests you already hold.
    /// - Throws: ``AIYouError`` as ``uploadBatchFile(_:fileName:options:)-(Requests,_,_)`` does.
    public func uploadBatchFile(
        _ requests: [BatchRequest],
        fileName: String = "batch.jsonl",
        options: RequestOptions = RequestOptions()
    ) async throws -> UploadedFile {
        try await uploadBatchFile(BatchRequestList(requests: requests), fileName: fileName, options: options)
    }

    /// A stored file's description (LLMaaS `GET /v1/files/{id}`).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU,
    ///   ``AIYouError/Code/invalidRequest`` for an empty id (before sending),
    ///   ``AIYouError/Code/notFound`` for a file the service does not have; otherwise the
    ///   service's or the network's error.
    public func uploadedFile(id: String, options: RequestOptions = RequestOptions()) async throws -> UploadedFile {
        try configuration.api.require(.fileInfo)
        let segment = try PercentEncoding.pathSegment(id, operation: .fileInfo)
        return try await pipeline.decode(
            UploadedFile.self,
            try APIRequest(.fileInfo, on: configuration.api, suffix: "/" + segment),
            options: options
        )
    }

    private func uploadBatch(path: String, name: String, size: Int, options: RequestOptions) async throws -> UploadedFile {
        let upload = MultipartUpload(
            fields: [.init(name: "purpose", value: "batch")],
            fileField: "file",
            filePath: path,
            fileName: name,
            fileContentType: "application/jsonl",
            fileSize: size
        )
        let request = try APIRequest(.uploadFile, on: configuration.api, body: .multipart(upload))
        return try await pipeline.decode(UploadedFile.self, request, options: options)
    }

    private static func validateFileName(_ name: String) throws(AIYouError) {
        guard !name.allSatisfy(\.isWhitespace), name.utf8.count <= 255, !SafeText.containsControlCharacters(name) else {
            throw .invalidRequest("batch upload: fileName must be a non-empty name of at most 255 bytes without control characters")
        }
    }
}

/// An array of requests as an `AsyncSequence`, for ``AIYouClient/uploadBatchFile(_:fileName:options:)-(Requests,_,_)``.
private struct BatchRequestList: AsyncSequence {
    typealias Element = BatchRequest
    let requests: [BatchRequest]

    func makeAsyncIterator() -> Iterator { Iterator(base: requests.makeIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[BatchRequest]>
        mutating func next() async -> BatchRequest? { base.next() }
    }
}
