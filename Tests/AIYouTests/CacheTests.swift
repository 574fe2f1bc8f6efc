import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Response cache")
struct CacheTests {
    @Test("off by default: every call reaches the service")
    func disabledByDefault() async throws {
        try await withServerAndClient { server, client in
            for _ in 0..<3 { _ = try await client.assistants() }
            #expect(server.requestCount(.assistants) == 3)
            #expect(client.cacheStatistics.hits == 0)
        }
    }

    @Test("a hit makes no request; after the time to live the service is asked again")
    func hitsAndExpiry() async throws {
        let time = ManualTime()
        try await withServerAndClient(client: {
            $0.cache = .enabled
            $0.timeSource = time.source
        }) { server, client in
            let first = try await client.assistants()
            for _ in 0..<10 { #expect(try await client.assistants() == first) }
            _ = try await client.models()
            _ = try await client.models()
            #expect(server.requestCount(.assistants) == 1)
            #expect(server.requestCount(.listModels) == 1)
            time.advance(by: .seconds(61))
            _ = try await client.assistants()
            _ = try await client.models()
            #expect(server.requestCount(.assistants) == 2, "assistants live 60 s")
            #expect(server.requestCount(.listModels) == 1, "models live 300 s")
            let statistics = client.cacheStatistics
            #expect(statistics.hits == 12)
            #expect(statistics.misses == 3)
        }
    }

    @Test("50 concurrent identical misses cause one request")
    func singleFlight() async throws {
        try await withServerAndClient(client: {
            $0.cache = .enabled
            $0.credentials = Fixture.apiKey
        }) { server, client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { try await client.assistants().count } }
                for try await count in group { #expect(count == 3) }
            }
            #expect(server.requestCount(.assistants) == 1)
        }
    }

    @Test("the client's writes invalidate what they change; invalidateCache drops the rest")
    func invalidation() async throws {
        try await withServerAndClient(client: { $0.cache = .init(threadsTTL: .seconds(30)) }) { server, client in
            let before = try await client.threads().totalItems
            _ = try await client.assistants()
            let saved = try await client.saveConversation(.init(assistantID: "602", conversation: "Nouvelle"))
            #expect(try await client.threads().totalItems == before + 1, "save invalidated the pages")
            _ = try await client.assistants()
            #expect(server.requestCount(.assistants) == 2, "save invalidated the assistants (recent threads)")
            try await client.deleteThread(id: saved.id)
            #expect(try await client.threads().totalItems == before)
            _ = try await client.models()
            _ = try await client.createModel(.init(name: "nouveau-modele"))
            #expect(try await client.models().models.contains { $0.name == "nouveau-modele" })
            #expect(server.requestCount(.listModels) == 2)
            client.invalidateCache([.assistants])
            _ = try await client.assistants()
            #expect(server.requestCount(.assistants) == 3)
            client.invalidateCache()
            _ = try await client.models()
            #expect(server.requestCount(.listModels) == 3)
        }
    }

    @Test("different queries are different entries; the least recently used goes first")
    func keysAndEviction() async throws {
        try await withServerAndClient(client: { $0.cache = .init(threadsTTL: .seconds(30), maxEntries: 2) }) { server, client in
            _ = try await client.threads(page: 1)
            _ = try await client.threads(page: 2)
            _ = try await client.threads(page: 1)  // hit; page 2 is now the least recently used
            _ = try await client.threads(page: 3)  // evicts page 2
            _ = try await client.threads(page: 1)  // still cached
            _ = try await client.threads(page: 2)  // asked again
            #expect(server.requestCount(.threads) == 4)
            #expect(client.cacheStatistics.evictions >= 1)
            #expect(client.cacheStatistics.entries == 2)
        }
    }

    @Test("errors are not cached")
    func errorsNotCached() async throws {
        try await withServerAndClient(client: {
            $0.cache = .enabled
            $0.retry = .disabled
        }) { server, client in
            _ = try await client.models()
            client.invalidateCache()
            server.enqueueFaults([.status(500)], for: .assistants)
            await expectAIYouError(.apiError) { try await client.assistants() }
            #expect(try await client.assistants().count == 3)
            #expect(server.requestCount(.assistants) == 2)
        }
    }

    @Test("entries never cross credentials: the same request under another identity loads again")
    func identityInKey() async throws {
        let cache = ResponseCache(maxEntries: 10, timeSource: ManualTime().source, tasks: OwnedTasks())
        let userA = Credentials.bearerToken("user-a-token").hashValue
        let userB = Credentials.bearerToken("user-b-token").hashValue
        #expect(userA != userB)
        let loads = Locked(0)
        for identity in [userA, userB, userA, userB] {
            let key = ResponseCache.Key(group: .assistants, identity: identity, target: "GET /api/v1/user/assistants")
            let value = try await cache.value(for: key, ttl: .seconds(60)) {
                loads.withLock { $0 += 1 }
                return identity
            }
            #expect(value == identity, "each user sees only their own answer")
        }
        #expect(loads.value == 2)
    }
}
