import AIYouMockServer
import Foundation
import Testing

/// `aiyou speak`, `aiyou image` and `aiyou rerank --v2` against the embedded server (`--mock --api llmaas`).
@Suite("aiyou speak, image, rerank --v2")
struct MediaCLITests {
    static let llmaas = ["--mock", "--api", "llmaas"]

    static func withDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-media-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    @Test("speak writes the server's audio to --output; --json describes the file")
    func speak() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("hello.wav").path
            let run = try await CLITests.run(
                Self.llmaas + ["speak", "Bonjour à tous", "--voice", "alloy", "--format", "wav", "--output", path]
            )
            #expect(run.status == 0, "\(run.stderr)")
            let expected = MockAIYouServer.speechAudio(input: "Bonjour à tous", voice: "alloy", format: "wav")
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
            #expect(run.stdout == "\(path)\t\(expected.count) bytes\taudio/wav\n")

            let pcm = directory.appendingPathComponent("hello.pcm").path
            let json = try await CLITests.run(
                Self.llmaas + ["--json", "speak", "Bonjour", "--voice", "alloy", "--format", "PCM", "--speed", "2", "--output", pcm]
            )
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let bytes = MockAIYouServer.speechAudio(input: "Bonjour", voice: "alloy", format: "pcm", speed: 2)
            #expect(object["file"] as? String == pcm && object["bytes"] as? Int == bytes.count)
            #expect(object["content_type"] as? String == "audio/pcm")
        }
    }

    @Test("speak refuses an unknown format, a bad speed or a missing model before sending, and writes nothing")
    func speakRefusals() async throws {
        try await Self.withDirectory { directory in
            let path = directory.appendingPathComponent("x.wav").path
            let format = try await CLITests.run(Self.llmaas + ["speak", "x", "--voice", "v", "--format", "ogg", "--output", path])
            #expect(
                format.status != 0 && format.status != 1 && format.stderr.contains("\"ogg\" is not an audio format"),
                "\(format.stderr)"
            )
            let speed = try await CLITests.run(Self.llmaas + ["speak", "x", "--voice", "v", "--speed", "7", "--output", path])
            #expect(speed.status == 1 && speed.stderr.contains("speed must be within"), "\(speed.stderr)")
            let model = try await CLITests.run(["--api", "llmaas", "--token", "k", "speak", "x", "--voice", "v", "--output", path])
            #expect(model.status != 0 && model.stderr.contains("--model is required"), "\(model.stderr)")
            let aiyou = try await CLITests.run(["--mock", "speak", "x", "--voice", "v", "--output", path])
            #expect(aiyou.status == 1 && aiyou.stderr.contains("unsupported"), "\(aiyou.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    @Test("image writes one file, or numbered files; --url prints links; --json lists them")
    func image() async throws {
        try await Self.withDirectory { directory in
            let one = directory.appendingPathComponent("one.png").path
            let single = try await CLITests.run(Self.llmaas + ["image", "a red fox", "--output", one])
            #expect(single.status == 0, "\(single.stderr)")
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: one))) == MockAIYouServer.generatedImage(prompt: "a red fox", index: 0))
            #expect(single.stderr.contains("revised prompt: A mock image of: a red fox"))

            let many = directory.appendingPathComponent("fox.png").path
            let several = try await CLITests.run(
                Self.llmaas + ["--json", "image", "a red fox", "--count", "3", "--size", "256x256", "--output", many]
            )
            #expect(several.status == 0, "\(several.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(several.stdout.utf8)) as? [String: Any])
            let images = try #require(object["images"] as? [[String: Any]])
            #expect(images.compactMap { $0["file"] as? String } == (1...3).map { directory.appendingPathComponent("fox-\($0).png").path })
            for number in 1...3 {
                let data = try Data(contentsOf: directory.appendingPathComponent("fox-\(number).png"))
                #expect(Array(data) == MockAIYouServer.generatedImage(prompt: "a red fox", index: number - 1))
            }
            #expect(object["created"] is String)

            let links = try await CLITests.run(Self.llmaas + ["image", "a red fox", "--url", "--count", "2"])
            #expect(links.status == 0, "\(links.stderr)")
            let lines = links.stdout.split(separator: "\n")
            #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("https://images.mock.invalid/") })

            let noOutput = try await CLITests.run(Self.llmaas + ["image", "a red fox"])
            #expect(noOutput.status != 0 && noOutput.stderr.contains("--output is required"))
            let badCount = try await CLITests.run(Self.llmaas + ["image", "a red fox", "--count", "11", "--output", one])
            #expect(badCount.status == 1 && badCount.stderr.contains("count must be within"))
        }
    }

    @Test("text from the service reaches the terminal escaped: the revised prompt echoes a hostile prompt")
    func terminalSafety() async throws {
        try await Self.withDirectory { directory in
            let hostile = "fox \u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m"
            let run = try await CLITests.run(Self.llmaas + ["image", hostile, "--output", directory.appendingPathComponent("f.png").path])
            #expect(run.status == 0, "\(run.stderr)")
            // Tabs lay out the result line; nothing else may act on the terminal.
            let output = (run.stdout + run.stderr).replacingOccurrences(of: "\t", with: " ")
            #expect(CLITests.terminalControls(in: output).isEmpty, "\(run.stderr.debugDescription)")
            #expect(run.stderr.contains("revised prompt: A mock image of: fox \\u{1B}]0;pwned"))
        }
    }

    @Test("rerank --v2 uses /v2/rerank: same order, texts from the arguments")
    func rerankV2() async throws {
        let arguments = [
            "rerank", "--model", "qwen3-reranker:0.6b", "--query", "reset my password", "The office opens at 9.",
            "Reset it from the sign-in page.",
        ]
        let v1 = try await CLITests.run(Self.llmaas + arguments)
        let v2 = try await CLITests.run(Self.llmaas + arguments + ["--v2"])
        #expect(v1.status == 0 && v2.status == 0, "\(v2.stderr)")
        #expect(v2.stdout == v1.stdout && v2.stdout.hasPrefix("0.3333\t#1\tReset it from the sign-in page.\n"))
        let json = try await CLITests.run(Self.llmaas + ["--json"] + arguments + ["--v2"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.count == 2 && results.allSatisfy { $0["document"] is NSNull })
    }

    @Test("speak writes 128 MiB of audio to a file without its memory growing with the audio", .timeLimit(TestTiming.limit(minutes: 10)))
    func largeAudioInFlatMemory() async throws {
        let size = 128 << 20
        // The server runs as a process of its own, so that the tool's peak is measured alone.
        let server = try await ServeProcess.start(["--fault", "speech=oversized-audio:\(size)"])
        defer { server.killIfRunning() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-media-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = ["--api", "llmaas", "--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
        func speak(_ name: String) async throws -> (MeasuredProcess.Run, String) {
            let path = directory.appendingPathComponent(name).path
            let arguments = ["speak", "Bonjour", "--model", "kokoro", "--voice", "v", "--format", "wav", "--output", path]
            let run = try await MeasuredProcess.run(CLITests.executable, target + arguments + ["--max-bytes", String(size + 1)])
            #expect(run.status == 0 && !run.timedOut, "\(run.stderr)")
            return (run, path)
        }
        let (large, largePath) = try await speak("large.wav")
        let written = try FileManager.default.attributesOfItem(atPath: largePath)[.size] as? Int
        #expect(written == size)
        // The same command for a small answer (the fault is used up): the tool's own footprint.
        let (small, _) = try await speak("small.wav")
        #expect(
            large.peakResidentBytes < small.peakResidentBytes + size / 8,
            "peak \(large.peakResidentBytes) bytes for \(size) bytes of audio, \(small.peakResidentBytes) for a small answer"
        )
        server.send(SIGTERM)
        #expect(await server.waitForExit() == .init(status: 0, exited: true))
    }
}
