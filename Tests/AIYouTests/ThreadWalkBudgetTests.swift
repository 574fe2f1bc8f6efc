import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Walks of the thread list are bounded in bytes as well as in pages
/// (``Configuration/Limits/maxCollectedBytes``): over loopback against the embedded server, with a
/// small budget, counting the pages requested.
@Suite("Thread walks hold at most limits.maxCollectedBytes")
struct ThreadWalkBudgetTests {
    /// The held size of page 1 of the endless full pages `lyingPageCounts` invents, at `pageSize`
    /// (pages 1 to 9 are all the same size: their ids and messages have as many digits).
    static func endlessPageBytes(_ client: AIYouClient, pageSize: Int) async throws -> Int {
        let first = try await client.threads(page: 1, itemsPerPage: pageSize)
        let second = try await client.threads(page: 2, itemsPerPage: pageSize)
        #expect(first.threads.count == pageSize)
        #expect(first.heldBytes == second.heldBytes)
        return first.heldBytes
    }

    @Test("fetchAllThreads over endless full pages stops at the page that goes beyond the budget, not at maxPages")
    func fetchAllStopsAtBudget() async throws {
        try await withServerAndClient { server, measuring in
            server.setPersistentFault(.lyingPageCounts(totalItems: .max, fullPages: true), for: .threads)
            let pageBytes = try await Self.endlessPageBytes(measuring, pageSize: 50)
            var configuration = Fixture.configuration(server)
            configuration.limits.maxCollectedBytes = pageBytes * 3 + pageBytes / 2
            try await withAIYouClient(configuration) { client in
                server.resetCounters()
                let error = await expectAIYouError(.limitExceeded) {
                    try await client.fetchAllThreads(itemsPerPage: 50, maxConcurrentRequests: 1)
                }
                #expect(error?.message.contains("limits.maxCollectedBytes") == true)
                #expect(error?.message.contains("page 4") == true)
                #expect(server.requestCount(.threads) == 4, "pages 1 to 3 fit, page 4 goes beyond; never page 5")

                // Pages read ahead count too: with 4 in flight, the walk ends as soon as 4 pages
                // are held, whichever arrived; at most 4 more were asked ahead of the one appended.
                server.resetCounters()
                let ahead = await expectAIYouError(.limitExceeded) {
                    try await client.fetchAllThreads(itemsPerPage: 50, maxConcurrentRequests: 4)
                }
                #expect(ahead?.message.contains("limits.maxCollectedBytes") == true)
                #expect(server.requestCount(.threads) <= 8)
            }
        }
    }

    @Test("allThreads and thread(id:) hold one page at a time: endless pages under the budget end at maxPages")
    func onePageAtATime() async throws {
        try await withServerAndClient { server, measuring in
            server.setPersistentFault(.lyingPageCounts(totalItems: .max, fullPages: true), for: .threads)
            let pageBytes = try await Self.endlessPageBytes(measuring, pageSize: 50)
            var configuration = Fixture.configuration(server)
            configuration.limits.maxPages = 12
            configuration.limits.maxCollectedBytes = pageBytes + pageBytes / 2
            try await withAIYouClient(configuration) { client in
                server.resetCounters()
                var delivered = 0
                let error = await expectAIYouError(.limitExceeded) {
                    for try await _ in try client.allThreads(itemsPerPage: 50) { delivered += 1 }
                }
                #expect(error?.message.contains("limits.maxPages") == true, "the pages fit one at a time; maxPages ends the walk")
                #expect(delivered == 600)
                #expect(server.requestCount(.threads) == 12)

                server.resetCounters()
                let absent = await expectAIYouError(.limitExceeded) { try await client.thread(id: "absent") }
                #expect(absent?.message.contains("limits.maxPages") == true)
                #expect(server.requestCount(.threads) == 12, "thread(id:) walks pages of 50 like allThreads")
            }
        }
    }

