import AIYouMockServer
import Foundation
import Testing

/// The LLMaaS side of the `aiyou` tool, against the embedded server.
@Suite("aiyou --api llmaas")
struct LLMaaSCLITests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLITests.Run {
        try await CLITests.run(arguments, environment: environment)
    }

    @Test("chat --tool-demo runs a tool loop and shows each call")
    func toolDemo() async throws {
        let run = try await Self.run(["--mock", "--api", "llmaas", "chat", "--tool-demo", "What is the weather in Nantes?"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Results: ") && run.stdout.contains("Nantes"))
        #expect(run.stderr.contains("→ get_weather({\"city\":\"Nantes\"})"))
        #expect(run.stderr.contains("2 round(s), 1 tool call(s)"))
        let json = try await Self.run(["--mock", "--api", "llmaas", "--json", "chat", "--tool-demo"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["rounds"] as? Int == 2 && object?["toolCalls"] as? Int == 1)
    }

    @Test("AIYOU_API=llmaas chat --model, models with aliases, and chat without a model refused")
    func chatAndModels() async throws {
        let chat = try await Self.run(["--mock", "chat", "--model", "gpt-oss:120b", "Bonjour"], environment: ["AIYOU_API": "llmaas"])
        #expect(chat.status == 0 && chat.stdout.contains("Bonjour"), "\(chat.stderr)")
        let models = try await Self.run(["--mock", "--api", "llmaas", "models"])
        #expect(models.stdout.contains("gpt-oss:120b\tCloudTemple\t120000\taliases: gpt-oss"))
        let noModel = try await Self.run(["--mock", "--api", "llmaas", "chat", "Bonjour"])
        #expect(noModel.status == 1 && noModel.stderr.contains("--model"))
        let badAPI = try await Self.run(["--mock", "--api", "openai", "models"])
        #expect(badAPI.status != 0 && badAPI.stderr.contains("aiyou or llmaas"))
    }

    @Test("embed, rerank and transcribe --task translate")
    func vectors() async throws {
        let embed = try await Self.run([
            "--mock", "--api", "llmaas", "--json", "embed", "--model", "bge-m3", "--batch-size", "1", "hello", "world",
        ])
        #expect(embed.status == 0, "\(embed.stderr)")
        let embedded = try JSONSerialization.jsonObject(with: Data(embed.stdout.utf8)) as? [String: Any]
        let vectors = embedded?["vectors"] as? [[Double]]
        #expect(embedded?["dimensions"] as? Int == 1024 && vectors?.count == 2)
        let expected = MockAIYouServer.embedding(for: "world", dimensions: 1024)
        #expect(vectors?[1].map(Float.init) == expected)

        let rerank = try await Self.run([
            "--mock", "--api", "llmaas", "rerank", "--model", "qwen3-reranker:0.6b", "--query", "reset my password", "--top-n", "1",
            "The office opens at 9.", "Reset it from the sign-in page.",
        ])
        #expect(rerank.status == 0 && rerank.stdout == "0.3333\t#1\tReset it from the sign-in page.\n", "\(rerank.stdout) \(rerank.stderr)")

        let audio = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-cli-\(UUID().uuidString).wav")
        _ = FileManager.default.createFile(atPath: audio.path, contents: Data(repeating: 7, count: 64))
        defer { try? FileManager.default.removeItem(at: audio) }
        let translated = try await Self.run([
            "--mock", "--api", "llmaas", "transcribe", audio.path, "--task", "translate", "--initial-prompt", "Cloud",
        ])
        #expect(translated.status == 0 && translated.stdout.hasPrefix("Translated 64 bytes of"), "\(translated.stderr)")
        let aiyou = try await Self.run(["--mock", "embed", "--model", "bge-m3", "x"])
        #expect(aiyou.status == 1 && aiyou.stderr.contains("unsupported"))
    }

    @Test(
        "a 128 MiB streamed answer: chat prints it all, as text and as --json, without its memory growing with the answer",
        .timeLimit(TestTiming.limit(minutes: 10))
    )
    func largeAnswerInFlatMemory() async throws {
        let piece = String(repeating: "0123456789abcdef", count: 4096)
        let count = 2048
        let answerBytes = count * piece.utf8.count
        // The server runs as a process of its own (`aiyou serve`): writing 256 MiB from this one
        // would hold the cooperative threads the tests beside this one need. Its answers, in
        // order: one piece, the whole answer, one piece, the whole answer.
        let (small, whole) = ("llmaas-chat=many-deltas:1:\(piece)", "llmaas-chat=many-deltas:\(count):\(piece)")
        let server = try await ServeProcess.start(["--fault", small, "--fault", whole, "--fault", small, "--fault", whole])
        defer { server.killIfRunning() }
        let target = ["--api", "llmaas", "--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
        let chat = ["chat", "--model", "gpt-oss:120b", "Bonjour"]
        /// The tool's peak for the same command with a one-piece answer: its own footprint.
        func footprint(_ arguments: [String]) async throws -> Int {
            let run = try await MeasuredProcess.run(CLITests.executable, arguments)
            #expect(run.status == 0 && run.stdoutBytes > piece.utf8.count, "\(run.stderr)")
            return run.peakResidentBytes
        }

        let textFootprint = try await footprint(target + chat)
        let plain = try await MeasuredProcess.run(CLITests.executable, target + chat)
        #expect(plain.status == 0 && !plain.timedOut, "\(plain.stderr)")
        #expect(plain.stdoutBytes == answerBytes + 1)
        #expect(plain.stdoutTail.suffix(17) == Array((String(piece.suffix(16)) + "\n").utf8))
        // Measured: about 40 MB for either answer; the bound is an eighth of the answer above it.
        #expect(
            plain.peakResidentBytes < textFootprint + answerBytes / 8,
            "peak \(plain.peakResidentBytes) bytes for a \(answerBytes)-byte answer, \(textFootprint) for one piece"
        )

        let jsonFootprint = try await footprint(target + ["--json"] + chat)
        let json = try await MeasuredProcess.run(CLITests.executable, target + ["--json"] + chat)
        #expect(json.status == 0 && !json.timedOut, "\(json.stderr)")
        #expect(json.stdoutBytes > answerBytes)
        #expect(String(decoding: json.stdoutHead.prefix(64), as: UTF8.self) == String(("{\n  \"text\" : \"" + piece).prefix(64)))
        let tail = String(decoding: json.stdoutTail.suffix(1024), as: UTF8.self)
        #expect(tail.contains("0123456789abcdef\",\n  \"choices\" : ["), "the text runs into the other fields: \(tail)")
        #expect(tail.contains("\"finish_reason\" : \"stop\"") && tail.contains("\"completion_tokens\" : \(count)"), "\(tail)")
        #expect(tail.hasSuffix("\n}\n"))
        #expect(
            json.peakResidentBytes < jsonFootprint + answerBytes / 8,
            "peak \(json.peakResidentBytes) bytes for a \(answerBytes)-byte answer, \(jsonFootprint) for one piece"
        )
        server.send(SIGTERM)
        #expect(await server.waitForExit() == .init(status: 0, exited: true))
    }
}
