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
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
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
        let refused = try Self.run(["--email", "alice@example.com", "--password", "hunter2-pw", "--base-url", "http://127.0.0.1:1", "models"])
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.hasPrefix("aiyou: AIYouError.network"))
        #expect(!refused.stderr.contains("hunter2") && !refused.stderr.contains("alice"))
        let invalid = try Self.run(["--mock", "threads", "--per-page", "80"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("itemsPerPage"))
    }

    @Test("bench --json prints both sides with the documented keys")
    func bench() throws {
        let result = try Self.run(["--mock", "--json", "bench", "--endpoint", "stream", "--concurrency", "4", "--requests", "40", "--warmup", "4", "--stream-chunks", "50", "--baseline"])
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
