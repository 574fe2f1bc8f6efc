import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Seeded fuzzing of the whole client: the embedded server answers every endpoint with mutated
/// headers and bodies (random statuses, extreme numbers in `Retry-After`, rate-limit and JSON
/// fields, flipped, cut and duplicated bytes, wrong content types), over real loopback HTTP.
/// Every call must end — with a value or an ``AIYouError`` whose texts carry no secret (neither
/// one the client holds nor one the server saw, ``MockAIYouServer/secretsSeen``) and no control
/// character — and the process must not trap. ``LLMaaSFuzzTests`` does the same for the LLMaaS
/// endpoints. Reproducible: the seed is printed, and
/// `AIYOU_FUZZ_SEED=<seed> swift test --filter PipelineFuzzTests` replays a run.
@Suite("Seeded fuzzing of every endpoint's answers through the real pipeline", .timeLimit(TestTiming.limit(minutes: 5)))
struct PipelineFuzzTests {
    enum Endpoint: CaseIterable {
        case chat, stream, assistants, models, threads, save, delete, transcribe, login

        var route: MockRoute {
            switch self {
            case .chat, .stream: .chatCompletions
            case .assistants: .assistants
            case .models: .listModels
            case .threads: .threads
            case .save: .save
            case .delete: .deleteThread
            case .transcribe: .transcriptions
            case .login: .login
            }
        }

        /// A valid answer to mutate.
        var body: String {
            switch self {
            case .chat:
                #"{"response": {"id": "c1", "model": "m", "created": 1700000000, "choices": [{"index": 0, "message": {"role": "assistant", "content": "Salut"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}}"#
            case .stream:
                "data: {\"id\":\"c\",\"created\":1700000000,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Bon\"}}]}\n\n"
                    + ": keep-alive\n\ndata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"jour\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"
            case .assistants:
                #"{"hydra:member": [{"id": 602, "name": "A", "threadHistories": [{"threadId": 9}]}], "hydra:totalItems": 1}"#
            case .models:
                #"{"models": [{"name": "a", "context_window": 8192}, {"name": "b", "context_window": "4096"}], "total": 2}"#
            case .threads:
                #"{"threads": [{"id": 1, "createdAt": "2024-05-01T10:00:00+02:00", "isNewAppThread": "true"}], "totalItems": 12, "itemsPerPage": 1, "currentPage": 1}"#
            case .save:
                #"{"id": 5, "object": "thread", "createdAt": 1700000000}"#
            case .delete:
                ""
            case .transcribe:
                #"{"transcription": "bonjour"}"#
            case .login:
                #"{"token": "mock.fuzz", "expires_at": "2030-01-01T00:00:00.5Z", "user": {"id": 42}}"#
            }
        }
    }

    static let extremeNumbers = [
        "0", "-1", "1e19", "1E300", "-1e300", "inf", "nan", "999999999999999999999999999999", "9223372036854775807",
        "-9223372036854775808", "1e-400", "0.000001", "4294967296", "18446744073709551616",
    ]
    static let extremeHeaderValues =
        extremeNumbers + [
            "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "soon", "", "1m30s",
            "9999999999999999h", "1.5", "3",
        ]
    static let contentTypes = [
        "application/json", "text/event-stream", "text/html", "application/json; charset=utf-8", "", "text/event-stream; x",
    ]

    static func randomHeaders(using generator: inout SeededGenerator) -> [String: String] {
        var headers: [String: String] = [:]
        for name in ["Retry-After", "retry-after-ms", "X-RateLimit-Remaining-Requests", "X-RateLimit-Reset-Requests", "x-request-id"]
        where Bool.random(using: &generator) {
            headers[name] = extremeHeaderValues.randomElement(using: &generator)!
        }
        if Int.random(in: 0..<4, using: &generator) == 0 { headers["Content-Type"] = contentTypes.randomElement(using: &generator)! }
        return headers
    }

