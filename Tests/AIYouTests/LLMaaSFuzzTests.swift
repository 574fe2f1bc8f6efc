import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Seeded fuzzing of the LLMaaS endpoints through the real pipeline, over loopback: embeddings
/// and rerank answers mutated, real tool-call streams cut, duplicated, reordered, corrupted and
/// deepened, the model's answers to `runTools` mutated (with tools that answer, throw, or do not
/// exist), and the hostile faults of the embedded server mixed in. Every call must end under a
/// deadline, with a value or an ``AIYouError``, and no secret the server saw
/// (``MockAIYouServer/secretsSeen``) may reach an error's texts or the trace log. Reproducible:
/// the seed is printed, and `AIYOU_FUZZ_SEED=<seed> swift test --filter LLMaaSFuzzTests` replays
/// a run.
@Suite(
    "Seeded fuzzing of the LLMaaS endpoints: embeddings, rerank, streamed tool calls, runTools",
    .timeLimit(TestTiming.limit(minutes: 3))
)
struct LLMaaSFuzzTests {
    /// The API key, with characters that every encoding of a secret changes.
    static let apiKey = "sk-fuzz.<k&y>@v1:z"
    /// The longest a call may take: far beyond what any answer here should need.
    static let deadline: Duration = .seconds(10)

    enum Target: CaseIterable {
        case embeddings, rerank, toolStream, runTools

        var route: MockRoute {
            switch self {
            case .embeddings: .embeddings
            case .rerank: .rerank
            case .toolStream, .runTools: .llmaasChatCompletions
            }
        }
    }

    // MARK: - Answers to mutate

    static let embeddingsAnswer =
        #"{"object":"list","model":"bge-m3","data":[{"object":"embedding","index":1,"embedding":[0.5,0.5,0.5,0.5]},{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3,0.4]}],"usage":{"prompt_tokens":2,"total_tokens":2}}"#
    static let rerankAnswer =
        #"{"id":"rerank-1","results":[{"index":2,"relevance_score":0.9,"document":{"text":"c"}},{"index":0,"relevance_score":0.5,"document":{"text":"a"}},{"index":1,"relevance_score":0.1,"document":{"text":"b"}}],"usage":{"billed_units":{"search_units":3}}}"#
    static let depths = [8, 64, 600, 20_000, 100_000]

    /// `{"a":` nested `depth` deep, as JSON text (an object, or a JSON string holding it).
    static func deepJSON(_ depth: Int, asString: Bool) -> String {
        asString
            ? "\"" + String(repeating: #"{\"a\":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "\""
            : String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    }

    /// A body mutated as ``PipelineFuzzTests`` mutates answers, or with one array made `depth`
    /// deep.
    static func mutatedJSON(_ body: String, using generator: inout SeededGenerator) -> [UInt8] {
        guard Int.random(in: 0..<5, using: &generator) == 0 else { return PipelineFuzzTests.mutatedBody(body, using: &generator) }
        let depth = Self.depths.randomElement(using: &generator)!
        let nested = String(repeating: "[", count: depth) + "0.5" + String(repeating: "]", count: depth)
        return Array(body.replacing(/\[0\.[0-9][^\]]*\]/, with: nested, maxReplacements: 1).utf8)
    }

