import Foundation

/// A saved conversation thread (`GET /api/v1/user/threads`).
public struct ConversationThread: Decodable, Hashable, Sendable, Identifiable {
    /// The thread's id (use it with ``AIYouClient/thread(id:options:)`` and ``AIYouClient/deleteThread(id:options:)``).
    public var id: String
    /// The thread's public parameter (`threadIdParam`), when sent.
    public var threadIDParam: String?
    /// The conversation's content as saved.
    public var content: String?
    /// The assistant's content as JSON text (`assistantContentJson`).
    public var assistantContentJSON: String?
    /// The assistant's display name.
    public var assistantName: String?
    /// The assistant's model, when sent.
    public var assistantModel: String?
    /// The assistant's id (numbers are turned into strings).
    public var assistantID: String?
    /// The provider-side assistant id (`assistantIdOpenAi`).
    public var assistantIDOpenAI: String?
    /// The message that opened the thread.
    public var firstMessage: String?
    /// Creation time.
    public var createdAt: Date?
    /// Last update.
    public var updatedAt: Date?
    /// Whether the thread was created by the new app.
    public var isNewAppThread: Bool?

    /// A thread with the given id and values.
    public init(
        id: String,
        threadIDParam: String? = nil,
        content: String? = nil,
        assistantContentJSON: String? = nil,
        assistantName: String? = nil,
        assistantModel: String? = nil,
        assistantID: String? = nil,
        assistantIDOpenAI: String? = nil,
        firstMessage: String? = nil,
        createdAt: Date? = nil,
        updatedAt: Date? = nil,
        isNewAppThread: Bool? = nil
    ) {
        self.id = id
        self.threadIDParam = threadIDParam
        self.content = content
        self.assistantContentJSON = assistantContentJSON
        self.assistantName = assistantName
        self.assistantModel = assistantModel
        self.assistantID = assistantID
        self.assistantIDOpenAI = assistantIDOpenAI
        self.firstMessage = firstMessage
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.isNewAppThread = isNewAppThread
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case threadIDParam = "threadIdParam"
        case content
        case assistantContentJSON = "assistantContentJson"
        case assistantName
        case assistantModel
        case assistantID = "assistantId"
        case assistantIDOpenAI = "assistantIdOpenAi"
        case firstMessage
        case createdAt, updatedAt, isNewAppThread
    }

    /// Decodes ids as numbers or strings, dates as ISO 8601 or Unix seconds; unknown fields are ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.requiredLenientString(.id)
        threadIDParam = container.lenientString(.threadIDParam)
        content = container.lenientString(.content)
        assistantContentJSON = container.lenientString(.assistantContentJSON)
        assistantName = container.lenientString(.assistantName)
        assistantModel = container.lenientString(.assistantModel)
        assistantID = container.lenientString(.assistantID)
        assistantIDOpenAI = container.lenientString(.assistantIDOpenAI)
        firstMessage = container.lenientString(.firstMessage)
        createdAt = container.lenientDate(.createdAt)
        updatedAt = container.lenientDate(.updatedAt)
        isNewAppThread = container.lenientBool(.isNewAppThread)
    }
}

/// One page of the user's threads.
public struct ThreadPage: Decodable, Hashable, Sendable {
    /// The threads on this page.
    public var threads: [ConversationThread]
    /// Threads matching the query across all pages.
    public var totalItems: Int
    /// Page size used.
    public var itemsPerPage: Int
    /// This page's number (1-based).
    public var currentPage: Int

    /// Number of pages for ``totalItems`` at ``itemsPerPage``, as the service counts them (0 when
    /// either is not positive).
    public var totalPages: Int {
        guard totalItems > 0, itemsPerPage > 0 else { return 0 }
        return totalItems / itemsPerPage + (totalItems % itemsPerPage == 0 ? 0 : 1)
    }
    /// `true` when the service announces a page after this one.
    public var hasNextPage: Bool { currentPage < totalPages }

    /// Whether this page, read for `query`, is the last one to read: it is empty, or shorter
    /// than its page size (the one asked for, or a smaller one the service says it used), or the
    /// service's total ends with it. The service's numbers only ever end a walk; they never make
    /// it longer than the pages actually hold.
    func isLast(requested query: ThreadQuery) -> Bool {
        let pageSize = itemsPerPage > 0 ? min(itemsPerPage, query.itemsPerPage) : query.itemsPerPage
        return threads.isEmpty || threads.count < pageSize || query.page >= totalPages
    }

    /// A page with the given values.
    public init(threads: [ConversationThread], totalItems: Int, itemsPerPage: Int, currentPage: Int) {
        self.threads = threads
        self.totalItems = totalItems
        self.itemsPerPage = itemsPerPage
        self.currentPage = currentPage
    }

    private enum CodingKeys: String, CodingKey {
        case threads, totalItems, itemsPerPage, currentPage
        case hydraMember = "hydra:member"
        case hydraTotalItems = "hydra:totalItems"
    }

    /// Decodes the page; missing counts fall back to what the page itself shows.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.threads) {
            threads = container.lenientArray(.threads)
        } else if container.contains(.hydraMember) {
            threads = container.lenientArray(.hydraMember)
        } else {
            throw DecodingError.keyNotFound(CodingKeys.threads, .init(codingPath: [], debugDescription: "a thread page needs \"threads\""))
        }
        totalItems = container.lenientInt(.totalItems) ?? container.lenientInt(.hydraTotalItems) ?? threads.count
        itemsPerPage = container.lenientInt(.itemsPerPage) ?? max(threads.count, 1)
        currentPage = container.lenientInt(.currentPage) ?? 1
    }
}

/// Which page of threads to read.
public struct ThreadQuery: Hashable, Sendable {
    /// Page number, from 1.
    public var page: Int
    /// Page size, 1…50.
    public var itemsPerPage: Int
    /// Only threads matching this term, when set.
    public var search: String?

    /// The largest page size the service accepts.
    public static let maxItemsPerPage = 50

    /// A query; defaults are page 1 of 10.
    public init(page: Int = 1, itemsPerPage: Int = 10, search: String? = nil) {
        self.page = page
        self.itemsPerPage = itemsPerPage
        self.search = search
    }

    func validate() throws(AIYouError) {
        if page < 1 { throw .invalidRequest("page must be at least 1 (got \(page))", operation: .threads) }
        if !(1...Self.maxItemsPerPage).contains(itemsPerPage) {
            throw .invalidRequest("itemsPerPage must be within 1…\(Self.maxItemsPerPage) (got \(itemsPerPage))", operation: .threads)
        }
    }

    var queryItems: [(String, String)] {
        var items = [("page", String(page)), ("itemsPerPage", String(itemsPerPage))]
        if let search, !search.isEmpty { items.append(("search", search)) }
        return items
    }
}
