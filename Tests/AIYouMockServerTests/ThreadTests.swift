import AIYouMockServer
import Foundation
import Testing

@Suite("Conversations and threads")
struct ThreadTests {
    @Test("save, list, update and delete round trip", arguments: MockResponseShape.allCases)
    func roundTrip(shape: MockResponseShape) async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = shape
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let http = TestHTTP(server)
            #expect(server.threadCount == 23)

            let saved = try await http.send(
                .POST,
                "/api/v1/save",
                json:
                    #"{"assistantId":"602","conversation":"user: zorglub ?","firstMessage":"zorglub ?","contentJson":"[]","isNewAppThread":true}"#
            )
            let savedBody = try saved.object()
            #expect(savedBody["object"] as? String == "thread")
            #expect(savedBody["createdAt"] is Int)
            let id: String
            switch shape {
            case .primary:
                #expect(saved.status == 201)
                id = try #require(savedBody["id"] as? String)
            case .alternate:
                #expect(saved.status == 200)
                id = String(try #require(savedBody["id"] as? Int))
            }
            #expect(server.threadCount == 24)

            // Newest first.
            let first = try await http.send(.GET, "/api/v1/user/threads?page=1&itemsPerPage=5").object()
            #expect(first["totalItems"] as? Int == 24)
            #expect(first["itemsPerPage"] as? Int == 5)
            #expect(first["currentPage"] as? Int == 1)
            let threads = try #require(first["threads"] as? [[String: Any]])
            #expect(threads.count == 5)
            let newest = threads[0]
            #expect(newest["id"] as? String == id)
            #expect(newest["threadIdParam"] as? Int == Int(id))
            #expect(newest["firstMessage"] as? String == "zorglub ?")
            #expect(newest["content"] as? String == "user: zorglub ?")
            #expect(newest["assistantContentJson"] as? String == "[]")
            #expect(newest["assistantName"] as? String == "Assistant juridique")
            #expect(newest["assistantModel"] is NSNull)
            #expect(newest["assistantIdOpenAi"] as? String == "asst_mock602Juridique")
            #expect(newest["isNewAppThread"] as? Bool == true)
            #expect(newest["createdAt"] is String && newest["updatedAt"] is String)
            switch shape {
            case .primary: #expect(newest["assistantId"] as? Int == 602)
            case .alternate: #expect(newest["assistantId"] as? String == "602")
            }

            // Saving again with the thread id updates it.
            let updated = try await http.send(
                .POST,
                "/api/v1/save",
                json: #"{"assistantId":602,"conversation":"user: zorglub ?\nassistant: oui","threadId":"\#(id)"}"#
            )
            #expect(updated.status == (shape == .primary ? 201 : 200))
            #expect(server.threadCount == 24)
            let search = try await http.send(.GET, "/api/v1/user/threads?search=ZORGLUB").object()
            let found = try #require(search["threads"] as? [[String: Any]])
            #expect(found.count == 1)
            #expect(found.first?["content"] as? String == "user: zorglub ?\nassistant: oui")

            let deleted = try await http.send(.DELETE, "/api/v1/threads/\(id)")
            switch shape {
            case .primary:
                #expect(deleted.status == 204)
                #expect(deleted.body.isEmpty)
            case .alternate:
                #expect(deleted.status == 200)
                #expect(try deleted.object()["deleted"] as? Bool == true)
            }
            #expect(server.threadCount == 23)
            let again = try await http.send(.DELETE, "/api/v1/threads/\(id)")
            #expect(again.status == 404)
            #expect(try again.object()["code"] as? Int == 404)
        }
    }

    @Test("paging walks every seeded thread once, newest first")
    func paging() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            var seen: [String] = []
            var dates: [String] = []
            for page in 1...3 {
                let body = try await http.send(.GET, "/api/v1/user/threads?page=\(page)&itemsPerPage=10").object()
                #expect(body["totalItems"] as? Int == 23)
                let threads = try #require(body["threads"] as? [[String: Any]])
                #expect(threads.count == (page < 3 ? 10 : 3))
                seen += threads.compactMap { $0["id"] as? String }
                dates += threads.compactMap { $0["createdAt"] as? String }
            }
            #expect(Set(seen).count == 23)
            #expect(dates == dates.sorted(by: >))
            let beyond = try await http.send(.GET, "/api/v1/user/threads?page=9").object()
            #expect((beyond["threads"] as? [Any])?.isEmpty == true)
            // Defaults: page 1, 10 per page.
            let defaults = try await http.send(.GET, "/api/v1/user/threads").object()
            #expect(defaults["itemsPerPage"] as? Int == 10)
            #expect(defaults["currentPage"] as? Int == 1)
            // Distinct first messages.
            let all = try await http.send(.GET, "/api/v1/user/threads?itemsPerPage=50").object()
            let messages = (all["threads"] as? [[String: Any]] ?? []).compactMap { $0["firstMessage"] as? String }
            #expect(Set(messages).count == 23)
        }
    }

    @Test("search filters case-insensitively; URL-encoded terms work")
    func search() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let body = try await http.send(.GET, "/api/v1/user/threads?search=FACTURE&itemsPerPage=50").object()
            let threads = try #require(body["threads"] as? [[String: Any]])
            #expect(body["totalItems"] as? Int == threads.count)
            #expect(threads.count > 0 && threads.count < 23)
            for thread in threads {
                let haystack = [thread["content"], thread["firstMessage"], thread["assistantName"]]
                    .compactMap { $0 as? String }.joined(separator: " ").lowercased()
                #expect(haystack.contains("facture"))
            }
            let byAssistant = try await http.send(.GET, "/api/v1/user/threads?search=assistant%20comptable&itemsPerPage=50").object()
            #expect(byAssistant["totalItems"] as? Int == 8)  // every third of 23 seeded threads
            let none = try await http.send(.GET, "/api/v1/user/threads?search=introuvable").object()
            #expect(none["totalItems"] as? Int == 0)
        }
    }

    @Test("invalid paging and save requests get 400")
    func validation() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            for query in ["page=0", "page=-1", "page=abc", "itemsPerPage=0", "itemsPerPage=51", "itemsPerPage=x"] {
                #expect(try await http.send(.GET, "/api/v1/user/threads?\(query)").status == 400, "\(query)")
            }
            #expect(try await http.send(.GET, "/api/v1/user/threads?itemsPerPage=50").status == 200)
            for body in [
                #"{"conversation":"x"}"#, #"{"assistantId":"602"}"#, #"{"assistantId":"","conversation":"x"}"#,
                #"{"assistantId":"602","conversation":""}"#, "[]", "",
            ] {
                let response = try await http.send(.POST, "/api/v1/save", json: body)
                #expect(response.status == 400, "\(body)")
            }
            #expect(server.threadCount == 23)
        }
    }

    @Test("seededThreadCount sets the initial threads")
    func seededCount() async throws {
        var configuration = MockServerConfiguration()
        configuration.seededThreadCount = 0
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            #expect(server.threadCount == 0)
            let body = try await TestHTTP(server).send(.GET, "/api/v1/user/threads").object()
            #expect(body["totalItems"] as? Int == 0)
        }
    }
}