    /// A tool-call stream's events mutated: cut, duplicated, reordered, bytes corrupted, a deep
    /// arguments or content event inserted, or choice and tool indexes made extreme.
    static func mutatedStream(_ events: [String], using generator: inout SeededGenerator) -> [UInt8] {
        var events = events
        switch Int.random(in: 0..<7, using: &generator) {
        case 0:
            events = Array(events.prefix(Int.random(in: 0..<events.count, using: &generator)))
            if Bool.random(using: &generator) { events.append("data: [DONE]\n\n") }
        case 1:
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let event = events.randomElement(using: &generator)!
                events.insert(event, at: Int.random(in: 0...events.count, using: &generator))
            }
        case 2:
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                events.swapAt(Int.random(in: 0..<events.count, using: &generator), Int.random(in: 0..<events.count, using: &generator))
            }
        case 3:
            return FuzzTests.mutate(Array(events.joined().utf8), using: &generator)
        case 4:
            let arguments = Self.deepJSON(Self.depths.randomElement(using: &generator)!, asString: Bool.random(using: &generator))
            let index = Int.random(in: 0...2, using: &generator)
            let event =
                #"data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":\#(index),"function":{"arguments":\#(arguments)}}]},"finish_reason":null}]}"#
                + "\n\n"
            events.insert(event, at: Int.random(in: 0..<events.count, using: &generator))
        case 5:
            let depth = Self.depths.randomElement(using: &generator)!
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let event =
                #"data: {"id":"chatcmpl-x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":\#(nested)},"finish_reason":null}]}"#
                + "\n\n"
            events.insert(event, at: Int.random(in: 0..<events.count, using: &generator))
        default:
            let extremes = ["-1", "9223372036854775807", "1e300", "128", "2147483648", "-9223372036854775808", "0.5"]
            var text = events.joined()
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let matches = text.ranges(of: /"index":[0-9]+/)
                guard let range = matches.randomElement(using: &generator) else { break }
                text.replaceSubrange(range, with: #""index":"# + extremes.randomElement(using: &generator)!)
            }
            return Array(text.utf8)
        }
        return Array(events.joined().utf8)
    }

    /// A hostile answer of the server for a chat route, sized to keep the run fast (`runTools`
    /// sends tool arguments back, so its deep arguments stop at 20,000).
    static func hostileChatFault(forRunTools: Bool = false, using generator: inout SeededGenerator) -> MockFault {
        switch Int.random(in: 0..<9, using: &generator) {
        case 0: .toolCallStorm(calls: Int.random(in: 0...300, using: &generator), perChunk: Int.random(in: 1...40, using: &generator))
        case 1:
            .deepArguments(
                depth: (forRunTools ? Self.depths.dropLast() : Self.depths[...]).randomElement(using: &generator)!,
                asObject: Bool.random(using: &generator)
            )
        case 2: .repeatedChoiceIndex(times: Int.random(in: 1...2000, using: &generator))
        case 3:
            .longToolArguments(
                pieces: Int.random(in: 0...2000, using: &generator),
                pieceText: ["ab", "é", "\\\"", "\u{1B}[2J"].randomElement(using: &generator)!
            )
        case 4:
            .manyDeltas(
                count: Int.random(in: 0...2000, using: &generator),
                text: ["ab", "", "\u{1B}]0;x\u{07}"].randomElement(using: &generator)!
            )
        case 5:
            .errorObject(
                status: [200, 400, 500].randomElement(using: &generator)!,
                messageBytes: [10, 300, 5000, 100_000].randomElement(using: &generator)!
            )
        case 6: .dropStreamAfter(events: Int.random(in: 0...5, using: &generator))
        case 7: .echoSecrets(status: [200, 401, 422].randomElement(using: &generator)!)
        default: .tailAfterDone
        }
    }

    /// A hostile answer of the server for embeddings or rerank.
    static func hostileFault(using generator: inout SeededGenerator) -> MockFault {
        switch Int.random(in: 0..<8, using: &generator) {
        case 0:
            .errorObject(
                status: [200, 400, 500].randomElement(using: &generator)!,
                messageBytes: [10, 300, 5000, 100_000].randomElement(using: &generator)!
            )
        case 1: .absurdNumbers
        case 2: .malformedJSON
        case 3: .echoSecrets(status: [200, 401, 422].randomElement(using: &generator)!)
        case 4: .escapeSequences(status: [200, 500].randomElement(using: &generator)!)
        case 5: .oversizedStreamLine(bytes: Int.random(in: 0...200_000, using: &generator))
        case 6: .status(PipelineFuzzTests.status(using: &generator))
        default: [.emptyBody, .wrongContentType].randomElement(using: &generator)!
        }
    }

    /// A model answer to `runTools`: one to four calls of tools that exist, throw or do not exist,
    /// with good, bad or deep arguments; sometimes mutated further.
    static func modelAnswer(using generator: inout SeededGenerator) -> [UInt8] {
        let choices: [(name: String, arguments: String)] = [
            ("get_weather", #"{"city":"Lyon"}"#), ("get_weather", "{bad"), ("get_weather", "[]"), ("explode", "{}"), ("teleport", "{}"),
            ("", "{}"), ("get_weather", #"{"city":"\u001b[31mX"}"#),
            ("get_weather", Self.deepJSON(Self.depths.dropLast().randomElement(using: &generator)!, asString: false)),
        ]
        let calls = (0..<Int.random(in: 1...4, using: &generator)).map { n in
            let call = choices.randomElement(using: &generator)!
            let id = Int.random(in: 0..<4, using: &generator) == 0 ? "call_0" : "call_\(n)"
            return
                #"{"id":"\#(id)","type":"function","function":{"name":"\#(call.name)","arguments":\#(JSONValue.string(call.arguments).jsonString)}}"#
        }
        let answer =
            #"{"id":"c","object":"chat.completion","created":1700000000,"model":"gpt-oss:120b","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[\#(calls.joined(separator: ","))]}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#
        return Int.random(in: 0..<3, using: &generator) == 0 ? Self.mutatedJSON(answer, using: &generator) : Array(answer.utf8)
    }

    // MARK: - Calls

    struct Query: Decodable { var city: String }
    struct StationDown: Error, CustomStringConvertible { var description: String { "the weather station is down" } }

    static let tools: [Tool] = [
        Tool.decoding(Query.self, name: "get_weather", parameters: .object(properties: ["city": .string()], required: ["city"])) {
            "Sunny in \($0.city)"
        },
        Tool(name: "explode") { _ in throw StationDown() },
    ]

    static func chatRequest() -> ChatCompletionRequest {
        ChatCompletionRequest(
            messages: [.text("Weather in Lyon? Use lookup too.")],
            model: "gpt-oss:120b",
            tools: [.function("get_weather"), .function("lookup")]
        )
    }

    static func call(_ target: Target, on client: AIYouClient) async throws {
        switch target {
        case .embeddings: _ = try await client.embeddings(model: "bge-m3", input: ["a", "b"])
        case .rerank: _ = try await client.rerank(model: "qwen3-reranker:0.6b", query: "q", documents: ["a", "b", "c"])
        case .toolStream: _ = try await client.chatCompletionStream(Self.chatRequest()).collect()
        case .runTools:
            var request = Self.chatRequest()
            request.tools = []
            _ = try await client.runTools(request, tools: Self.tools, limits: .init(maxRounds: 4))
        }
    }

    /// Runs `body` under `deadline`: its result, or `nil` (after cancelling it) if it did not end.
    static func withDeadline(_ deadline: Duration, _ body: @escaping @Sendable () async throws -> Void) async -> Result<Void, any Error>? {
        await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    try await body()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    /// The live tool-call stream of the server for ``chatRequest()``, split into its events.
    static func liveToolStream(_ server: MockAIYouServer) async throws -> [String] {
        var request = HTTPClientRequest(url: server.baseURL + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(Self.apiKey)")
        let tool = { (name: String) in ["type": "function", "function": ["name": name, "parameters": ["type": "object"]]] }
        let body: [String: Any] = [
            "model": "gpt-oss:120b", "stream": true, "tools": [tool("get_weather"), tool("lookup")],
            "messages": [["role": "user", "content": "Weather in Lyon? Use lookup too."]],
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { $0 + "\n\n" }
        #expect(events.count > 5 && events.last == "data: [DONE]\n\n", "a real tool-call stream to mutate")
        return events
    }

    /// Uses up the faults still queued for `route`: queues a marker answer, then sends plain
    /// requests until one meets it.
    static func drain(_ route: MockRoute, of server: MockAIYouServer) async throws {
        let marker = "drained"
        server.enqueueFaults([.status(418, body: marker)], for: route)
        for _ in 0..<8 {
            var request = HTTPClientRequest(url: server.baseURL + route.path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(Self.apiKey)")
            request.body = .bytes(ByteBuffer(string: "{}"))
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
                let body = try? await response.body.collect(upTo: 16 << 20)
            else { continue }
            if response.status.code == 418, String(buffer: body) == marker { return }
        }
        Issue.record("the faults queued for \(route) were not used up")
    }

    /// Fails the test if one of `secrets` or a terminal control character is in `text`. Secrets
    /// under 3 bytes (a mutated login answer can issue one) are not looked for: no redaction
    /// can hide them, and the client's does not try.
    static func expectClean(
        _ text: String,
        secrets: [String],
        _ context: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for secret in secrets where secret.utf8.count >= 3 && text.contains(secret) {
            Issue.record("\(context()): a secret reached the output: \(text.prefix(300))…", sourceLocation: sourceLocation)
        }
        if text.unicodeScalars.contains(where: { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D || $0.value == 0x9B }) {
            Issue.record("\(context()): a control character reached the output", sourceLocation: sourceLocation)
        }
    }

    // MARK: - The fuzz run

    @Test("200 mutated LLMaaS answers: each call ends under a deadline with a value or a clean AIYouError, no secret leaks")
    func fuzz() async throws {
        try await ProcessMemory.whileNotMeasuring { try await runFuzz() }
    }

    private func runFuzz() async throws {
        let seed = ProcessInfo.processInfo.environment["AIYOU_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_203
        print("LLMaaSFuzzTests seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        let capture = LogCapture()
        let time = ManualTime()
        var outcomes: [String: Int] = [:]
        try await MockAIYouServer.withRunning(configuration: .init(apiKeys: [Self.apiKey])) { server in
            var configuration = Fixture.configuration(server, credentials: .apiKey(Self.apiKey), time: time)
            configuration.api = .llmaas
            configuration.logger = capture.logger
            configuration.retry.maxRetries = 1
            configuration.timeouts = .init(connect: .seconds(5), request: .seconds(5), streamIdle: .seconds(1), upload: .seconds(10))
            let client = try AIYouClient(configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            let toolStream = try await Self.liveToolStream(server)

            for round in 0..<200 {
                let target = Target.allCases.randomElement(using: &generator)!
                let hostile = Int.random(in: 0..<4, using: &generator) == 0
                var label: String
                var queued = 1
                switch target {
                case .embeddings, .rerank:
                    let route = target.route
                    if hostile {
                        let fault = Self.hostileFault(using: &generator)
                        label = "\(fault)"
                        server.enqueueFaults([fault], for: route)
                    } else {
                        let body = Self.mutatedJSON(target == .embeddings ? Self.embeddingsAnswer : Self.rerankAnswer, using: &generator)
                        let status = PipelineFuzzTests.status(using: &generator)
                        let headers = PipelineFuzzTests.randomHeaders(using: &generator)
                        label = "bytes \(status) \(headers) \(body.count) B"
                        server.enqueueFaults([.bytes(status: status, headers: headers, body: body)], for: route)
                    }
                case .toolStream:
                    if hostile {
                        let fault = Self.hostileChatFault(using: &generator)
                        label = "\(fault)"
                        server.enqueueFaults([fault], for: .llmaasChatCompletions)
                    } else {
                        let body = Self.mutatedStream(toolStream, using: &generator)
                        let status = Int.random(in: 0..<8, using: &generator) == 0 ? PipelineFuzzTests.status(using: &generator) : 200
                        label = "stream \(status) \(body.count) B"
                        server.enqueueFaults(
                            [.bytes(status: status, headers: ["Content-Type": "text/event-stream"], body: body)],
                            for: .llmaasChatCompletions
                        )
                    }
                case .runTools:
                    var faults: [MockFault] = []
                    for _ in 0..<Int.random(in: 1...3, using: &generator) {
                        if Int.random(in: 0..<3, using: &generator) == 0 {
                            faults.append(Self.hostileChatFault(forRunTools: true, using: &generator))
                        } else {
                            faults.append(.bytes(status: 200, headers: [:], body: Self.modelAnswer(using: &generator)))
                        }
                    }
                    label = "runTools \(faults.map { if case .bytes(_, _, let body) = $0 { "answer \(body.count) B" } else { "\($0)" } })"
                    server.enqueueFaults(faults, for: .llmaasChatCompletions)
                    queued = faults.count
                }

                let requestsBefore = server.requestCount(target.route)
                guard let outcome = await Self.withDeadline(Self.deadline, { try await Self.call(target, on: client) }) else {
                    Issue.record("round \(round) (\(target), \(label)): the call did not end within \(Self.deadline)")
                    continue
                }
                switch outcome {
                case .success:
                    outcomes["\(target) value", default: 0] += 1
                case .failure(let error as AIYouError):
                    outcomes["\(target) \(error.code)", default: 0] += 1
                    Self.expectClean(
                        HostileServerTests.errorTexts(error),
                        secrets: server.secretsSeen,
                        "round \(round) (\(target), \(label))"
                    )
                case .failure(let error):
                    Issue.record("round \(round) (\(target), \(label)): not an AIYouError: \(error)")
                }
                // Faults a call did not use up (a run that ended early) must not reach the next round.
                if server.requestCount(target.route) - requestsBefore < queued {
                    try await Self.drain(target.route, of: server)
                }
                time.advance(by: .seconds(86_401))
            }
            #expect(server.secretsSeen == [Self.apiKey])
            Self.expectClean(capture.text, secrets: server.secretsSeen, "the trace log")
        }
        print("LLMaaSFuzzTests outcomes: \(outcomes.sorted { $0.key < $1.key })")
        for target in Target.allCases {
            #expect(outcomes["\(target) value", default: 0] > 0, "some answers to \(target) still succeed")
        }
        #expect(outcomes.count > 8, "the answers reach many kinds of outcome")
    }
}
