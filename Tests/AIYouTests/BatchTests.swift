import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Bounded-concurrency helpers: every thread page at once, many deletions at once")
struct BatchTests {
    @Test("fetchAllThreads reads page 1, then the other pages concurrently, and keeps the service's order")
    func allPages() async throws {
        try await withServerAndClient(server: { $0.seededThreadCount = 23 }) { server, client in
            var walked: [String] = []
            for try await thread in try client.allThreads(itemsPerPage: 5) { walked.append(thread.id) }
            server.resetCounters()
            let connectionsBefore = server.connectionsOpened
            let threads = try await client.fetchAllThreads(itemsPerPage: 5, maxConcurrentRequests: 3)
            #expect(threads.map(\.id) == walked)
            #expect(server.requestCount(.threads) == 5, "page 1, then pages 2 to 5 once each")
            let pages = server.recordedRequests(.threads).compactMap(\.query).sorted()
            #expect(pages == (1...5).map { "page=\($0)&itemsPerPage=5" })
            #expect(server.connectionsOpened - connectionsBefore <= 3, "no more requests in flight than allowed")
        }
    }

    @Test("one page fits everything: a single request; search is passed to every page")
    func onePageAndSearch() async throws {
        try await withServerAndClient(server: { $0.seededThreadCount = 7 }) { server, client in
            #expect(try await client.fetchAllThreads().count == 7)
            #expect(server.requestCount(.threads) == 1)
            server.resetCounters()
            _ = try await client.fetchAllThreads(search: "zz", itemsPerPage: 2)
            #expect(server.recordedRequests(.threads).allSatisfy { $0.query?.contains("search=zz") == true })
        }
    }

    @Test("a page that fails fails the whole fetch with its error, and nothing else is requested after it")
    func pageFailure() async throws {
        try await withServerAndClient(
            server: { $0.seededThreadCount = 20 },
            client: { $0.retry = .disabled }
        ) { server, client in
            server.enqueueFaults([.delay(.zero), .status(500)], for: .threads)
            await expectAIYouError(.apiError) { try await client.fetchAllThreads(itemsPerPage: 5, maxConcurrentRequests: 1) }
            #expect(server.requestCount(.threads) == 2, "page 1 succeeded, page 2 failed, pages 3 and 4 were never sent")
        }
    }

    @Test("deleteThreads deletes each id once, reports the ones that failed, and invalidates nothing twice")
    func deleteMany() async throws {
        try await withServerAndClient(server: { $0.seededThreadCount = 10 }) { server, client in
            let ids = try await client.fetchAllThreads().map(\.id)
            let doomed = Array(ids.prefix(6))
            let result = try await client.deleteThreads(ids: doomed + [doomed[0], "no-such-thread"], maxConcurrentRequests: 4)
            #expect(Set(result.deleted) == Set(doomed))
            #expect(result.failures.map(\.id) == ["no-such-thread"])
            #expect(result.failures.first?.error.code == .notFound)
            #expect(!result.allSucceeded)
            #expect(server.requestCount(.deleteThread) == 7, "a repeated id is deleted once")
            #expect(try await client.fetchAllThreads().map(\.id) == Array(ids.dropFirst(6)))
        }
    }

    @Test("bad arguments are refused before anything is sent")
    func validation() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.invalidRequest) { try await client.deleteThreads(ids: ["a", " "]) }
            await expectAIYouError(.invalidRequest) { try await client.deleteThreads(ids: ["a"], maxConcurrentRequests: 0) }
            await expectAIYouError(.invalidRequest) { try await client.fetchAllThreads(maxConcurrentRequests: 0) }
            await expectAIYouError(.invalidRequest) { try await client.fetchAllThreads(itemsPerPage: 51) }
            #expect(server.totalRequestCount == 0)
            let empty = try await client.deleteThreads(ids: [])
            #expect(empty.deleted.isEmpty && empty.allSucceeded)
        }
    }

    @Test("concurrentMap keeps input order and never runs more than the limit at once")
    func concurrentMapBound() async throws {
        let running = Locked(0)
        let peak = Locked(0)
        let doubled = try await concurrentMap(Array(0..<40), limit: 5) { value in
            let now = running.withLock {
                $0 += 1
                return $0
            }
            peak.withLock { $0 = max($0, now) }
            await Task.yield()
            running.withLock { $0 -= 1 }
            return value * 2
        }
        #expect(doubled == (0..<40).map { $0 * 2 })
        #expect(peak.value <= 5)
        #expect(peak.value >= 1)
    }
}
