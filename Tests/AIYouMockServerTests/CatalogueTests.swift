import AIYouMockServer
import Foundation
import Testing

@Suite("Assistants and models")
struct CatalogueTests {
    @Test("assistants: Hydra collection with numeric ids (primary)")
    func assistantsPrimary() async throws {
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(.GET, "/api/v1/user/assistants")
            #expect(response.status == 200)
            let collection = try response.object()
            #expect(collection["@type"] as? String == "hydra:Collection")
            #expect(collection["@context"] is String)
            #expect(collection["@id"] is String)
            #expect(collection["hydra:totalItems"] as? Int == 3)
            let members = try #require(collection["hydra:member"] as? [[String: Any]])
            #expect(members.compactMap { $0["id"] as? Int } == [602, 603, 604])
            for member in members {
                #expect((member["assistantId"] as? String)?.hasPrefix("asst_") == true)
                for key in ["name", "image", "model", "modelAi", "instructions"] {
                    #expect((member[key] as? String)?.isEmpty == false, "\(key)")
                }
                let histories = try #require(member["threadHistories"] as? [[String: Any]])
                #expect(histories.count <= 2)
            }
        }
    }

    @Test("assistants: plain array with string ids (alternate)")
    func assistantsAlternate() async throws {
        try await MockAIYouServer.withRunning { server in
            server.shape = .alternate
            let response = try await TestHTTP(server).send(.GET, "/api/v1/user/assistants")
            let members = try #require(try response.json() as? [[String: Any]])
            #expect(members.compactMap { $0["id"] as? String } == ["602", "603", "604"])
            let histories = members.compactMap { $0["threadHistories"] as? [[String: Any]] }
            #expect(histories.count == 3)
            #expect(histories[0].first?["threadId"] is String)
            #expect(histories[0].first?["firstMessage"] is String)
        }
    }

    @Test("models: GET list, POST {} catalogue, POST with a name creates", arguments: MockResponseShape.allCases)
    func models(shape: MockResponseShape) async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = shape
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let http = TestHTTP(server)
            let list = try await http.send(.GET, "/api/v1/models").object()
            let models = try #require(list["models"] as? [[String: Any]])
            #expect(list["total"] as? Int == models.count)
            #expect(models.count == 5)
            for model in models {
                #expect(model["name"] is String)
                #expect(model["provider"] is String)
                #expect(model["description"] is String)
                switch shape {
                case .primary: #expect(model["context_window"] is Int)
                case .alternate: #expect(Int(model["context_window"] as? String ?? "") != nil)
                }
            }

            let catalogue = try #require(try await http.send(.POST, "/api/v1/models", json: "{}").json() as? [[String: Any]])
            #expect(catalogue.count == 4)
            let names = catalogue.flatMap { ($0["models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
            #expect(names.count == 5)
            #expect(catalogue.allSatisfy { $0["provider"] is String })

            let created = try await http.send(
                .POST,
                "/api/v1/models",
                json: #"{"name":"mon-modele","provider":"Maison","context_window":4096}"#
            )
            #expect(created.status == 201)
            let model = try created.object()
            #expect(model["name"] as? String == "mon-modele")
            #expect(model["provider"] as? String == "Maison")
            #expect(String(describing: model["context_window"]!) == "4096")

            let after = try await http.send(.GET, "/api/v1/models").object()
            #expect(after["total"] as? Int == 6)
            let afterCatalogue = try #require(try await http.send(.POST, "/api/v1/models", json: "{}").json() as? [[String: Any]])
            #expect(afterCatalogue.contains { $0["provider"] as? String == "Maison" })

            for invalid in ["[]", "\"x\"", "oops", #"{"name":""}"#, #"{"name":3}"#] {
                #expect(try await http.send(.POST, "/api/v1/models", json: invalid).status == 400, "\(invalid)")
            }
            #expect(server.requestCount(.createModel) == 8)
            #expect(server.requestCount(.listModels) == 2)
        }
    }
}
