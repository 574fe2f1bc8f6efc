import AIYouMockServer
import Foundation
import Testing

/// `aiyou batch …`, with `--mock` (a server in the tool's own process) and against `aiyou serve`
/// (one server for several invocations).
@Suite("aiyou batch")
struct BatchCLITests {
    static func run(_ arguments: [String]) async throws -> CLITests.Run {
        try await CLITests.run(arguments)
    }

    static func file(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-batch-\(UUID().uuidString).jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    static let lines = [
        #"{"custom_id":"hello","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-oss:120b","messages":[{"role":"user","content":"Salut\nà tous \u001b[31m"}]}}"#,
        #"{"custom_id":"vector","method":"POST","url":"/v1/embeddings","body":{"model":"bge-m3","input":["x"]}}"#,
    ]

    @Test("--mock: status, results (text and JSON lines), cancel and list of the demo batches")
    func demoBatches() async throws {
        let mock = ["--mock", "--api", "llmaas"]
        let status = try await Self.run(mock + ["batch", "status", MockAIYouServer.demoBatchID])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("batch_demo\tcompleted\t2/3 done, 1 failed\toutput: file-"), "\(status.stdout)")

        let results = try await Self.run(mock + ["batch", "results", MockAIYouServer.demoBatchID])
        #expect(results.status == 0, "\(results.stderr)")
        let lines = results.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3)
        #expect(lines.first == "demo-chat\tok\tBonjour ! Vous avez dit : Bonjour")
        #expect(lines.dropFirst().first == "demo-embedding\tok\t1 vector(s) of 768 dimensions")
        #expect(lines.last?.hasPrefix("demo-unknown-model\terror\tnotFound (HTTP 404): model_not_found: ") == true)
        #expect(results.stderr.contains("2 answer(s), 1 error(s)"))

        let json = try await Self.run(mock + ["--json", "batch", "results", MockAIYouServer.demoBatchID])
        let objects = try json.stdout.split(separator: "\n").map { try jsonObject(Array($0.utf8)) }
        #expect(objects.map { $0["custom_id"] as? String } == ["demo-chat", "demo-embedding", "demo-unknown-model"])
        #expect(objects.map { $0["status"] as? String } == ["ok", "ok", "error"])
        #expect((objects[2]["error"] as? [String: Any])?["http_status"] as? Int == 404)

        let cancel = try await Self.run(mock + ["batch", "cancel", MockAIYouServer.demoRunningBatchID])
        #expect(cancel.status == 0 && cancel.stdout.hasPrefix("batch_demo_running\tcancelling\t"), "\(cancel.stdout) \(cancel.stderr)")
        let ended = try await Self.run(mock + ["batch", "cancel", MockAIYouServer.demoBatchID])
        #expect(ended.status == 1 && ended.stderr.contains("Cannot cancel a batch with status 'completed'"))
        let list = try await Self.run(mock + ["batch", "list"])
        #expect(list.stdout.hasPrefix("batch_demo_running\tin_progress\t") && list.stdout.contains("\nbatch_demo\tcompleted\t"))
        let aiyou = try await Self.run(["--mock", "batch", "status", "batch_demo"])
        #expect(aiyou.status == 1 && aiyou.stderr.contains("unsupported"))
    }

    @Test("--mock: submit --wait --results runs a file in the tool's own server and prints its results, escaped")
    func submitAndWait() async throws {
        let url = try Self.file(Self.lines)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try await Self.run([
            "--mock", "--api", "llmaas", "batch", "submit", url.path, "--wait", "--results", "--poll-interval", "0.01",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(run.stdout)")
        #expect(lines.first?.contains("\tcompleted\t2/2 done, 0 failed\toutput: file-") == true)
        #expect(lines.dropFirst().first == "hello\tok\tBonjour ! Vous avez dit : Salut à tous \\u{1B}[31m")
        #expect(!run.stdout.contains("\u{1B}"))
        #expect(run.stderr.contains("uploaded cli-batch-") && run.stderr.contains("\tin_progress\t"))

        let json = try await Self.run([
            "--mock", "--api", "llmaas", "--json", "batch", "submit", url.path, "--wait", "--results", "--poll-interval", "0.01",
        ])
        let objects = try json.stdout.split(separator: "\n").map { try jsonObject(Array($0.utf8)) }
        #expect(objects.count == 3 && objects[0]["status"] as? String == "completed")
        #expect(objects[2]["type"] as? String == "embeddings")

        let duplicate = try Self.file([Self.lines[0], Self.lines[0]])
        defer { try? FileManager.default.removeItem(at: duplicate) }
        let refused = try await Self.run(["--mock", "--api", "llmaas", "batch", "submit", duplicate.path])
        #expect(refused.status == 1 && refused.stderr.contains("the custom_id \"hello\" is already used by line 1"))
        let badEndpoint = try await Self.run(["--mock", "--api", "llmaas", "batch", "submit", url.path, "--endpoint", "rerank"])
        #expect(badEndpoint.status != 0 && badEndpoint.stderr.contains("--endpoint"))
    }

    @Test(
        "against aiyou serve: submit, status until it ends expired, results, and a batch that fails",
        .timeLimit(TestTiming.limit(minutes: 5))
    )
    func againstServe() async throws {
        let server = try await ServeProcess.start(["--batch-outcome", "expired", "--batch-outcome", "failed"])
        defer { server.killIfRunning() }
        let target = ["--api", "llmaas", "--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
        let url = try Self.file(Self.lines)
        defer { try? FileManager.default.removeItem(at: url) }

        let submitted = try await Self.run(target + ["batch", "submit", url.path, "--endpoint", "chat"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let id = try #require(submitted.stdout.split(separator: "\t").first.map(String.init))
        #expect(submitted.stdout.hasPrefix("\(id)\tvalidating\t0/2 done"))
        var statuses: [String] = []
        for _ in 0..<2 {
            let status = try await Self.run(target + ["batch", "status", id])
            statuses.append(String(status.stdout.split(separator: "\t").dropFirst().first ?? ""))
        }
        #expect(statuses == ["in_progress", "expired"])
        let results = try await Self.run(target + ["batch", "results", id])
        #expect(results.status == 0, "\(results.stderr)")
        #expect(results.stdout.contains("hello\tok\t") && results.stdout.contains("vector\terror\tapiError: batch_expired: "))

        let failing = try await Self.run(target + ["--json", "batch", "submit", url.path, "--wait", "--poll-interval", "0.01"])
        #expect(failing.status == 1 && failing.stderr.contains("ended failed"))
        let object = try jsonObject(Array(failing.stdout.utf8))
        #expect((object["errors"] as? [[String: Any]])?.first?["code"] as? String == "mock_failure")
    }
}
