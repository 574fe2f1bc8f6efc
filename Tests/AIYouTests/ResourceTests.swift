import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Assistants, models, conversations and threads")
struct ResourceTests {
    @Test("assistants decode in both shapes", arguments: MockResponseShape.allCases)
    func assistants(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            let assistants = try await client.assistants()
            #expect(assistants.count == 3)
            #expect(assistants.map(\.id).contains("602"))
            #expect(assistants.allSatisfy { $0.name?.isEmpty == false })
            #expect(assistants.contains { !$0.threadHistories.isEmpty })
            #expect(server.requestCount(.assistants) == 1)
        }
    }

    @Test("models list in both shapes, with context windows as numbers", arguments: MockResponseShape.allCases)
    func models(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            let list = try await client.models()
            #expect(!list.models.isEmpty)
            #expect(list.total == list.models.count)
            #expect(list.models.contains { $0.contextWindow != nil })
            #expect(server.requestCount(.listModels) == 1)
        }
    }

    @Test("models fall back to POST {} when GET is not routed")
    func modelsFallback() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults([.status(405, body: #"{"message":"Method Not Allowed"}"#)], for: .listModels)
            let list = try await client.models()
            #expect(!list.models.isEmpty)
            #expect(list.models.allSatisfy { $0.provider != nil })
            #expect(server.requestCount(.listModels) == 1)
            #expect(server.requestCount(.createModel) == 1)
            #expect(server.recordedRequests(.createModel).last.map { String(decoding: $0.body, as: UTF8.self) } == "{}")
        }
    }

    @Test("creating a model returns it and it appears in the catalogue", arguments: MockResponseShape.allCases)
    func createModel(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            let model = try await client.createModel(.init(name: "mon-modele", provider: "local", contextWindow: 4096))
            #expect(model.name == "mon-modele")
            #expect(model.contextWindow == 4096)
            #expect(try await client.models().models.contains { $0.name == "mon-modele" })
            await expectAIYouError(.invalidRequest) { try await client.createModel(.init(name: " ")) }
            #expect(server.requestCount(.createModel) == 1)
        }
    }

    @Test("save, list, search, fetch one and delete a thread", arguments: MockResponseShape.allCases)
    func threadLifecycle(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            let before = try await client.threads().totalItems
            let saved = try await client.saveConversation(
                .init(assistantID: "602", conversation: "Parlons de la facture Zyxwv", firstMessage: "Zyxwv ?", isNewAppThread: true)
            )
            #expect(!saved.id.isEmpty)
            #expect(try await client.threads().totalItems == before + 1)
            let found = try await client.threads(page: 1, itemsPerPage: 50, search: "zyxwv")
            #expect(found.threads.map(\.id) == [saved.id])
            #expect(server.recordedRequests(.threads).last?.query?.contains("search=zyxwv") == true)
            let thread = try await client.thread(id: saved.id)
            #expect(thread.firstMessage == "Zyxwv ?")
            try await client.deleteThread(id: saved.id)
            #expect(try await client.threads().totalItems == before)
            await expectAIYouError(.notFound) { try await client.deleteThread(id: saved.id) }
            await expectAIYouError(.notFound) { try await client.thread(id: saved.id) }
        }
    }

    @Test("allThreads walks every page; thread(id:) finds one on a late page")
    func pagination() async throws {
        try await withServerAndClient(server: { $0.seededThreadCount = 23 }) { server, client in
            var ids: [String] = []
            for try await thread in try client.allThreads(itemsPerPage: 5) { ids.append(thread.id) }
            #expect(ids.count == 23)
            #expect(Set(ids).count == 23)
            #expect(server.requestCount(.threads) == 5)
            let last = try #require(ids.last)
            server.resetCounters()
            #expect(try await client.thread(id: last).id == last)
            #expect(server.requestCount(.threads) == 1, "23 threads fit one page of 50")
        }
    }

    @Test("page parameters and required fields are validated before sending")
    func validation() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.invalidRequest) { try await client.threads(page: 0) }
            await expectAIYouError(.invalidRequest) { try await client.threads(page: 1, itemsPerPage: 51) }
            await expectAIYouError(.invalidRequest) { try await client.threads(page: 1, itemsPerPage: 0) }
            await expectAIYouError(.invalidRequest) { try client.allThreads(itemsPerPage: 100) }
            await expectAIYouError(.invalidRequest) { try await client.saveConversation(.init(assistantID: "", conversation: "c")) }
            await expectAIYouError(.invalidRequest) { try await client.saveConversation(.init(assistantID: "602", conversation: "  ")) }
            await expectAIYouError(.invalidRequest) { try await client.thread(id: "") }
            await expectAIYouError(.invalidRequest) { try await client.deleteThread(id: "") }
            #expect(server.totalRequestCount == 0)
        }
    }

    @Test("an answer larger than maxResponseBodyBytes is refused with limitExceeded naming the setting")
    func responseSizeLimit() async throws {
        try await withServerAndClient(server: { $0.seededThreadCount = 23 }, client: { $0.limits.maxResponseBodyBytes = 1024 }) {
            server,
            client in
            let small = try await client.threads(page: 1, itemsPerPage: 1)
            #expect(small.threads.count == 1, "a small page fits")
            let error = await expectAIYouError(.limitExceeded) { try await client.threads(page: 1, itemsPerPage: 50) }
            #expect(error?.message.contains("maxResponseBodyBytes") == true)
            #expect(server.requestCount(.threads) == 2, "not retried: a larger answer will not get smaller")
        }
    }

    @Test("ids with reserved characters are percent-encoded in the path")
    func pathEncoding() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.notFound) { try await client.deleteThread(id: "a/b c") }
            #expect(server.recordedRequests(.deleteThread).last?.path == "/api/v1/threads/a%2Fb%20c")
        }
    }
}
