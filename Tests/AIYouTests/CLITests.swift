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

    /// Runs the tool and waits for it to exit. The waiting (pipes read to their end, the exit)
    /// blocks, so it happens on a thread of its own: on the cooperative pool, two CLI tests would
    /// hold both of a 2-core machine's threads while their tool talked to an embedded server
    /// whose handlers need those threads, and everything stalled until the tool's timeout.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Run, any Error>) in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, input: input, environment: environment) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], input: String?, environment: [String: String]) throws -> Run {
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
        // stderr is read beside stdout: a tool that fills the stderr pipe while stdout is read
        // would otherwise wait forever.
        let stderrData = StderrBox()
        let stderrRead = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrData.data = err.fileHandleForReading.readDataToEndOfFile()
            stderrRead.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderrData.data, as: UTF8.self)
        )
    }

    /// The stderr read on its own thread. Safe without a lock: it is written once, before the
    /// semaphore is signalled, and read only after the wait on that semaphore returns.
    private final class StderrBox: @unchecked Sendable {
        var data = Data()
    }

    @Test("`aiyou --mock chat Bonjour` prints the answer")
    func chat() async throws {
        let result = try await Self.run(["--mock", "chat", "Bonjour"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Bonjour ! Vous avez dit : Bonjour\n")
    }

    @Test("interactive chat keeps going until /exit")
    func interactive() async throws {
        let result = try await Self.run(["--mock", "chat"], input: "Salut\nÇa va ?\n/exit\nignored\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Vous avez dit : Salut"))
        #expect(result.stdout.contains("Vous avez dit : Ça va ?"))
        #expect(!result.stdout.contains("ignored"))
    }

    @Test("--json output is machine-readable")
    func json() async throws {
        let result = try await Self.run(["--mock", "--json", "assistants"])
        #expect(result.status == 0)
        let assistants = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(assistants.count == 3)
        let threads = try await Self.run(["--mock", "--json", "threads", "--all"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(threads.stdout.utf8)) as? [String: Any])
        #expect((object["threads"] as? [Any])?.count == 23)
    }

    @Test("delete-thread takes several ids: deletes what exists, reports the rest, exits 1")
    func deleteSeveral() async throws {
        let listed = try await Self.run(["--mock", "--json", "threads", "--all"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let ids = try #require((object["threads"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        let result = try await Self.run(["--mock", "--json", "delete-thread", ids[0], ids[1], "no-such-thread", "--concurrency", "2"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report["deleted"] as? [String] ?? []) == [ids[0], ids[1]])
        #expect((report["failed"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["no-such-thread"])
        let plain = try await Self.run(["--mock", "delete-thread", ids[2], ids[3]])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("deleted \(ids[2])") && plain.stdout.contains("deleted \(ids[3])"))
    }

    @Test("transcribe, models and save work against the embedded server")
    func otherCommands() async throws {
        let transcribe = try await Self.run(["--mock", "transcribe", "Examples/bonjour.wav", "--language", "fr"])
        #expect(transcribe.status == 0, "\(transcribe.stderr)")
        #expect(transcribe.stdout.contains("bonjour.wav"))
        #expect(try await Self.run(["--mock", "models"]).stdout.split(separator: "\n").count >= 3)
        let saved = try await Self.run(["--mock", "save", "--conversation", "Une facture"])
        #expect(saved.status == 0)
        #expect(!saved.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    @Test("errors: one line on stderr, non-zero status, no secrets")
    func errors() async throws {
        let refused = try await Self.run([
            "--email", "alice@example.com", "--password", "hunter2-pw", "--base-url", "http://127.0.0.1:1", "models",
        ])
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.hasPrefix("aiyou: AIYouError.network"))
        #expect(!refused.stderr.contains("hunter2") && !refused.stderr.contains("alice"))
        let invalid = try await Self.run(["--mock", "threads", "--per-page", "80"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("itemsPerPage"))
    }

    @Test("text from the service reaches the terminal with its escape sequences escaped, and no secret")
    func terminalSafety() async throws {
        try await MockAIYouServer.withRunning { server in
            let target = ["--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
            let hostile = #"Bon\u001b[31mjour\u001b]0;pwned\u0007\r\b\u009b"#
            let completion = #"{"id": "c", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(hostile)"}}]}"#
            let stream = "data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"\(hostile)\"}}]}\n\ndata: [DONE]\n\n"
            server.enqueueFaults([.bytes(status: 200, headers: [:], body: Array(completion.utf8))], for: .chatCompletions)
            let plain = try await Self.run(target + ["chat", "--no-stream", "--assistant", "602", "Bonjour"])
            server.enqueueFaults(
                [.bytes(status: 200, headers: ["Content-Type": "text/event-stream"], body: Array(stream.utf8))],
                for: .chatCompletions
            )
            let streamed = try await Self.run(target + ["chat", "--assistant", "602", "Bonjour"])
            server.enqueueFaults([.escapeSequences(status: 422)], for: .assistants)
            let failed = try await Self.run(target + ["assistants"])
            server.enqueueFaults([.echoSecrets(status: 422)], for: .assistants)
            let echoed = try await Self.run(target + ["--log-level", "trace", "assistants"])
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

    /// The bytes of `output` that a terminal acts on: C0 controls but the line feeds of the
    /// layout, DEL, the C1 controls (UTF-8 `C2 80`…`C2 9F`) and U+2028/U+2029.
    static func terminalControls(in output: String) -> [String] {
        let bytes = Array(output.utf8)
        var found: [String] = []
        for (index, byte) in bytes.enumerated() {
            if (byte < 0x20 && byte != 0x0A) || byte == 0x7F { found.append(String(format: "%02X at %d", byte, index)) }
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                found.append(String(format: "C2 %02X at %d", bytes[index + 1], index))
            }
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, [0xA8, 0xA9].contains(bytes[index + 2]) {
                found.append("line separator at \(index)")
            }
        }
        return found
    }

    @Test("--json escapes C0, DEL and C1 controls in everything it prints, streamed or not")
    func jsonTerminalSafety() async throws {
        try await MockAIYouServer.withRunning { server in
            let target = ["--base-url", server.baseURL, "--token", MockAccount.demoAPIKey, "--json"]
            // As the server writes them (JSON escapes), and as they are once decoded.
            let wire = #"A\u001b[2J\u0007\u007f\u009b31m\u0085\u0080\u009fZ\r\n\t\b\u2028\u0000é"#
            let hostile = "A\u{1B}[2J\u{07}\u{7F}\u{9B}31m\u{85}\u{80}\u{9F}Z\r\n\t\u{08}\u{2028}\u{0}é"
            let completion =
                #"{"id": "c\#(wire)", "model": "m\#(wire)", "choices": [{"index": 0, "message": {"role": "assistant", "content": "\#(wire)"}, "finish_reason": "s\#(wire)"}]}"#
            server.enqueueFaults([.bytes(status: 200, headers: [:], body: Array(completion.utf8))], for: .chatCompletions)
            let plain = try await Self.run(target + ["chat", "--no-stream", "--assistant", "602", "Bonjour"])
            let chunk = #"data: {"id": "c\#(wire)", "choices": [{"index": 0, "delta": {"content": "\#(wire)"}, "finish_reason": null}]}"#
            let finish = #"data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "s\#(wire)"}]}"#
            let stream = chunk + "\n\n" + chunk + "\n\n" + finish + "\n\ndata: [DONE]\n\n"
            server.enqueueFaults(
                [.bytes(status: 200, headers: ["Content-Type": "text/event-stream"], body: Array(stream.utf8))],
                for: .chatCompletions
            )
            let streamed = try await Self.run(target + ["chat", "--assistant", "602", "Bonjour"])
            let assistants = #"{"hydra:member": [{"id": 7, "name": "n\#(wire)", "instructions": "\#(wire)", "threadHistories": []}]}"#
            server.enqueueFaults([.bytes(status: 200, headers: [:], body: Array(assistants.utf8))], for: .assistants)
            let listed = try await Self.run(target + ["assistants"])
            for run in [plain, streamed, listed] {
                #expect(run.status == 0, "\(run.stderr)")
                #expect(Self.terminalControls(in: run.stdout).isEmpty, "\(Self.terminalControls(in: run.stdout)) in \(run.stdout)")
                #expect(run.stdout.contains(#"\u001b[2J\u0007\u007f\u009b31m\u0085\u0080\u009fZ\r\n\t\b\u2028\u0000é"#))
            }
            // The JSON still reads back to what the server sent.
            let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
            #expect(plainObject["text"] as? String == hostile)
            #expect(plainObject["id"] as? String == "c" + hostile)
            let streamedObject = try #require(try JSONSerialization.jsonObject(with: Data(streamed.stdout.utf8)) as? [String: Any])
            #expect(streamedObject["text"] as? String == hostile + hostile)
            let choice = try #require((streamedObject["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "s" + hostile)
            let assistantList = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(assistantList.first?["name"] as? String == "n" + hostile)
        }
    }

    @Test("--json chat streams the answer into `text` and keeps the other fields")
    func streamedJSONShape() async throws {
        let result = try await Self.run(["--mock", "--json", "chat", "Bonjour"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("{\n  \"text\" : \"Bonjour ! Vous avez dit : Bonjour\""))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["text", "choices", "id", "model", "created", "usage"])
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect(Set(choice.keys) == ["index", "role", "finish_reason", "tool_calls"])
        #expect(choice["finish_reason"] as? String == "stop" && choice["role"] as? String == "assistant")
        #expect((object["usage"] as? [String: Any])?["total_tokens"] != nil)
    }

    /// The UTF-8 bytes of the message contents in a recorded chat request.
    static func messageBytes(of request: RecordedRequest) throws -> Int {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        let messages = try #require(body["messages"] as? [[String: Any]])
        // A message's content is a string, or (AI.YOU) a list of text parts.
        return messages.reduce(0) { total, message in
            if let text = message["content"] as? String { return total + text.utf8.count }
            let parts = message["content"] as? [[String: Any]] ?? []
            return total + parts.reduce(0) { $0 + (($1["text"] as? String)?.utf8.count ?? 0) }
        }
    }

    @Test("interactive chat: the history sent stays within --history-bytes, oldest turns dropped with a notice")
    func boundedHistory() async throws {
        try await MockAIYouServer.withRunning { server in
            let target = ["--base-url", server.baseURL, "--token", MockAccount.demoAPIKey, "chat", "--assistant", "602"]
            // Turns of ~60 kB (a 30 kB question, its echo as the answer) under a 100 kB budget.
            let lines = ["a", "b", "c", "d"].map { String(repeating: $0, count: 30_000) }
            let run = try await Self.run(target + ["--history-bytes", "100000"], input: lines.joined(separator: "\n") + "\n/exit\n")
            #expect(run.status == 0, "\(run.stderr.prefix(500))")
            for line in lines { #expect(run.stdout.contains("Vous avez dit : " + line)) }
            let notices = run.stderr.split(separator: "\n").filter { $0.contains("history budget") }
            #expect(notices.count == 3, "\(notices)")
            #expect(
                notices.allSatisfy { $0 == "aiyou: history budget of 100000 bytes reached: dropped the 1 oldest turn(s)" },
                "\(notices)"
            )
            let requests = server.recordedRequests(.chatCompletions)
            #expect(requests.count == 4)
            for request in requests { #expect(try Self.messageBytes(of: request) <= 100_000) }
            // The second question went with the first turn; the fourth only with the third.
            #expect(try Self.messageBytes(of: requests[1]) > 60_000)
            let last = try #require(try JSONSerialization.jsonObject(with: Data(requests[3].body)) as? [String: Any])
            #expect((last["messages"] as? [[String: Any]])?.count == 3)

            // An answer larger than what is left of the budget is kept cut; a question larger
            // than the budget is not sent.
            let second = try await Self.run(
                target + ["--history-bytes", "50000"],
                input: lines[0] + "\n" + String(repeating: "z", count: 60_000) + "\n" + lines[1] + "\n"
            )
            #expect(second.status == 0, "\(second.stderr.prefix(500))")
            let secondNotices = second.stderr.split(separator: "\n").filter { $0.hasPrefix("aiyou: ") }.map(String.init)
            #expect(
                secondNotices == [
                    "aiyou: history budget of 50000 bytes reached: the answer (30026 bytes) is kept cut to its first 20000 bytes",
                    "aiyou: this message (60000 bytes) is larger than the history budget (50000 bytes, --history-bytes): not sent",
                    "aiyou: history budget of 50000 bytes reached: dropped the 1 oldest turn(s)",
                    "aiyou: history budget of 50000 bytes reached: the answer (30026 bytes) is kept cut to its first 20000 bytes",
                ],
                "\(secondNotices)"
            )
            let sent = server.recordedRequests(.chatCompletions).dropFirst(4)
            #expect(sent.count == 2)
            for request in sent { #expect(try Self.messageBytes(of: request) <= 50_000) }
        }
    }

    @Test("bench --json prints both sides with the documented keys")
    func bench() async throws {
        let result = try await Self.run([
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
        let chat = try await Self.run(["--mock", "--json", "bench", "--requests", "20", "--warmup", "2"])
        let chatObject = try #require(try JSONSerialization.jsonObject(with: Data(chat.stdout.utf8)) as? [String: Any])
        #expect((chatObject["sdk"] as? [String: Any])?["rps"] != nil)
        #expect(chatObject["baseline"] == nil)
    }

    @Test("aiyou runs its tasks on NIO's event loops unless --no-executor-takeover or AIYOU_EXECUTOR_TAKEOVER=0 says not to")
    func executorTakeover() async throws {
        func mode(_ arguments: [String], environment: [String: String] = [:]) async throws -> String? {
            let result = try await Self.run(
                ["--mock", "--json"] + arguments + ["bench", "--requests", "20", "--warmup", "2"],
                environment: environment
            )
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect((object?["sdk"] as? [String: Any])?["errors"] as? Int == 0)
            return object?["executor"] as? String
        }
        #expect(try await mode([]) == "takeover")
        #expect(try await mode(["--no-executor-takeover"]) == "default")
        #expect(try await mode([], environment: ["AIYOU_EXECUTOR_TAKEOVER": "0"]) == "default")
        let refused = try await Self.run(
            ["--mock", "bench", "--executor", "takeover", "--requests", "5"],
            environment: ["AIYOU_EXECUTOR_TAKEOVER": "off"]
        )
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--executor takeover needs the executor takeover"))
    }

    @Test("save reads the conversation from standard input when --conversation is not given")
    func saveFromStandardInput() async throws {
        let result = try await Self.run(["--mock", "--json", "save"], input: "Bonjour\nvoici ma facture\n")
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["id"] != nil)
    }
}
