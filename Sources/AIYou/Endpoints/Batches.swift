import Foundation

extension AIYouClient {
    /// The most batches ``batches(limit:after:options:)`` asks for at once.
    public static let maxBatchPageSize = 100

    /// Starts a batch over an uploaded file of requests (LLMaaS `POST /v1/batches`
    /// `{"input_file_id","endpoint","completion_window"}`). The service runs it within the
    /// completion window, at half the price of single calls; follow it with
    /// ``waitForBatch(id:polling:options:isolation:onUpdate:)`` or ``batch(id:options:)``.
    ///
    /// Not idempotent: a create whose answer was lost is not sent again (it would start and bill
    /// a second batch), unless the request provably never left.
    /// - Parameters:
    ///   - inputFileID: The id of a file uploaded with ``uploadBatchFile(at:options:)`` or
    ///     ``uploadBatchFile(_:fileName:options:)-(Requests,_,_)``.
    ///   - endpoint: Where the requests go: ``BatchEndpoint/chatCompletions`` (the default) or
    ///     ``BatchEndpoint/embeddings``.
    ///   - completionWindow: The time the service has, `24h` (the only value it documents).
    ///   - metadata: Labels kept with the batch.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Returns: The batch, as a rule ``BatchJob/Status-swift.struct/validating``.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU;
    ///   ``AIYouError/Code/invalidRequest`` before sending when `inputFileID` or
    ///   `completionWindow` is blank or the endpoint is not a path starting with `/v1/`;
    ///   ``AIYouError/Code/notFound`` for a file the service does not have; otherwise the
    ///   service's or the network's error.
    public func createBatch(
        inputFileID: String,
        endpoint: BatchEndpoint = .chatCompletions,
        completionWindow: String = "24h",
        metadata: [String: String] = [:],
        options: RequestOptions = RequestOptions()
    ) async throws -> BatchJob {
        try configuration.api.require(.createBatch)
        if inputFileID.allSatisfy(\.isWhitespace) { throw AIYouError.invalidRequest("create batch: inputFileID is empty") }
        if completionWindow.allSatisfy(\.isWhitespace) { throw AIYouError.invalidRequest("create batch: completionWindow is empty") }
        guard endpoint.path.hasPrefix("/v1/"), !SafeText.containsControlCharacters(endpoint.path) else {
            throw AIYouError.invalidRequest(
                "create batch: the endpoint must be a path such as /v1/chat/completions (got \"\(BatchFileCheck.shown(endpoint.path))\")"
            )
        }
        let body = CreateBatchBody(
            inputFileID: inputFileID,
            endpoint: endpoint.path,
            completionWindow: completionWindow,
            metadata: metadata
        )
        return try await pipeline.decode(BatchJob.self, try APIRequest(.createBatch, on: configuration.api, json: body), options: options)
    }

    /// A batch as it is now (LLMaaS `GET /v1/batches/{id}`).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU,
    ///   ``AIYouError/Code/invalidRequest`` for an empty id (before sending),
    ///   ``AIYouError/Code/notFound`` for a batch the service does not have; otherwise the
    ///   service's or the network's error.
    public func batch(id: String, options: RequestOptions = RequestOptions()) async throws -> BatchJob {
        try configuration.api.require(.batch)
        let segment = try PercentEncoding.pathSegment(id, operation: .batch)
        return try await pipeline.decode(
            BatchJob.self,
            try APIRequest(.batch, on: configuration.api, suffix: "/" + segment),
            options: options
        )
    }

    /// The batches, most recent first, one page at a time (LLMaaS `GET /v1/batches?limit=N`).
    /// - Parameters:
    ///   - limit: How many, 1…100 (``maxBatchPageSize``); the service's default (20) when `nil`.
    ///   - after: The ``BatchPage/lastID`` of the previous page, to read the next one.
    ///   - options: Settings of this call only (see ``RequestOptions``).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU,
    ///   ``AIYouError/Code/invalidRequest`` when `limit` is out of range or `after` is blank
    ///   (before sending); otherwise the service's or the network's error.
    public func batches(limit: Int? = nil, after: String? = nil, options: RequestOptions = RequestOptions()) async throws -> BatchPage {
        var request = try APIRequest(.batches, on: configuration.api)
        if let limit {
            guard (1...Self.maxBatchPageSize).contains(limit) else {
                throw AIYouError.invalidRequest("list batches: limit must be within 1…\(Self.maxBatchPageSize) (got \(limit))")
            }
            request.query.append((name: "limit", value: String(limit)))
        }
        if let after {
            if after.allSatisfy(\.isWhitespace) { throw AIYouError.invalidRequest("list batches: after is empty") }
            request.query.append((name: "after", value: after))
        }
        return try await pipeline.decode(BatchPage.self, request, options: options)
    }

