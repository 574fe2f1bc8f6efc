import Logging

extension AIYouClient {
    /// Every thread (matching `search`, when given) as one array, fetched fast: page 1 first, then
    /// the following pages concurrently, at most `maxConcurrentRequests` at a time. Threads keep
    /// the service's order; a thread that moved from one page to the next while the pages were
    /// read appears once.
    ///
    /// The service's totals never size anything: pages are requested a few at a time ahead of the
    /// ones read, the walk ends at the first empty or short page (or at the last page the total
    /// announces), and never goes beyond ``Configuration/Limits/maxPages``; the result grows as
    /// pages arrive. The threads collected and the pages read ahead of their turn may not hold
    /// more than ``Configuration/Limits/maxCollectedBytes`` together. Use
    /// ``allThreads(search:itemsPerPage:options:)`` instead to process threads as they arrive with one
    /// page held at a time.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending when `itemsPerPage`
    ///   is outside 1…50 or `maxConcurrentRequests` is below 1; otherwise the first error of a page
    ///   the walk needed, after which no further page is requested;
    ///   ``AIYouError/Code/limitExceeded`` when page `maxPages` is full and the service announces
    ///   more, or as soon as the pages read hold more than `maxCollectedBytes`.
    public func fetchAllThreads(
        search: String? = nil,
        itemsPerPage: Int = ThreadQuery.maxItemsPerPage,
        maxConcurrentRequests: Int = 4,
        options: RequestOptions = RequestOptions()
    ) async throws -> [ConversationThread] {
        try Self.validate(maxConcurrentRequests: maxConcurrentRequests, operation: .threads)
        let firstQuery = ThreadQuery(page: 1, itemsPerPage: itemsPerPage, search: search)
        try firstQuery.validate()
        let maxPages = configuration.limits.maxPages
        let budget = configuration.limits.maxCollectedBytes
        var seen = Set<String>()
        var all: [ConversationThread] = []
        // What `all` holds, and what the pages that arrived ahead of their turn hold.
        var collected = 0
        var waiting = 0
        func append(_ page: ThreadPage) {
            for thread in page.threads where seen.insert(thread.id).inserted {
                all.append(thread)
                collected += thread.heldBytes
            }
        }
        func checkBudget(page: Int) throws {
            guard collected + waiting > budget else { return }
            throw AIYouError(
                .limitExceeded,
                "fetch all threads: with page \(page), the pages read hold more than limits.maxCollectedBytes (\(budget) bytes); stopped"
            )
        }
        let first = try await threads(firstQuery, options: options)
        append(first)
        try checkBudget(page: 1)
        if first.isLast(requested: firstQuery) { return all }
        // The announced total may end the walk early; it never extends it beyond maxPages.
        let lastPage = min(first.totalPages, maxPages)
        // Pages 2, 3, … are requested ahead of the one being read, by at most the concurrency
        // limit, and appended in order as they complete; the first last page ends the walk and
        // cancels the requests beyond it (their results and errors are not needed).
        return try await withThrowingTaskGroup(of: (Int, Result<ThreadPage, any Error>).self) { group in
            var nextToRequest = 2
            var nextToAppend = 2
            var arrived: [Int: Result<ThreadPage, any Error>] = [:]
            func requestMore() {
                while nextToRequest <= lastPage, nextToRequest < nextToAppend + maxConcurrentRequests {
                    let query = ThreadQuery(page: nextToRequest, itemsPerPage: itemsPerPage, search: search)
                    group.addTask {
                        do {
                            return (query.page, .success(try await self.threads(query, options: options)))
                        } catch {
                            return (query.page, .failure(error))
                        }
                    }
                    nextToRequest += 1
                }
            }
            requestMore()
            while let (number, result) = try await group.next() {
                arrived[number] = result
                if case .success(let page) = result { waiting += page.heldBytes }
                while let result = arrived.removeValue(forKey: nextToAppend) {
                    let page = try result.get()
                    waiting -= page.heldBytes
                    append(page)
                    let query = ThreadQuery(page: nextToAppend, itemsPerPage: itemsPerPage, search: search)
                    if page.isLast(requested: query) {
                        // The pages read beyond the last one are dropped, not kept.
                        waiting = 0
                        try checkBudget(page: nextToAppend)
                        group.cancelAll()
                        return all
                    }
                    try checkBudget(page: nextToAppend)
                    if nextToAppend >= maxPages {
                        group.cancelAll()
                        throw AIYouError(
                            .limitExceeded,
                            "fetch all threads: \(maxPages) pages read and the service announces more; stopped (limits.maxPages)"
                        )
                    }
                    nextToAppend += 1
                }
                // Leaving the group by an error cancels the requests still in flight.
                try checkBudget(page: number)
                requestMore()
            }
            return all
        }
    }

