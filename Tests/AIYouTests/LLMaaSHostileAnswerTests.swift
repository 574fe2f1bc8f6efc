import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Every hostile LLMaaS answer of the embedded server, once, against the call it targets: the
/// call ends under a deadline with a value or an ``AIYouError``, and no secret the server saw —
/// in clear or in any form ``MockSecretEncoding`` echoes it — reaches an error's texts or the
/// trace log. (`HostileLLMaaSTests` checks the exact outcome of each.)
///
/// Serialized: the endless answers are judged against timeouts, which a loaded machine would
/// blur.
@Suite("Each hostile LLMaaS answer, once: the call ends, typed, without leaking", .serialized, .timeLimit(TestTiming.limit(minutes: 2)))
struct LLMaaSHostileAnswerTests {
    enum Call: String, Sendable, CustomStringConvertible {
        case stream, whole, runTools, embeddings

        var description: String { self.rawValue }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var fault: MockFault
        var call: Call

        /// Whether the answer never ends: the call is judged on short timeouts.
        var isEndless: Bool {
            if case .endlessEmptyChunks = self.fault { true } else { false }
        }

        var testDescription: String { "\(self.fault) → \(self.call)" }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        func add(_ fault: MockFault, _ calls: [Call]) {
            cases += calls.map { Case(fault: fault, call: $0) }
        }
        add(.manyDeltas(count: 20_000, text: "ab"), [.stream, .whole])
        add(.toolCallStorm(calls: 1000, perChunk: 16), [.stream, .whole, .runTools])
        add(.deepArguments(depth: 100_000, asObject: false), [.stream, .whole, .runTools])
        add(.deepArguments(depth: 100_000, asObject: true), [.stream, .whole, .runTools])
        add(.repeatedChoiceIndex(times: 200), [.stream, .whole, .runTools])
        add(.repeatedChoiceIndex(times: 10_000), [.stream, .whole])
        add(.longToolArguments(pieces: 20_000, pieceText: "ab"), [.stream, .whole, .runTools])
        add(.errorObject(status: 200, messageBytes: 4096), [.stream, .whole, .runTools, .embeddings])
        add(.errorObject(status: 200, messageBytes: 1_000_000), [.stream, .whole])
        for kind in MockEmptyChunk.allCases {
            add(.endlessEmptyChunks(interval: .milliseconds(5), kind: kind), [.stream])
        }
        add(.endlessEmptyChunks(interval: .milliseconds(5), kind: .emptyDelta), [.whole])
        for encoding in MockSecretEncoding.allCases {
            add(.echoSecretsEncoded(status: 401, encoding: encoding), [.stream, .whole, .embeddings])
        }
        return cases
    }()

    /// `secret` in clear and in every form ``MockSecretEncoding`` can echo it.
    static func forms(of secret: String) -> [String] {
        let base64 = { (text: String) in Data(text.utf8).base64EncodedString() }
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-_~")
        let percent = secret.utf8.map { byte -> String in
            let scalar = Unicode.Scalar(byte)
            return byte < 0x80 && unreserved.contains(scalar) ? String(scalar) : String(format: "%%%02X", byte)
        }.joined()
        let unicode = secret.utf16.map { String(format: "\\u%04x", $0) }.joined()
        let htmlSafe = secret.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
        return [secret, unicode, htmlSafe, percent, base64(secret), base64(secret + ":")]
    }

    @Test("the call ends with a value or a typed error, and no secret leaks in any form", arguments: cases)
    func hostileAnswer(_ testCase: Case) async throws {
        try await Self.run(testCase)
    }

    static func run(_ testCase: Case) async throws {
        let capture = LogCapture()
        try await MockAIYouServer.withRunning(configuration: .init(apiKeys: [LLMaaSFuzzTests.apiKey])) { server in
            var configuration = Fixture.configuration(server, credentials: .apiKey(LLMaaSFuzzTests.apiKey))
            configuration.api = .llmaas
            configuration.logger = capture.logger
            configuration.retry.maxRetries = 1
            // Short for the endless answers, which can only end at a timeout; generous for the
            // others, so that a slow machine does not turn their answer into a timeout.
            configuration.timeouts = .init(
                connect: .seconds(5),
                request: testCase.isEndless ? .seconds(1) : .seconds(10),
                streamIdle: .milliseconds(300)
            )
            try await withAIYouClient(configuration) { client in
                let route: MockRoute = testCase.call == .embeddings ? .embeddings : .llmaasChatCompletions
                server.enqueueFaults([testCase.fault], for: route)
                let deadline: Duration = testCase.isEndless ? .seconds(2) : .seconds(20)
                let outcome = await LLMaaSFuzzTests.withDeadline(deadline) {
                    switch testCase.call {
                    case .stream: _ = try await client.chatCompletionStream(LLMaaSFuzzTests.chatRequest()).collect()
                    case .whole: _ = try await client.chatCompletion(LLMaaSFuzzTests.chatRequest())
                    case .runTools:
                        _ = try await client.runTools(
                            LLMaaSFuzzTests.chatRequest(),
                            tools: LLMaaSFuzzTests.tools,
                            limits: .init(maxRounds: 3)
                        )
                    case .embeddings: _ = try await client.embeddings(model: "bge-m3", input: ["a", "b"])
                    }
                }
                var texts = capture.text
                switch outcome {
                case nil:
                    Issue.record("the call did not end within \(deadline)")
                case .success?:
                    break
                case .failure(let error as AIYouError)?:
                    texts += "\n" + HostileServerTests.errorTexts(error)
                case .failure(let error)?:
                    Issue.record("not an AIYouError: \(error)")
                }
                let secrets = server.secretsSeen
                #expect(secrets == [LLMaaSFuzzTests.apiKey])
                for secret in secrets {
                    for form in Self.forms(of: secret) where texts.contains(form) {
                        Issue.record("a secret reached an error or the log as \(form)")
                    }
                }
            }
        }
    }
}
