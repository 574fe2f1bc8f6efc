import Logging

extension AIYouClient {
    /// One page of the user's threads (`GET /api/v1/user/threads`), newest first, optionally
    /// filtered by a search term.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending when `page` < 1 or
    ///   `itemsPerPage` is outside 1…50.
    public func threads(_ query: ThreadQuery = ThreadQuery(), options: RequestOptions = RequestOptions()) async throws -> ThreadPage {
        try query.validate()
        var request = try APIRequest(.threads, on: configuration.api, query: query.queryItems)
        request.cacheGroup = .threads
        return try await pipeline.decode(ThreadPage.self, request, options: options)
    }

    /// One page of the user's threads; see ``threads(_:options:)``.
    public func threads(
        page: Int,
        itemsPerPage: Int = 10,
        search: String? = nil,
        options: RequestOptions = RequestOptions()
    ) async throws -> ThreadPage {
        try await threads(ThreadQuery(page: page, itemsPerPage: itemsPerPage, search: search), options: options)
    }

    /// Every thread (matching `search`, when given), fetched page by page as you iterate.
    ///
    /// The walk ends at the first empty or short page, or at the last page the service's total
    /// announces, whichever comes first; it never goes beyond ``Configuration/Limits/maxPages``.
    /// It holds one page at a time, which may not hold more than
    /// ``Configuration/Limits/maxCollectedBytes`` of threads.
    /// - Throws: ``AIYouError/Code/invalidRequest`` at once when `itemsPerPage` is outside 1…50; the
    ///   iteration throws the errors of the page requests, and ``AIYouError/Code/limitExceeded``
    ///   when page `maxPages` is full and the service announces more, or when a page holds more
    ///   than `maxCollectedBytes` (after the threads of the pages before it).
    public func allThreads(
        search: String? = nil,
        itemsPerPage: Int = ThreadQuery.maxItemsPerPage,
        options: RequestOptions = RequestOptions()
    ) throws -> ThreadSequence {
        let query = ThreadQuery(page: 1, itemsPerPage: itemsPerPage, search: search)
        try query.validate()
        return ThreadSequence(client: self, query: query, options: options)
    }

    /// The thread with `id`. The service has no route for one thread, so this walks the pages of
    /// the thread list until it finds it (as ``allThreads(search:itemsPerPage:options:)`` walks them).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` for an empty id or one with
    ///   control characters, ``AIYouError/Code/notFound`` when no page holds the thread,
    ///   ``AIYouError/Code/limitExceeded`` when ``Configuration/Limits/maxPages`` pages were walked
    ///   without finding it while the service announces more, or when a page holds more than
    ///   ``Configuration/Limits/maxCollectedBytes``.
    public func thread(id: String, options: RequestOptions = RequestOptions()) async throws -> ConversationThread {
        _ = try PercentEncoding.pathSegment(id, operation: .threads)
        for try await thread in try allThreads(options: options) where thread.id == id {
            return thread
        }
        throw AIYouError(.notFound, "thread: no thread with id \"\(id)\"")
    }

    /// Deletes a thread (`DELETE /api/v1/threads/{id}`).
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending for an id that
    ///   is empty, `.` or `..`, or holds control characters; ``AIYouError/Code/notFound`` when the
    ///   service does not know it.
    public func deleteThread(id: String, options: RequestOptions = RequestOptions()) async throws {
        let segment = try PercentEncoding.pathSegment(id, operation: .deleteThread)
        var request = try APIRequest(.deleteThread, on: configuration.api, suffix: "/" + segment)
        request.invalidates = [.threads, .assistants]
        try await pipeline.discardingBody(request, options: options)
    }
}

/// All of the user's threads as an `AsyncSequence`, one page requested at a time as iteration
/// reaches it. Iterating again starts again from the first page.
public struct ThreadSequence: AsyncSequence, Sendable {
    /// Each element is one thread.
    public typealias Element = ConversationThread

    let client: AIYouClient
    let query: ThreadQuery
    let options: RequestOptions

    /// Starts at page 1.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, query: query, options: options)
    }

    /// Walks the pages.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: AIYouClient
        var query: ThreadQuery
        let options: RequestOptions
        private var buffer: [ConversationThread] = []
        private var index = 0
        private var exhausted = false
        /// Set when the walk stopped at `maxPages` while the service announces more pages.
        private var stoppedAtLimit = false

        init(client: AIYouClient, query: ThreadQuery, options: RequestOptions) {
            self.client = client
            self.query = query
            self.options = options
        }

        /// The next thread, fetching the next page when needed; `nil` after the last page.
        /// Throws ``AIYouError``.
        public mutating func next() async throws -> ConversationThread? {
            while index >= buffer.count {
                guard !exhausted else {
                    guard stoppedAtLimit else { return nil }
                    stoppedAtLimit = false
                    throw AIYouError(
                        .limitExceeded,
                        "\(client.configuration.limits.maxPages) pages read and the service announces more; stopped (limits.maxPages)",
                        operation: .threads
                    )
                }
                let page = try await client.threads(query, options: options)
                let held = page.heldBytes
                let budget = client.configuration.limits.maxCollectedBytes
                if held > budget {
                    exhausted = true
                    buffer = []
                    index = 0
                    throw AIYouError(
                        .limitExceeded,
                        "page \(query.page) holds \(held) bytes of threads, more than limits.maxCollectedBytes (\(budget)); stopped",
                        operation: .threads
                    )
                }
                buffer = page.threads
                index = 0
                exhausted = page.isLast(requested: query)
                if !exhausted, query.page >= client.configuration.limits.maxPages {
                    exhausted = true
                    stoppedAtLimit = true
                }
                query.page += 1
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension ConversationThread {
    /// What the thread counts toward ``Configuration/Limits/maxCollectedBytes``: the UTF-8 bytes
    /// of its text fields, plus ``fixedHeldBytes`` for the rest of it (the value itself, its
    /// place in an array and in a walk's set of ids seen).
    var heldBytes: Int {
        func count(_ text: String?) -> Int { text?.utf8.count ?? 0 }
        let identifiers = id.utf8.count + count(threadIDParam) + count(assistantID) + count(assistantIDOpenAI)
        let texts = count(content) + count(assistantContentJSON) + count(assistantName) + count(assistantModel) + count(firstMessage)
        return Self.fixedHeldBytes + identifiers + texts
    }

    /// What a thread counts besides its text: more than its in-memory size (about 200 bytes on
    /// 64-bit platforms) and an array slot.
    static let fixedHeldBytes = 256
}

extension ThreadPage {
    /// What the page's threads count toward ``Configuration/Limits/maxCollectedBytes``.
    var heldBytes: Int { threads.reduce(0) { $0 + $1.heldBytes } }
}
