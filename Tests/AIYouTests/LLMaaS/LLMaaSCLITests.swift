import AIYouMockServer
import Foundation
import Testing

/// The LLMaaS side of the `aiyou` tool, against the embedded server.
@Suite("aiyou --api llmaas")
struct LLMaaSCLITests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLITests.Run {
        try CLITests.run(arguments, environment: environment)
    }

    @Test("chat --tool-demo runs a tool loop and shows each call")
    func toolDemo() throws {
        let run = try Self.run(["--mock", "--api", "llmaas", "chat", "--tool-demo", "What is the weather in Nantes?"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Results: ") && run.stdout.contains("Nantes"))
        #expect(run.stderr.contains("→ get_weather({\"city\":\"Nantes\"})"))
        #expect(run.stderr.contains("2 round(s), 1 tool call(s)"))
        let json = try Self.run(["--mock", "--api", "llmaas", "--json", "chat", "--tool-demo"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["rounds"] as? Int == 2 && object?["toolCalls"] as? Int == 1)
    }

    @Test("AIYOU_API=llmaas chat --model, models with aliases, and chat without a model refused")
    func chatAndModels() throws {
        let chat = try Self.run(["--mock", "chat", "--model", "gpt-oss:120b", "Bonjour"], environment: ["AIYOU_API": "llmaas"])
        #expect(chat.status == 0 && chat.stdout.contains("Bonjour"), "\(chat.stderr)")
        let models = try Self.run(["--mock", "--api", "llmaas", "models"])
        #expect(models.stdout.contains("gpt-oss:120b\tCloudTemple\t120000\taliases: gpt-oss"))
        let noModel = try Self.run(["--mock", "--api", "llmaas", "chat", "Bonjour"])
        #expect(noModel.status == 1 && noModel.stderr.contains("--model"))
        let badAPI = try Self.run(["--mock", "--api", "openai", "models"])
        #expect(badAPI.status != 0 && badAPI.stderr.contains("aiyou or llmaas"))
    }

    @Test("embed, rerank and transcribe --task translate")
    func vectors() throws {
        let embed = try Self.run([
            "--mock", "--api", "llmaas", "--json", "embed", "--model", "bge-m3", "--batch-size", "1", "hello", "world",
        ])
        #expect(embed.status == 0, "\(embed.stderr)")
        let embedded = try JSONSerialization.jsonObject(with: Data(embed.stdout.utf8)) as? [String: Any]
        let vectors = embedded?["vectors"] as? [[Double]]
        #expect(embedded?["dimensions"] as? Int == 1024 && vectors?.count == 2)
        let expected = MockAIYouServer.embedding(for: "world", dimensions: 1024)
        #expect(vectors?[1].map(Float.init) == expected)

        let rerank = try Self.run([
            "--mock", "--api", "llmaas", "rerank", "--model", "qwen3-reranker:0.6b", "--query", "reset my password", "--top-n", "1",
            "The office opens at 9.", "Reset it from the sign-in page.",
        ])
        #expect(rerank.status == 0 && rerank.stdout == "0.3333\t#1\tReset it from the sign-in page.\n", "\(rerank.stdout) \(rerank.stderr)")

        let audio = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-cli-\(UUID().uuidString).wav")
        _ = FileManager.default.createFile(atPath: audio.path, contents: Data(repeating: 7, count: 64))
        defer { try? FileManager.default.removeItem(at: audio) }
        let translated = try Self.run([
            "--mock", "--api", "llmaas", "transcribe", audio.path, "--task", "translate", "--initial-prompt", "Cloud",
        ])
        #expect(translated.status == 0 && translated.stdout.hasPrefix("Translated 64 bytes of"), "\(translated.stderr)")
        let aiyou = try Self.run(["--mock", "embed", "--model", "bge-m3", "x"])
        #expect(aiyou.status == 1 && aiyou.stderr.contains("unsupported"))
    }
}