    /// Asks the service to cancel a batch (LLMaaS `POST /v1/batches/{id}/cancel`). The batch
    /// turns ``BatchJob/Status-swift.struct/cancelling``, then
    /// ``BatchJob/Status-swift.struct/cancelled``; the requests that ran before keep their results.
    ///
    /// Idempotent: cancelling twice ends where cancelling once does, so a cancel whose answer was
    /// lost is sent again like a read.
    /// - Returns: The batch as the service answered.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU,
    ///   ``AIYouError/Code/invalidRequest`` for an empty id (before sending),
    ///   ``AIYouError/Code/notFound`` for a batch the service does not have, the service's error
    ///   for a batch that has already ended; otherwise the network's error.
    public func cancelBatch(id: String, options: RequestOptions = RequestOptions()) async throws -> BatchJob {
        try configuration.api.require(.cancelBatch)
        let segment = try PercentEncoding.pathSegment(id, operation: .cancelBatch)
        let request = try APIRequest(.cancelBatch, on: configuration.api, suffix: "/" + segment + "/cancel")
        return try await pipeline.decode(BatchJob.self, request, options: options)
    }

    /// Polls a batch until it ends — ``BatchJob/Status-swift.struct/completed``, `failed`,
    /// `expired` or `cancelled` — and returns it as it ended (an ended batch is not an error:
    /// look at its ``BatchJob/status``). A status the client does not know is not an end.
    ///
    /// The first poll is made at once, then after pauses that grow from `polling.interval` to
    /// `polling.maxInterval` on the client's clock; each poll is a
    /// ``batch(id:options:)`` call (retried like any read). Cancelling the task ends the wait at
    /// once, as does shutting the client down.
    ///
    /// ```swift
    /// let done = try await client.waitForBatch(id: job.id) { job in
    ///     print(job.status, job.requestCounts.completed, "/", job.requestCounts.total)
    /// }
    /// ```
    /// - Parameters:
    ///   - id: The batch.
    ///   - polling: The pauses and the overall deadline.
    ///   - options: Settings of each poll (see ``RequestOptions``).
    ///   - isolation: Where `onUpdate` runs: the caller's isolation (the main actor, an actor),
    ///     so that it may change the caller's state.
    ///   - onUpdate: Called with the batch after each poll.
    /// - Returns: The ended batch.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending for an empty
    ///   id or invalid `polling`; ``AIYouError/Code/timeout`` when the batch has not ended by
    ///   `polling.timeout` (the message gives its last status); ``AIYouError/Code/cancelled`` or
    ///   ``AIYouError/Code/clientShutdown`` when the wait is stopped; otherwise the first error of
    ///   a poll that failed for good.
    public func waitForBatch(
        id: String,
        polling: BatchPolling = BatchPolling(),
        options: RequestOptions = RequestOptions(),
        isolation: isolated (any Actor)? = #isolation,
        onUpdate: (BatchJob) -> Void = { _ in }
    ) async throws -> BatchJob {
        try configuration.api.require(.batch)
        try polling.validate()
        _ = try PercentEncoding.pathSegment(id, operation: .batch)
        let time = configuration.timeSource
        let deadline = time.now() + polling.timeout
        var polls = 0
        while true {
            let job = try await batch(id: id, options: options)
            onUpdate(job)
            if job.status.isTerminal { return job }
            let now = time.now()
            guard now < deadline else {
                throw AIYouError(
                    .timeout,
                    "wait for batch: \(BatchFileCheck.shown(id)) is still \(job.status) after \(polling.timeout.formattedSeconds) (polling.timeout)"
                )
            }
            try await pipeline.pause(min(polling.pause(after: polls), deadline - now), operation: .batch, waitingTo: "poll again")
            polls += 1
        }
    }

