import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Text-to-speech against the embedded server over loopback.
@Suite("LLMaaS speech")
struct SpeechTests {
    static let text = "Bonjour et bienvenue à bord."

    static func request(_ text: String = text, format: SpeechFormat? = .wav, speed: Double? = nil) -> SpeechRequest {
        SpeechRequest(model: "kokoro:82m", input: text, voice: "ff_siwis", format: format, speed: speed)
    }

    /// A fresh directory for one test's files, removed afterwards.
    static func withDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-speech-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    @Test("to a file: the server's audio, the request as sent, nothing left beside the file")
    func toFile() async throws {
        try await Self.withDirectory { directory in
            try await withLLMaaS { server, client in
                let path = directory.appendingPathComponent("bienvenue.wav").path
                let file = try await client.speech(Self.request(speed: 1.5), toFileAt: path)
                let expected = MockAIYouServer.speechAudio(input: Self.text, voice: "ff_siwis", format: "wav", speed: 1.5)
                #expect(file == SpeechFile(path: path, byteCount: expected.count, contentType: "audio/wav"))
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bienvenue.wav"])
                let sent = try jsonObject(try #require(server.recordedRequests(.speech).first).body)
                #expect(sent["model"] as? String == "kokoro:82m" && sent["input"] as? String == Self.text)
                #expect(sent["voice"] as? String == "ff_siwis" && sent["response_format"] as? String == "wav")
                #expect(sent["speed"] as? Double == 1.5 && sent["instructions"] == nil)
                let accept = server.recordedRequests(.speech).first?.headers.first { $0.name.lowercased() == "accept" }?.value
                #expect(accept?.hasPrefix("audio/*") == true)
            }
        }
    }

    @Test("as an AsyncSequence: the audio in several chunks, in order; collect() gives the same bytes")
    func sequence() async throws {
        try await withLLMaaS { server, client in
            // 400 bytes of text: 960 KB of WAV, written by the server in 16 KiB pieces.
            let long = String(repeating: "Lorem ipsum ", count: 33) + "fin."
            let expected = MockAIYouServer.speechAudio(input: long, voice: "ff_siwis", format: "wav")
            let audio = try await client.speech(Self.request(long))
            #expect(audio.contentType == "audio/wav" && audio.announcedByteCount == expected.count)
            var received: [UInt8] = []
            var chunks = 0
            for try await chunk in audio {
                #expect(chunk.readableBytes > 0)
                received += chunk.readableBytesView
                chunks += 1
            }
            #expect(received == expected)
            #expect(chunks > 1, "read as it arrives, not as one body")
            let collected = try await client.speech(Self.request(long)).collect()
            #expect(Array(collected) == expected)
            #expect(server.requestCount(.speech) == 2)
        }
    }

    @Test("every format: its content type and the server's bytes; no format asks for the service's default")
    func formats() async throws {
        try await withLLMaaS { server, client in
            for format in SpeechFormat.allCases {
                let audio = try await client.speech(Self.request("Un deux trois", format: format))
                #expect(audio.contentType == format.contentType)
                let bytes = try await audio.collect()
                #expect(Array(bytes) == MockAIYouServer.speechAudio(input: "Un deux trois", voice: "ff_siwis", format: format.rawValue))
            }
            let unspecified = try await client.speech(Self.request("Un", format: nil))
            #expect(unspecified.contentType == "audio/mpeg")
            _ = try await unspecified.collect()
            let sent = try jsonObject(try #require(server.recordedRequests(.speech).last).body)
            #expect(sent["response_format"] == nil)
            #expect(try SpeechFormat(name: "WAV") == .wav)
        }
    }

    @Test("invalid requests are refused before anything is sent; on AI.YOU speech is .unsupported")
    func validation() async throws {
        try await Self.withDirectory { directory in
            try await withLLMaaS { server, client in
                let good = Self.request()
                let file = directory.appendingPathComponent("out.wav").path
                let cases: [(String, @Sendable () async throws -> Void)] = [
                    ("input", { _ = try await client.speech(SpeechRequest(model: "kokoro:82m", input: " \n", voice: "v")) }),
                    ("voice", { _ = try await client.speech(SpeechRequest(model: "kokoro:82m", input: "x", voice: "")) }),
                    ("model", { _ = try await client.speech(SpeechRequest(model: "", input: "x", voice: "v")) }),
                    ("speed", { _ = try await client.speech(Self.request(speed: 0.1)) }),
                    ("speed", { _ = try await client.speech(Self.request(speed: 4.5)) }),
                    ("speed", { _ = try await client.speech(Self.request(speed: .nan)) }),
                    ("instructions", { _ = try await client.speech(SpeechRequest(model: "m", input: "x", voice: "v", instructions: " ")) }),
                    ("maxBytes", { _ = try await client.speech(good, maxBytes: 0) }),
                    ("does not exist", { _ = try await client.speech(good, toFileAt: directory.path + "/missing/out.wav") }),
                    ("is a directory", { _ = try await client.speech(good, toFileAt: directory.path) }),
                    ("empty", { _ = try await client.speech(good, toFileAt: "") }),
                    ("speed", { _ = try await client.speech(Self.request(speed: 9), toFileAt: file) }),
                    ("not an audio format", { _ = try SpeechFormat(name: "ogg\u{1B}[2J") }),
                ]
                for (words, call) in cases {
                    let error = await expectAIYouError(.invalidRequest) { try await call() }
                    #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
                    #expect(error?.message.contains("\u{1B}") == false)
                }
                #expect(server.totalRequestCount == 0, "nothing was sent")
                let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                #expect(left.isEmpty, "no file was left behind")
            }
            try await withServerAndClient { server, client in
                await expectAIYouError(.unsupported) { try await client.speech(Self.request()) }
                #expect(server.totalRequestCount == 0)
            }
        }
    }

    @Test("size caps: an announced length beyond maxBytes is refused unread; an endless answer stops at maxBytes")
    func sizeCaps() async throws {
        try await Self.withDirectory { directory in
            try await withLLMaaS { server, client in
                let announced = await expectAIYouError(.limitExceeded) { try await client.speech(Self.request(), maxBytes: 1000) }
                #expect(announced?.message.contains("announces") == true, "\(announced?.message ?? "")")

                // 64 MiB, chunked: only what the cap allows is read.
                server.enqueueFaults([.oversizedAudio(bytes: 64 << 20)], for: .speech)
                let audio = try await client.speech(Self.request(), maxBytes: 256 * 1024)
                #expect(audio.announcedByteCount == nil)
                var received = 0
                let error = await expectAIYouError(.limitExceeded) {
                    for try await chunk in audio { received += chunk.readableBytes }
                }
                #expect(received <= 256 * 1024)
                #expect(error?.message.contains("262144") == true)

                // To a file: the same, and neither the file nor a temporary one is left.
                server.enqueueFaults([.oversizedAudio(bytes: 64 << 20)], for: .speech)
                let path = directory.appendingPathComponent("big.wav").path
                await expectAIYouError(.limitExceeded) { try await client.speech(Self.request(), toFileAt: path, maxBytes: 100_000) }
                let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                #expect(left.isEmpty)
            }
            // The default cap is limits.maxResponseBodyBytes.
            try await withLLMaaS(client: { $0.limits.maxResponseBodyBytes = 4096 }) { _, client in
                _ = await expectAIYouError(.limitExceeded) { try await client.speech(Self.request()) }
            }
        }
    }

    @Test("hostile answers: not audio, an error object under 200, a cut body, errors and retries")
    func hostile() async throws {
        try await Self.withDirectory { directory in
            try await withLLMaaS { server, client in
                server.enqueueFaults([.wrongContentType], for: .speech)
                let html = await expectAIYouError(.decoding) { try await client.speech(Self.request()) }
                #expect(html?.message.contains("not audio (content type text/html)") == true, "\(html?.message ?? "")")
                #expect(html?.bodyExcerpt == "<html>oops</html>")

                server.enqueueFaults([.errorObject(status: 200, messageBytes: 300)], for: .speech)
                let object = await expectAIYouError(.apiError) { try await client.speech(Self.request()) }
                #expect(object?.message.contains(MockAccount.demoAPIKey) == false)

                // Cut halfway: the chunks that arrived, then .network; the old file stays.
                let path = directory.appendingPathComponent("keep.wav").path
                try Data("old".utf8).write(to: URL(fileURLWithPath: path))
                server.enqueueFaults([.truncatedBody], for: .speech)
                let cut = await expectAIYouError(.network) { try await client.speech(Self.request(), toFileAt: path) }
                #expect(cut?.message.contains("the audio stopped after") == true, "\(cut?.message ?? "")")
                #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["keep.wav"])

                server.resetCounters()
                // Not idempotent: a 500 is not sent again, a 503 (not processed) is.
                server.enqueueFaults([.status(500)], for: .speech)
                await expectAIYouError(.apiError) { try await client.speech(Self.request()) }
                #expect(server.requestCount(.speech) == 1)
                server.enqueueFaults([.status(503)], for: .speech)
                let bytes = try await client.speech(Self.request()).collect()
                #expect(bytes.count == MockAIYouServer.speechAudio(input: Self.text, voice: "ff_siwis", format: "wav").count)
                #expect(server.requestCount(.speech) == 3)

                let unknown = await expectAIYouError(.notFound) {
                    try await client.speech(SpeechRequest(model: "tts-9", input: "x", voice: "v"))
                }
                #expect(unknown?.errorCode == "model_not_found")
                let refused = await expectAIYouError(.apiError) {
                    try await client.speech(SpeechRequest(model: "kokoro", input: String(repeating: "x", count: 4097), voice: "v"))
                }
                #expect(refused?.status == 400 && refused?.errorParameter == "input")

                // An answer without any byte.
                server.enqueueFaults([.bytes(status: 200, headers: ["Content-Type": "audio/wav"], body: [])], for: .speech)
                await expectAIYouError(.decoding) { try await client.speech(Self.request()).collect() }
            }
        }
    }

    @Test("deadlines: audio that stops, or drips under 4 KiB per streamIdle, times out")
    func deadlines() async throws {
        try await withLLMaaS(client: { $0.timeouts.streamIdle = .milliseconds(300) }) { server, client in
            // Announces 1 MB, sends 5,000 bytes (past the progress threshold) then nothing.
            let headers = ["Content-Type": "audio/wav", "Content-Length": "1000000"]
            server.enqueueFaults([.bytes(status: 200, headers: headers, body: Array(repeating: 1, count: 5000))], for: .speech)
            var received = 0
            let stalled = await expectAIYouError(.timeout) {
                for try await chunk in try await client.speech(Self.request()) { received += chunk.readableBytes }
            }
            #expect(received == 5000)
            #expect(stalled?.message.contains("no audio for longer than timeouts.streamIdle") == true, "\(stalled?.message ?? "")")

            // 100 bytes and then nothing: under the progress threshold from the start.
            server.enqueueFaults([.bytes(status: 200, headers: headers, body: Array(repeating: 1, count: 100))], for: .speech)
            await expectAIYouError(.timeout) { try await client.speech(Self.request()).collect() }
        }
    }

    @Test("iterated once; a second iteration throws; leaving early closes the connection")
    func once() async throws {
        try await withLLMaaS { server, client in
            let audio = try await client.speech(Self.request(String(repeating: "long text ", count: 100)))
            for try await _ in audio { break }
            await expectAIYouError(.invalidRequest) {
                for try await _ in audio {}
            }
            // The connection was given up: the next call works.
            let bytes = try await client.speech(Self.request()).collect()
            #expect(!bytes.isEmpty)
            #expect(server.requestCount(.speech) == 2)
        }
    }
}
