import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Models on LLMaaS")
struct LLMaaSModelsTests {
    static let list = #"""
        {"object":"list","data":[
         {"id":"qwen3-vl:8b","object":"model","created":1767100000,"owned_by":"CloudTemple","root":"qwen3-vl:8b",
          "aliases":["qwen3-vl:8b","qwen3-vl"],"parent":null,"max_model_len":250000,
          "permission":[{"id":"modelperm-qwen3-vl:8b-1767100000","object":"model_permission","created":1767100000,
           "allow_sampling":true,"allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null}]},
         {"id":"bge-m3","object":"model","created":"2026-01-01T00:00:00Z","owned_by":"CloudTemple","root":"bge-m3:567m",
          "aliases":["bge-m3", 7, null],"max_model_len":"8192"},
         {"id":"bare"}]}
        """#

    @Test("GET /v1/models is decoded as an OpenAI list with aliases, max_model_len, owner, root and date")
    func openAIList() async throws {
        let transport = ScriptedTransport([.answer(200, body: Self.list)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let catalogue = try await client.models()
        #expect(catalogue.total == 3)
        let first = catalogue.models[0]
        #expect(first.name == "qwen3-vl:8b")
        #expect(first.aliases == ["qwen3-vl:8b", "qwen3-vl"])
        #expect(first.maxModelLength == 250_000)
        #expect(first.ownedBy == "CloudTemple")
        #expect(first.root == "qwen3-vl:8b")
        #expect(first.created == Date(timeIntervalSince1970: 1_767_100_000))
        #expect(first.contextWindow == nil && first.provider == nil)
        let second = catalogue.models[1]
        #expect(second.aliases == ["bge-m3"], "non-strings are skipped")
        #expect(second.maxModelLength == 8192)
        #expect(second.root == "bge-m3:567m")
        #expect(second.created == Date(timeIntervalSince1970: 1_767_225_600), "ISO 8601 dates are read too")
        let bare = catalogue.models[2]
        #expect(bare == Model(name: "bare"))
        let sent = try #require(transport.sent.first)
        #expect(sent.method == .GET)
        #expect(sent.target == "/v1/models")
    }

    @Test("on LLMaaS a 404 or 405 is final: there is no POST fallback")
    func noFallback() async throws {
        let transport = ScriptedTransport([.answer(405), .answer(200, body: Self.list)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let error = await expectAIYouError(.apiError) { try await client.models() }
        #expect(error?.status == 405)
        #expect(transport.sent.count == 1)
        await expectAIYouError(.unsupported) { try await client.createModel(.init(name: "x")) }
        await expectAIYouError(.unsupported) { try await client.createModel(.init(name: "")) }
        #expect(transport.sent.count == 1)
    }

    @Test("the catalogue is cached on LLMaaS as on AI.YOU")
    func cached() async throws {
        let transport = ScriptedTransport([.answer(200, body: Self.list)])
        let client = try AIYouClient.scripted(transport) {
            $0.api = .llmaas
            $0.cache = .init(isEnabled: true)
        }
        let first = try await client.models()
        let second = try await client.models()
        #expect(first == second)
        #expect(transport.sent.count == 1)
        #expect(client.cacheStatistics.hits == 1)
    }

    @Test("AI.YOU models decode and encode exactly as before")
    func aiyouUnchanged() throws {
        let json = #"{"name":"mistral-small-24b","provider":"Mistral AI","context_window":"32768","description":"d"}"#
        let model = try JSONDecoder().decode(Model.self, from: Data(json.utf8))
        #expect(model == Model(name: "mistral-small-24b", provider: "Mistral AI", contextWindow: 32768, description: "d"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(
            String(decoding: try encoder.encode(model), as: UTF8.self)
                == #"{"context_window":32768,"description":"d","name":"mistral-small-24b","provider":"Mistral AI"}"#
        )
        #expect(String(decoding: try encoder.encode(CreateModelRequest(name: "n")), as: UTF8.self) == #"{"name":"n"}"#)
    }

    @Test("an LLMaaS model encodes its fields and decodes back the same")
    func roundTrip() throws {
        let model = Model(
            name: "bge-m3",
            aliases: ["bge-m3", "bge-m3:567m"],
            maxModelLength: 8192,
            ownedBy: "CloudTemple",
            root: "bge-m3:567m",
            created: Date(timeIntervalSince1970: 1_767_100_000)
        )
        let data = try JSONEncoder().encode(model)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""max_model_len":8192"#) && text.contains(#""created":1767100000"#), "\(text)")
        #expect(try JSONDecoder().decode(Model.self, from: data) == model)
    }
}