    /// Reads a results file line by line as it downloads (LLMaaS `GET /v1/files/{id}/content`):
    /// see ``BatchResults``. The download opens before this returns, so a file the service does
    /// not have fails here; its lines arrive as you iterate.
    ///
    /// Each line may be as long as a whole answer may be
    /// (``Configuration/Limits/maxResponseBodyBytes``, 32 MiB by default) — a line is one
    /// request's whole answer, and no longer one is read: it is skipped, without being held, and
    /// delivered as a ``AIYouError/Code/limitExceeded`` result. Memory stays within one line
    /// whatever the file's size.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/unsupported`` on AI.YOU,
    ///   ``AIYouError/Code/invalidRequest`` for an empty id (before sending),
    ///   ``AIYouError/Code/notFound`` for a file the service does not have; otherwise the
    ///   service's or the network's error (errors during the download are thrown by the
    ///   iteration).
    public func batchResults(fileID: String, options: RequestOptions = RequestOptions()) async throws -> BatchResults {
        try await batchResults(files: [fileID], options: options)
    }

    /// Every result of an ended batch: its output file's lines, then its error file's (the
    /// requests that could not be run), read as ``batchResults(fileID:options:)`` reads one file.
    /// A batch that ended without either file (a failed one, one cancelled before it ran) has no
    /// results: the sequence is empty.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` when the batch has not ended
    ///   (get it again once ``waitForBatch(id:polling:options:isolation:onUpdate:)`` returns); otherwise as
    ///   ``batchResults(fileID:options:)``.
    public func batchResults(of batch: BatchJob, options: RequestOptions = RequestOptions()) async throws -> BatchResults {
        try configuration.api.require(.fileContent)
        guard batch.status.isTerminal else {
            throw AIYouError.invalidRequest(
                "batch results: \(BatchFileCheck.shown(batch.id)) is \(batch.status); its results exist once it has ended"
            )
        }
        return try await batchResults(files: [batch.outputFileID, batch.errorFileID].compactMap { $0 }, options: options)
    }

    /// Opens the first of `files` now, the others as the iteration reaches them.
    private func batchResults(files: [String], options: RequestOptions) async throws -> BatchResults {
        let api = configuration.api
        let requests = try files.map { fileID throws(AIYouError) in
            let segment = try PercentEncoding.pathSegment(fileID, operation: .fileContent)
            return (fileID, try APIRequest(.fileContent, on: api, suffix: "/" + segment + "/content", accept: .jsonLines))
        }
        let maxLineBytes = configuration.limits.maxResponseBodyBytes
        let open: @Sendable (String, APIRequest) async throws -> BatchResults.Connection = { [pipeline] fileID, request in
            try await pipeline.open(request, options: options) { response, mapping, observation in
                guard case .stream(let body) = response.body else {
                    throw AIYouError(.decoding, "the answer could not be read as a stream", operation: .fileContent)
                }
                // The call is over once the file is open: its lines are read outside it.
                observation?.finish(error: nil)
                return BatchResults.Connection(fileID: fileID, body: body, mapping: mapping)
            }
        }
        guard let (firstID, firstRequest) = requests.first else {
            return BatchResults(first: nil, following: [], maxLineBytes: maxLineBytes) { _ in
                throw AIYouError(.invalidRequest, "no file to read", operation: .fileContent)
            }
        }
        let byID = Dictionary(requests.dropFirst().map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        let first = try await open(firstID, firstRequest)
        return BatchResults(first: first, following: requests.dropFirst().map(\.0), maxLineBytes: maxLineBytes) { fileID in
            guard let request = byID[fileID] else { throw AIYouError(.invalidRequest, "unknown file", operation: .fileContent) }
            return try await open(fileID, request)
        }
    }
}

/// The body of `POST /v1/batches`.
struct CreateBatchBody: JSONBody {
    var inputFileID: String
    var endpoint: String
    var completionWindow: String
    var metadata: [String: String]

    static let modeledFields = ["input_file_id", "endpoint", "completion_window", "metadata"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("input_file_id", inputFileID)
        writer.field("endpoint", endpoint)
        writer.field("completion_window", completionWindow)
        if !metadata.isEmpty {
            writer.key("metadata")
            writer.beginObject()
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                writer.dynamicKey(key)
                writer.element(value)
            }
            writer.endObject()
        }
        writer.endObject()
    }
}