    /// The body mutated: extreme numbers in place of numbers, or bytes flipped, inserted,
    /// deleted, duplicated or cut, or random bytes.
    static func mutatedBody(_ body: String, using generator: inout SeededGenerator) -> [UInt8] {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            var text = body
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                guard let range = text.firstRange(of: /-?[0-9]+(\.[0-9]+)?/.repetitionBehavior(.possessive)) else { break }
                text.replaceSubrange(
                    range,
                    with: extremeNumbers.randomElement(using: &generator)!.replacingOccurrences(of: "inf", with: "1e999")
                )
            }
            return Array(text.utf8)
        case 1:
            return (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        default:
            return FuzzTests.mutate(Array(body.utf8), using: &generator)
        }
    }

    static func status(using generator: inout SeededGenerator) -> Int {
        [200, 200, 200, 201, 204, 400, 401, 404, 408, 422, 429, 500, 502, 503, 504, Int.random(in: 100...599, using: &generator)]
            .randomElement(using: &generator)!
    }

    @Test("400 mutated answers across every endpoint: each call ends with a value or a clean AIYouError")
    func fuzz() async throws {
        try await runFuzz()
    }

    private func runFuzz() async throws {
        let seed = ProcessInfo.processInfo.environment["AIYOU_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_125
        print("PipelineFuzzTests seed: \(seed)")
        var generator = SeededGenerator(seed: seed)
        // Unique to this run: several test processes may share the temporary directory, and one
        // must not delete the file another is uploading.
        let audio = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(seed)-\(UUID().uuidString).wav").path
        try Data(repeating: 7, count: 2048).write(to: URL(fileURLWithPath: audio))
        defer { try? FileManager.default.removeItem(atPath: audio) }
        let time = ManualTime()
        var outcomes: [String: Int] = [:]
        try await MockAIYouServer.withRunning { server in
            func configuration(_ credentials: Credentials) -> Configuration {
                var configuration = Fixture.configuration(server, credentials: credentials, time: time)
                configuration.retry.maxRetries = 1
                // The upload is 2 KB: 2 s is ample.
                configuration.timeouts = .init(connect: .seconds(5), request: .seconds(5), streamIdle: .seconds(2), upload: .seconds(2))
                configuration.limits.maxPages = 5
                return configuration
            }
            let client = try AIYouClient(configuration: configuration(Fixture.apiKey))
            defer { Task { try? await client.shutdown() } }
            for round in 0..<400 {
                // Heavy on memory: never beside a memory measurement, which waits for one round at most.
                try await ProcessMemory.whileNotMeasuring {
                    let endpoint = Endpoint.allCases.randomElement(using: &generator)!
                    let status = Self.status(using: &generator)
                    var headers = Self.randomHeaders(using: &generator)
                    if endpoint == .stream, status < 300, headers["Content-Type"] == nil, Bool.random(using: &generator) {
                        headers["Content-Type"] = "text/event-stream"
                    }
                    let body = Self.mutatedBody(endpoint.body, using: &generator)
                    server.enqueueFaults([.bytes(status: status, headers: headers, body: body)], for: endpoint.route)
                    let caller = endpoint == .login ? try AIYouClient(configuration: configuration(Fixture.demo)) : client
                    let outcome = await Self.call(endpoint, on: caller, audio: audio)
                    if endpoint == .login { try await caller.shutdown() }
                    switch outcome {
                    case .success:
                        outcomes["value", default: 0] += 1
                    case .failure(let error):
                        guard let error = error as? AIYouError else {
                            Issue.record("round \(round) (\(endpoint), \(status), \(headers)): not an AIYouError: \(error)")
                            return
                        }
                        outcomes["\(error.code)", default: 0] += 1
                        let texts = HostileServerTests.errorTexts(error)
                        // A secret the answer of this round carries itself (the token of a login answer
                        // too mangled to be read as one) is no secret the client could know to hide.
                        let sent = String(decoding: body, as: UTF8.self)
                        HostileServerTests.expectNoSecrets(in: texts, server: server, answer: sent)
                        LLMaaSFuzzTests.expectClean(
                            texts,
                            secrets: server.secretsSeen.filter { !sent.contains($0) },
                            "round \(round) (\(endpoint), \(status))"
                        )
                    }
                }
                // Whatever pause the answer asked for is over before the next round.
                time.advance(by: .seconds(86_401))
            }
        }
        print("PipelineFuzzTests outcomes: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes["value", default: 0] > 0, "some mutated answers still decode")
        #expect(outcomes.count > 3, "the answers reach many kinds of outcome")
    }

    /// Runs one call, failing the test (instead of waiting forever) if it does not end.
    static func call(_ endpoint: Endpoint, on client: AIYouClient, audio: String) async -> Result<Void, any Error> {
        await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    switch endpoint {
                    case .chat: _ = try await client.chatCompletion(chatRequest())
                    case .stream: _ = try await client.chatCompletionStream(chatRequest()).collect()
                    case .assistants: _ = try await client.assistants()
                    case .models: _ = try await client.models()
                    case .threads: _ = try await client.fetchAllThreads(itemsPerPage: 1, maxConcurrentRequests: 2)
                    case .save: _ = try await client.saveConversation(.init(assistantID: "602", conversation: "c"))
                    case .delete: try await client.deleteThread(id: "1")
                    case .transcribe: _ = try await client.transcribe(fileAt: audio)
                    case .login: _ = try await client.assistants()
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            guard let first else {
                Issue.record("\(endpoint): the call did not end within 60 s")
                return .failure(CancellationError())
            }
            return first
        }
    }
}
