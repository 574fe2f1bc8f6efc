import AIYou
import AIYouMockServer
import AIYouPostgres
import Foundation
import PostgresNIO
import Testing

/// `AIYouClient`s sharing one quota in PostgreSQL, against the embedded server: what replicas of
/// a service do. In the store's serialized suite: its restart test must not run beside these.
extension PostgresQuotaStoreTests {
    static func clientRequest(maxTokens: Int? = nil) -> ChatCompletionRequest {
        ChatCompletionRequest(messages: [.text("Bonjour")], model: "gpt-oss:120b", maxTokens: maxTokens)
    }

    static func clientConfiguration(_ server: MockAIYouServer, quota: Configuration.Quota) -> Configuration {
        var configuration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
        configuration.retry.maxRetries = 0
        configuration.quota = quota
        return configuration
    }

    @Test(
        "three clients on two PostgreSQL pools, 30 concurrent calls, a quota of 12: exactly 12 reach the service",
        .timeLimit(.minutes(2))
    )
    func replicasShareTheQuotaExactly() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 12, requestWindow: .seconds(600), requestBurst: 12)
        let key = uniqueKey()
        try await environment.withClients(2) { pools in
            try await withStore(pools[0]) { first in
                let second = try PostgresQuotaStore(client: pools[1], tableName: sharedTable, queryTimeout: .seconds(30))
                try await MockAIYouServer.withRunning { server in
                    let succeeded = try await withThrowingTaskGroup(of: Int.self) { group in
                        for replica in 0..<3 {
                            let store: any QuotaStore = replica == 0 ? first : second
                            let configuration = Self.clientConfiguration(
                                server,
                                quota: .init(limits: limits, store: store, key: key, maxWait: .zero)
                            )
                            group.addTask {
                                try await withAIYouClient(configuration) { client in
                                    await withTaskGroup(of: Bool.self) { calls in
                                        for _ in 0..<10 {
                                            calls.addTask { (try? await client.chatCompletion(Self.clientRequest())) != nil }
                                        }
                                        return await calls.reduce(0) { $0 + ($1 ? 1 : 0) }
                                    }
                                }
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                    #expect(succeeded == 12)
                    #expect(server.requestCount(.llmaasChatCompletions) == 12)
                }
            }
        }
    }

    @Test("output tokens reserved in PostgreSQL are settled to the answer's usage", .timeLimit(.minutes(2)))
    func tokensSettledInPostgres() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(tokens: 1000, tokenWindow: .seconds(3600))
        let key = uniqueKey()
        try await environment.withClients { pools in
            try await withStore(pools[0]) { store in
                try await MockAIYouServer.withRunning { server in
                    let configuration = Self.clientConfiguration(
                        server,
                        quota: .init(limits: limits, store: store, key: key, tokenEstimate: 100, maxWait: .zero)
                    )
                    let billed = try await withAIYouClient(configuration) { client in
                        try await client.chatCompletion(Self.clientRequest(maxTokens: 900)).usage?.completionTokens
                    }
                    let spent = try #require(billed)
                    // The refund runs in the client's own task, which its shutdown awaited: what is
                    // left of the budget is exactly 1000 − billed.
                    let rest = try await store.reserve(
                        QuotaCost(requests: 0, tokens: 1000 - spent),
                        key: key,
                        limits: limits,
                        maxWait: .zero
                    )
                    #expect(rest == .admitted(after: .zero))
                    let more = try await store.reserve(QuotaCost(requests: 0, tokens: 1), key: key, limits: limits, maxWait: .zero)
                    #expect(more.refusedRetryAfter != nil)
                }
            }
        }
    }

    @Test("the database unreachable: fail closed refuses, fail open decides with the local share", .timeLimit(.minutes(2)))
    func unreachableDatabase() async throws {
        // A port nothing listens on: the store fails within its deadline.
        var database = PostgresClient.Configuration(
            host: "127.0.0.1",
            port: 1,
            username: "nobody",
            password: nil,
            database: nil,
            tls: .disable
        )
        database.options.connectTimeout = .milliseconds(200)
        let pool = PostgresClient(configuration: database)
        try await withRunning([pool]) { pools in
            let store = try PostgresQuotaStore(client: pools[0], queryTimeout: .milliseconds(300))
            try await MockAIYouServer.withRunning { server in
                let closed = Self.clientConfiguration(
                    server,
                    quota: .init(limits: QuotaLimits(requests: 10), store: store, maxWait: .zero, whenStoreFails: .refuse)
                )
                try await withAIYouClient(closed) { client in
                    do {
                        _ = try await client.chatCompletion(Self.clientRequest())
                        Issue.record("the call went without the store's word")
                    } catch {
                        #expect((error as? AIYouError)?.code == .rateLimited)
                    }
                }
                #expect(server.requestCount(.llmaasChatCompletions) == 0)
                let open = Self.clientConfiguration(
                    server,
                    quota: .init(
                        limits: QuotaLimits(requests: 4, requestWindow: .seconds(600), requestBurst: 4),
                        store: store,
                        maxWait: .zero,
                        whenStoreFails: .useLocalLimit(localShare: 0.5)
                    )
                )
                try await withAIYouClient(open) { client in
                    for _ in 0..<2 { _ = try await client.chatCompletion(Self.clientRequest()) }
                    do {
                        _ = try await client.chatCompletion(Self.clientRequest())
                        Issue.record("the local share of 2 let a third call go")
                    } catch {
                        #expect((error as? AIYouError)?.code == .rateLimited)
                    }
                }
                #expect(server.requestCount(.llmaasChatCompletions) == 2)
            }
        }
    }
}
