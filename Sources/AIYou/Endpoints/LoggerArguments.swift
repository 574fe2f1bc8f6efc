import Logging

// The endpoint methods took a `logger:` argument before ``RequestOptions`` held it; these keep
// such calls compiling, with a deprecation that names the replacement.
extension AIYouClient {
    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func chatCompletion(_ request: ChatCompletionRequest, logger: Logger?) async throws -> ChatCompletion {
        try await chatCompletion(request, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func chatCompletionStream(_ request: ChatCompletionRequest, logger: Logger?) async throws -> ChatCompletionStream {
        try await chatCompletionStream(request, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func assistants(logger: Logger?) async throws -> [Assistant] {
        try await assistants(options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func models(logger: Logger?) async throws -> ModelList {
        try await models(options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func createModel(_ request: CreateModelRequest, logger: Logger?) async throws -> Model {
        try await createModel(request, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func saveConversation(_ request: SaveConversationRequest, logger: Logger?) async throws -> SavedConversation {
        try await saveConversation(request, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func threads(_ query: ThreadQuery = ThreadQuery(), logger: Logger?) async throws -> ThreadPage {
        try await threads(query, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func threads(page: Int, itemsPerPage: Int = 10, search: String? = nil, logger: Logger?) async throws -> ThreadPage {
        try await threads(page: page, itemsPerPage: itemsPerPage, search: search, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func allThreads(search: String? = nil, pageSize: Int = ThreadQuery.maxItemsPerPage, logger: Logger?) throws -> ThreadSequence {
        try allThreads(search: search, pageSize: pageSize, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func thread(id: String, logger: Logger?) async throws -> ConversationThread {
        try await thread(id: id, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func deleteThread(id: String, logger: Logger?) async throws {
        try await deleteThread(id: id, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func fetchAllThreads(
        search: String? = nil,
        pageSize: Int = ThreadQuery.maxItemsPerPage,
        maxConcurrentRequests: Int = 4,
        logger: Logger?
    ) async throws -> [ConversationThread] {
        try await fetchAllThreads(
            search: search,
            pageSize: pageSize,
            maxConcurrentRequests: maxConcurrentRequests,
            options: RequestOptions(logger: logger)
        )
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func deleteThreads(ids: [String], maxConcurrentRequests: Int = 4, logger: Logger?) async throws -> ThreadDeletionResult {
        try await deleteThreads(ids: ids, maxConcurrentRequests: maxConcurrentRequests, options: RequestOptions(logger: logger))
    }

    /// Deprecated: pass the logger in ``RequestOptions``.
    @available(*, deprecated, message: "pass the logger in options: RequestOptions(logger: logger)")
    public func transcribe(
        fileAt path: String,
        language: String? = nil,
        format: String? = nil,
        logger: Logger?
    ) async throws -> Transcription {
        try await transcribe(fileAt: path, language: language, format: format, options: RequestOptions(logger: logger))
    }
}