    /// Deletes many threads, at most `maxConcurrentRequests` at a time. Each id is deleted once,
    /// however often it is listed. A deletion that fails does not stop the others; the result
    /// lists what was deleted and what failed, with each failure's error.
    /// - Throws: ``AIYouError/Code/invalidRequest`` before sending anything when an id is empty,
    ///   `.` or `..`, or holds control characters, or `maxConcurrentRequests` is below 1; ``AIYouError/Code/cancelled`` when the task is
    ///   cancelled (deletions already sent may have happened).
    public func deleteThreads(
        ids: [String],
        maxConcurrentRequests: Int = 4,
        options: RequestOptions = RequestOptions()
    ) async throws -> ThreadDeletionResult {
        try Self.validate(maxConcurrentRequests: maxConcurrentRequests, operation: .deleteThread)
        for (position, id) in ids.enumerated() {
            do {
                _ = try PercentEncoding.pathSegment(id, operation: .deleteThread)
            } catch {
                throw AIYouError.invalidRequest("delete threads: the id at position \(position) is not valid (\(error.message))")
            }
        }
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        let outcomes = try await concurrentMap(unique, limit: maxConcurrentRequests) { id -> AIYouError? in
            do {
                try await self.deleteThread(id: id, options: options)
                return nil
            } catch let error as AIYouError {
                return error
            }
        }
        if Task.isCancelled { throw AIYouError(.cancelled, "delete threads: cancelled") }
        var result = ThreadDeletionResult()
        for (id, failure) in zip(unique, outcomes) {
            if let failure {
                result.failures.append((id, failure))
            } else {
                result.deleted.append(id)
            }
        }
        return result
    }

    private static func validate(maxConcurrentRequests: Int, operation: AIYouOperation) throws {
        guard maxConcurrentRequests >= 1 else {
            throw AIYouError.invalidRequest("maxConcurrentRequests must be at least 1 (got \(maxConcurrentRequests))", operation: operation)
        }
    }
}

/// What ``AIYouClient/deleteThreads(ids:maxConcurrentRequests:options:)`` did.
public struct ThreadDeletionResult: Sendable {
    /// The ids deleted, in the order given.
    public var deleted: [String] = []
    /// The ids that could not be deleted, in the order given, each with its error
    /// (``AIYouError/Code/notFound`` for an id the service does not know).
    public var failures: [(id: String, error: AIYouError)] = []

    /// `true` when every id was deleted.
    public var allSucceeded: Bool { failures.isEmpty }
}

/// Runs `operation` on every element with at most `limit` running at once, and returns the
/// results in the elements' order. The first error thrown cancels the operations still running,
/// starts no new one, and is rethrown.
func concurrentMap<Element: Sendable, Result: Sendable>(
    _ elements: [Element],
    limit: Int,
    _ operation: @escaping @Sendable (Element) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: elements.count)
        var next = 0
        while next < min(limit, elements.count) {
            let index = next
            group.addTask { (index, try await operation(elements[index])) }
            next += 1
        }
        while let (index, value) = try await group.next() {
            results[index] = value
            if next < elements.count {
                let index = next
                group.addTask { (index, try await operation(elements[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
