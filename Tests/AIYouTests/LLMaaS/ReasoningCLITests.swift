import Foundation
import Testing

/// `aiyou chat --reasoning show|hide` and `--split-think-tags`, against the embedded server.
@Suite("aiyou chat shows reasoning apart")
struct ReasoningCLITests {
    static let thought = "The user wrote \"salut\". A short answer in French will do."
    static let answer = "Bonjour ! Vous avez dit : salut"

    static func run(_ arguments: [String]) async throws -> CLITests.Run {
        try await CLITests.run(["--mock", "--api", "llmaas"] + arguments)
    }

    @Test("streamed: the answer alone on stdout, the reasoning on stderr (show, the default) or nowhere (hide)")
    func text() async throws {
        let shown = try await Self.run(["chat", "--model", "qwen3.6:27b", "salut"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout == Self.answer + "\n")
        #expect(shown.stderr.contains("[reasoning] " + Self.thought))
        let hidden = try await Self.run(["chat", "--model", "qwen3.6:27b", "--reasoning", "hide", "salut"])
        #expect(hidden.stdout == Self.answer + "\n" && !hidden.stderr.contains("The user wrote"))
        let whole = try await Self.run(["chat", "--no-stream", "--model", "qwen3.6:27b", "salut"])
        #expect(whole.stdout == Self.answer + "\n" && whole.stderr.contains("[reasoning] " + Self.thought))
    }

    @Test("--json: a reasoning field before the text, streamed or not, and the reasoning tokens in usage")
    func json() async throws {
        for arguments in [
            ["--json", "chat", "--model", "qwen3.6:27b", "salut"], ["--json", "chat", "--no-stream", "--model", "qwen3.6:27b", "salut"],
        ] {
            let run = try await Self.run(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(object["text"] as? String == Self.answer)
            let usage = try #require(object["usage"] as? [String: Any], "\(run.stdout)")
            #expect(usage["reasoning_tokens"] as? Int == 11)
            let reasoning = (object["reasoning"] as? String) ?? ((object["choices"] as? [[String: Any]])?.first?["reasoning"] as? String)
            #expect(reasoning == Self.thought, "\(run.stdout)")
        }
        let hidden = try await Self.run(["--json", "chat", "--model", "qwen3.6:27b", "--reasoning", "hide", "salut"])
        #expect(!hidden.stdout.contains("The user wrote"))
    }

    @Test("--split-think-tags moves <think> out of a model's content")
    func thinkTags() async throws {
        let kept = try await Self.run(["chat", "--model", "cogito:32b", "salut"])
        #expect(kept.stdout.contains("<think>"))
        let split = try await Self.run(["chat", "--model", "cogito:32b", "--split-think-tags", "salut"])
        #expect(split.stdout == Self.answer + "\n", "\(split.stdout)")
        #expect(split.stderr.contains("[reasoning] " + Self.thought))
    }
}
