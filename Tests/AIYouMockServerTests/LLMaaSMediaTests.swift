import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The embedded server's speech and image routes, `encoding_format` on embeddings, and the media faults.
@Suite("LLMaaS speech, images, base64 embeddings")
struct LLMaaSMediaTests {
    @Test("speech: deterministic audio in each format, with its content type and length")
    func speech() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            for format in ["wav", "pcm", "mp3", "flac", "opus", "aac"] {
                let body = LLMaaS.json(["model": "kokoro", "input": "Bonjour", "voice": "alloy", "response_format": format, "speed": 2])
                let response = try await http.send(.POST, "/v1/audio/speech", json: body)
                #expect(response.status == 200, "\(format)")
                let expected = MockAIYouServer.speechAudio(input: "Bonjour", voice: "alloy", format: format, speed: 2)
                #expect(response.body == expected, "\(format)")
                #expect(response.header("Content-Length") == String(expected.count))
                #expect(response.header("X-RateLimit-Limit-Requests") == "1000")
            }
            let wav = MockAIYouServer.speechAudio(input: "Bonjour", voice: "alloy", format: "wav")
            // 7 bytes of text: 8,400 samples of 2 bytes after the 44-byte header.
            #expect(wav.count == 44 + 16_800 && Array(wav[0..<4]) == Array("RIFF".utf8) && Array(wav[36..<40]) == Array("data".utf8))
            #expect(MockAIYouServer.speechAudio(input: "Bonjour", voice: "nova", format: "wav") != wav, "the voice changes the tone")
            let plain = try await http.send(
                .POST,
                "/v1/audio/speech",
                json: LLMaaS.json(["model": "kokoro:82m", "input": "x", "voice": "v"])
            )
            #expect(plain.header("Content-Type") == "audio/mpeg" && plain.body.starts(with: Array("ID3".utf8)))
            #expect(server.requestCount(.speech) == 7)
        }
    }

    @Test("speech refusals name the field")
    func speechRefusals() async throws {
        let cases: [([String: Any], String)] = [
            (["input": "x", "voice": "v"], "model"),
            (["model": "gpt-oss:120b", "input": "x", "voice": "v"], "model"),
            (["model": "kokoro", "voice": "v"], "input"),
            (["model": "kokoro", "input": "", "voice": "v"], "input"),
            (["model": "kokoro", "input": String(repeating: "é", count: 4097), "voice": "v"], "input"),
            (["model": "kokoro", "input": "x"], "voice"),
            (["model": "kokoro", "input": "x", "voice": "v", "response_format": "ogg"], "response_format"),
            (["model": "kokoro", "input": "x", "voice": "v", "speed": 5], "speed"),
            (["model": "kokoro", "input": "x", "voice": "v", "instructions": 3], "instructions"),
        ]
        try await MockAIYouServer.withRunning { server in
            for (body, param) in cases {
                let response = try await TestHTTP(server).send(.POST, "/v1/audio/speech", json: LLMaaS.json(body))
                #expect(response.status == 400, "\(body)")
                #expect(try LLMaaS.error(response)["param"] as? String == param, "\(body)")
            }
            #expect(server.requestCount(.speech) == cases.count)
        }
    }

    @Test("images: n PNG files as base64, or links; refusals name the field")
    func images() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let response = try await http.send(
                .POST,
                "/v1/images/generations",
                json: LLMaaS.json(["model": "z-image:16b", "prompt": "a fox", "n": 2, "size": "1024x1024"])
            )
            #expect(response.status == 200)
            let data = try #require(try response.object()["data"] as? [[String: Any]])
            #expect(data.count == 2)
            for (index, item) in data.enumerated() {
                let text = try #require(item["b64_json"] as? String)
                let bytes = try #require(Data(base64Encoded: text))
                #expect(Array(bytes) == MockAIYouServer.generatedImage(prompt: "a fox", index: index))
                #expect(item["revised_prompt"] as? String == "A mock image of: a fox")
            }
            let png = MockAIYouServer.generatedImage(prompt: "a fox", index: 0)
            #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] && Array(png[12..<16]) == Array("IHDR".utf8))
            #expect(png != MockAIYouServer.generatedImage(prompt: "a fox", index: 1))

            let links = try await http.send(
                .POST,
                "/v1/images/generations",
                json: LLMaaS.json(["model": "z-image:16b", "prompt": "a fox", "response_format": "url"])
            )
            let link = try #require((try links.object()["data"] as? [[String: Any]])?.first?["url"] as? String)
            #expect(link.hasPrefix("https://images.mock.invalid/") && link.hasSuffix("-0.png"))

            let refusals: [([String: Any], String)] = [
                (["model": "kokoro", "prompt": "x"], "model"),
                (["model": "z-image:16b"], "prompt"),
                (["model": "z-image:16b", "prompt": "x", "n": 11], "n"),
                (["model": "z-image:16b", "prompt": "x", "n": 0], "n"),
                (["model": "z-image:16b", "prompt": "x", "size": "huge"], "size"),
                (["model": "z-image:16b", "prompt": "x", "response_format": "png"], "response_format"),
                (["model": "z-image:16b", "prompt": "x", "quality": false], "quality"),
            ]
            for (body, param) in refusals {
                let refused = try await http.send(.POST, "/v1/images/generations", json: LLMaaS.json(body))
                #expect(refused.status == 400, "\(body)")
                #expect(try LLMaaS.error(refused)["param"] as? String == param, "\(body)")
            }
        }
    }

    @Test("embeddings: encoding_format base64 holds the same floats; another format is refused")
    func base64Embeddings() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let inputs = ["un", "deux"]
            let response = try await http.send(
                .POST,
                "/v1/embeddings",
                json: LLMaaS.json(["model": "bge-m3", "input": inputs, "encoding_format": "base64"])
            )
            let data = try #require(try response.object()["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == [0, 1])
            for (index, item) in data.enumerated() {
                let text = try #require(item["embedding"] as? String)
                let bytes = try #require(Data(base64Encoded: text))
                let floats = stride(from: 0, to: bytes.count, by: 4).map { offset in
                    Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                }
                #expect(floats == MockAIYouServer.embedding(for: inputs[index], dimensions: 1024))
            }
            let float = try await http.send(
                .POST,
                "/v1/embeddings",
                json: LLMaaS.json(["model": "bge-m3", "input": "un", "encoding_format": "float"])
            )
            #expect((try float.object()["data"] as? [[String: Any]])?.first?["embedding"] is [Any])
            let other = try await http.send(
                .POST,
                "/v1/embeddings",
                json: LLMaaS.json(["model": "bge-m3", "input": "un", "encoding_format": "int8"])
            )
            #expect(other.status == 400)
            #expect(try LLMaaS.error(other)["param"] as? String == "encoding_format")
        }
    }

    @Test("faults: reversed embeddings, invalid base64, oversized audio, a truncated body")
    func faults() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let embeddings = LLMaaS.json(["model": "bge-m3", "input": ["a", "b", "c"]])
            server.enqueueFaults([.reversedEmbeddings, .invalidBase64], for: .embeddings)
            let reversed = try await http.send(.POST, "/v1/embeddings", json: embeddings)
            #expect((try reversed.object()["data"] as? [[String: Any]])?.map { $0["index"] as? Int } == [2, 1, 0])
            let invalid = try await http.send(.POST, "/v1/embeddings", json: embeddings)
            #expect((try invalid.object()["data"] as? [[String: Any]])?.allSatisfy { $0["embedding"] as? String == "not*base64!" } == true)
            let normal = try await http.send(.POST, "/v1/embeddings", json: embeddings)
            #expect((try normal.object()["data"] as? [[String: Any]])?.map { $0["index"] as? Int } == [0, 1, 2])

            server.enqueueFaults([.invalidBase64], for: .imageGenerations)
            let image = try await http.send(.POST, "/v1/images/generations", json: LLMaaS.json(["model": "z-image:16b", "prompt": "x"]))
            #expect((try image.object()["data"] as? [[String: Any]])?.first?["b64_json"] as? String == "not*base64!")

            let speech = LLMaaS.json(["model": "kokoro", "input": "x", "voice": "v"])
            server.enqueueFaults([.oversizedAudio(bytes: 300_000)], for: .speech)
            let oversized = try await http.send(.POST, "/v1/audio/speech", json: speech)
            #expect(oversized.header("Content-Type") == "audio/wav" && oversized.header("Content-Length") == nil)
            #expect(oversized.body.count == 300_000 && Array(oversized.body[0..<4]) == Array("RIFF".utf8))
            #expect(oversized.body[44...].allSatisfy { $0 == 0 })

            // Half of the announced body, then the connection closes: the client sees a broken answer.
            server.enqueueFaults([.truncatedBody], for: .speech)
            await #expect(throws: (any Error).self) { _ = try await http.send(.POST, "/v1/audio/speech", json: speech) }
            server.enqueueFaults([.truncatedBody], for: .llmaasModels)
            await #expect(throws: (any Error).self) { _ = try await http.send(.GET, "/v1/models") }
            #expect(try await http.send(.GET, "/v1/models").status == 200, "one answer only")
            // Refused requests get their whole 401.
            server.enqueueFaults([.truncatedBody], for: .speech)
            #expect(try await http.send(.POST, "/v1/audio/speech", json: speech, token: nil).status == 401)
        }
    }
}