    @Test("a page beyond the budget ends allThreads after the threads of the pages before it; thread(id:) stops there too")
    func largePageEndsTheWalk() async throws {
        try await withServerAndClient(
            server: { $0.seededThreadCount = 0 },
            client: { $0.limits.maxCollectedBytes = 16 * 1024 }
        ) { server, client in
            // Newest first: 10 small threads on pages 1 and 2 (5 a page), then one of 40 KB on page 3.
            let large = try await client.saveConversation(.init(assistantID: "602", conversation: String(repeating: "x", count: 40_000)))
            var small: [String] = []
            for number in 1...10 {
                small.append(try await client.saveConversation(.init(assistantID: "602", conversation: "fil \(number)")).id)
            }
            server.resetCounters()
            var delivered: [String] = []
            let error = await expectAIYouError(.limitExceeded) {
                for try await thread in try client.allThreads(itemsPerPage: 5) { delivered.append(thread.id) }
            }
            #expect(error?.message.contains("limits.maxCollectedBytes") == true)
            #expect(error?.message.contains("page 3") == true)
            #expect(delivered == Array(small.reversed()), "pages 1 and 2 were delivered whole")
            #expect(server.requestCount(.threads) == 3)

            server.resetCounters()
            await expectAIYouError(.limitExceeded) { try await client.thread(id: large.id) }
            #expect(server.requestCount(.threads) == 1, "thread(id:) reads pages of 50: the first holds the large thread")

            server.resetCounters()
            await expectAIYouError(.limitExceeded) { try await client.fetchAllThreads(itemsPerPage: 5, maxConcurrentRequests: 1) }
            #expect(server.requestCount(.threads) == 3)

            // Without the large thread, every page is within the budget.
            try await client.deleteThread(id: large.id)
            #expect(try await client.thread(id: small[0]).id == small[0])
            #expect(try await client.fetchAllThreads(itemsPerPage: 5).map(\.id) == Array(small.reversed()))
        }
    }

    @Test("within the budget, nothing changes: every thread is returned")
    func withinBudget() async throws {
        try await withServerAndClient(
            server: { $0.seededThreadCount = 0 },
            client: { $0.limits.maxCollectedBytes = 64 * 1024 }
        ) { server, client in
            _ = try await client.saveConversation(.init(assistantID: "602", conversation: String(repeating: "x", count: 40_000)))
            for number in 1...10 {
                _ = try await client.saveConversation(.init(assistantID: "602", conversation: "fil \(number)"))
            }
            var walked = 0
            for try await _ in try client.allThreads(itemsPerPage: 5) { walked += 1 }
            #expect(walked == 11)
            #expect(try await client.fetchAllThreads(itemsPerPage: 5, maxConcurrentRequests: 4).count == 11)
            #expect(server.threadCount == 11)
        }
    }

    @Test("a thread counts the UTF-8 bytes of its text and a fixed part at least as large as the value itself")
    func heldBytes() {
        let bare = ConversationThread(id: "t1")
        #expect(bare.heldBytes == ConversationThread.fixedHeldBytes + 2)
        let full = ConversationThread(
            id: "t1",
            threadIDParam: "p",
            content: "é",
            assistantContentJSON: "[]",
            assistantName: "name",
            assistantModel: "m",
            assistantID: "602",
            assistantIDOpenAI: "asst",
            firstMessage: "Bonjour"
        )
        #expect(full.heldBytes == ConversationThread.fixedHeldBytes + 2 + 1 + 2 + 2 + 4 + 1 + 3 + 4 + 7)
        #expect(MemoryLayout<ConversationThread>.stride < ConversationThread.fixedHeldBytes)
        let page = ThreadPage(threads: [bare, full], totalItems: 2, itemsPerPage: 2, currentPage: 1)
        #expect(page.heldBytes == bare.heldBytes + full.heldBytes)
    }

    @Test("maxCollectedBytes below 1024 is refused when the client is created")
    func validation() {
        var configuration = Configuration(baseURL: "http://127.0.0.1:9", credentials: .bearerToken("t"))
        configuration.limits.maxCollectedBytes = 1023
        #expect(throws: AIYouError.self) { try configuration.validated() }
        configuration.limits.maxCollectedBytes = 1024
        #expect(throws: Never.self) { try configuration.validated() }
        #expect(Configuration.Limits().maxCollectedBytes == 256 * 1024 * 1024)
    }
}
