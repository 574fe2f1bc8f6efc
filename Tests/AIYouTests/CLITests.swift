import AIYouMockServer
import Foundation
import Testing

/// Runs the built `aiyou` tool as a user would (it sits next to the test bundle after `swift build`
/// or `swift test`).
@Suite("aiyou command-line tool")
struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test bundle may be a directory (`….xctest/Contents/MacOS/…`) on some platforms.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("aiyou").path), directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("aiyou")
    }

    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AIYOU_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test("`aiyou --mock chat Bonjour` prints the answer")
    func chat() throws {
        let result = try Self.run(["--mock", "chat", "Bonjour"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Bonjour ! Vous avez dit : Bonjour\n")
    }

    @Test("interactive chat keeps going until /exit")
    func interactive() throws {
        let result = try Self.run(["--mock", "chat"], input: "Salut\nÇa va ?\n/exit\nignored\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Vous avez dit : Salut"))
        #expect(result.stdout.contains("Vous avez dit : Ça va ?"))
        #expect(!result.stdout.contains("ignored"))
    }

    @Test("--json output is machine-readable")
    func json() throws {
        let result = try Self.run(["--mock", "--json", "assistants"])
        #expect(result.status == 0)
        let assistants = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(assistants.count == 3)
        let threads = try Self.run(["--mock", "--json", "threads", "--all"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(threads.stdout.utf8)) as? [String: Any])
        #expect((object["threads"] as? [Any])?.count == 23)
    }

    @Test("delete-thread takes several ids: deletes what exists, reports the rest, exits 1")
    func deleteSeveral() throws {
        let listed = try Self.run(["--mock", "--json", "threads", "--all"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let ids = try #require((object["threads"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        let result = try Self.run(["--mock", "--json", "delete-thread", ids[0], ids[1], "no-such-thread", "--concurrency", "2"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report["deleted"] as? [String] ?? []) == [ids[0], ids[1]])
        #expect((report["failed"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["no-such-thread"])
        let plain = try Self.run(["--mock", "delete-thread", ids[2], ids[3]])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("deleted \(ids[2])") && plain.stdout.contains("deleted \(ids[3])"))
    }

    @Test("transcribe, models and save work against the embedded server")
    func otherCommands() throws {
        let transcribe = try Self.run(["--mock", "transcribe", "Examples/bonjour.wav", "--language", "fr"])
        #expect(transcribe.status == 0, "\(transcribe.stderr)")
        #expect(transcribe.stdout.contains("bonjour.wav"))
        #expect(try Self.run(["--mock", "models"]).stdout.split(separator: "\n").count >= 3)
        let saved = try Self.run(["--mock", "save", "--conversation", "Une facture"])
        #expect(saved.status == 0)
        #expect(!saved.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    @Test("errors: one line on stderr, non-zero status, no secrets")
    func errors() throws {
        let refused = try Self.run([
            "--email", "alice@example.com", "--password", "hunter2-pw", "--base-url", "http://127.0.0.1:1", "models",
        ])
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.hasPrefix("aiyou: AIYouError.network"))
        #expect(!refused.stderr.contains("hunter2") && !refused.stderr.contains("alice"))
        let invalid = try Self.run(["--mock", "threads", "--per-page", "80"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("itemsPerPage"))
    }

    /// ``run(_:input:environment:)`` on a thread of its own, so that a server in this process keeps
    /// the cooperative pool while the tool runs.
    static func runOffPool(_ arguments: [String]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(arguments) })
            }
        }
    }

    @Test("text from the service reaches the terminal with its escape sequences escaped, and no secret")
    func terminalSafety() async throws {
        try await MockAIYouServer.withRunning { server in
            let target = ["--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
            let hostile = #"Bon\u001b[31mjour\u001b]0;pwned\u0007\r\b\u009b"#
            let completion = #"{"id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(hostile)"}}]}"#
            let stream = "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"\(hostile)\"}}]}\n\ndata: [DONE]\n\n"
            server.enqueueFaults([.bytes(status: 200, headers: [:], body: Array(completion.utf8))], for: .chatCompletions)
            let plain = try await Self.runOffPool(target + ["chat", "--no-stream", "--assistant", "602", "Bonjour"])
            server.enqueueFaults(
                [.bytes(status: 200, headers: ["Content-Type": "text/event-stream"], body: Array(stream.utf8))],
                for: .chatCompletions
            )
            let streamed = try await Self.runOffPool(target + ["chat", "--assistant", "602", "Bonjour"])
            server.enqueueFaults([.escapeSequences(status: 422)], for: .assistants)
            let failed = try await Self.runOffPool(target + ["assistants"])
            server.enqueueFaults([.echoSecrets(status: 422)], for: .assistants)
            let echoed = try await Self.runOffPool(target + ["--log-level", "trace", "assistants"])
            #expect(plain.status == 0 && streamed.status == 0, "\(plain.stderr) \(streamed.stderr)")
            #expect(plain.stdout.contains("Bon\\u{1B}[31mjour"), "visible, not executed: \(plain.stdout)")
            #expect(failed.status == 1 && echoed.status == 1)
            for output in [plain.stdout, plain.stderr, streamed.stdout, streamed.stderr, failed.stderr, echoed.stderr] {
                #expect(
                    !output.unicodeScalars.contains { [0x1B, 0x07, 0x0D, 0x08, 0x9B].contains($0.value) },
                    "\(output.debugDescription)"
                )
                #expect(!output.contains(MockAccount.demoAPIKey), "\(output)")
            }
            #expect(echoed.stderr.contains("[REDACTED]"))
        }
    }

    @Test("bench --json prints both sides with the documented keys")
    func bench() throws {
        let result = try Self.run([
            "--mock", "--json", "bench", "--endpoint", "stream", "--concurrency", "4", "--requests", "40", "--warmup", "4",
            "--stream-chunks", "50", "--baseline",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["endpoint"] as? String == "stream")
        #expect(object["concurrency"] as? Int == 4)
        for side in ["sdk", "baseline"] {
            let values = try #require(object[side] as? [String: Any], "\(side)")
            for key in ["events_per_s", "p50_us", "p90_us", "p99_us", "p999_us", "cpu_us_per_call", "errors", "requests"] {
                #expect(values[key] != nil, "\(side).\(key)")
            }
            #expect(values["requests"] as? Int == 40)
            #expect(values["errors"] as? Int == 0)
        }
        let chat = try Self.run(["--mock", "--json", "bench", "--requests", "20", "--warmup", "2"])
        let chatObject = try #require(try JSONSerialization.jsonObject(with: Data(chat.stdout.utf8)) as? [String: Any])
        #expect((chatObject["sdk"] as? [String: Any])?["rps"] != nil)
        #expect(chatObject["baseline"] == nil)
    }
}
