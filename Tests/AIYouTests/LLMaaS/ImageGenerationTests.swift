import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Image generation against the embedded server over loopback, and the decoding of hostile answers.
@Suite("LLMaaS image generation")
struct ImageGenerationTests {
    static let prompt = "A lighthouse at dawn, watercolour"

    @Test("base64 answers: the server's PNG files, decoded; the revised prompts; the request as sent")
    func base64() async throws {
        try await withLLMaaS { server, client in
            let request = ImageGenerationRequest(
                model: "z-image:16b",
                prompt: Self.prompt,
                count: 3,
                size: "512x512",
                responseFormat: .base64,
                quality: "hd"
            )
            let result = try await client.generateImages(request)
            #expect(result.images.map(\.data) == (0..<3).map { Data(MockAIYouServer.generatedImage(prompt: Self.prompt, index: $0)) })
            #expect(result.images.allSatisfy { $0.url == nil && $0.revisedPrompt == "A mock image of: " + Self.prompt })
            #expect(result.images[0].data?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true, "a PNG file")
            let created = try #require(result.created)
            #expect(created > Date(timeIntervalSince1970: 1_767_100_000) && created < Date(timeIntervalSince1970: 1_768_100_000))
            let sent = try jsonObject(try #require(server.recordedRequests(.imageGenerations).first).body)
            #expect(sent["model"] as? String == "z-image:16b" && sent["prompt"] as? String == Self.prompt)
            #expect(sent["n"] as? Int == 3 && sent["size"] as? String == "512x512")
            #expect(sent["response_format"] as? String == "b64_json" && sent["quality"] as? String == "hd" && sent["user"] == nil)
        }
    }

    @Test("links: checked as https URLs and never fetched; the service's default format when none is asked")
    func links() async throws {
        try await withLLMaaS { server, client in
            let result = try await client.generateImages(
                ImageGenerationRequest(model: "z-image:16b", prompt: Self.prompt, count: 2, responseFormat: .url)
            )
            #expect(result.images.count == 2)
            for (index, image) in result.images.enumerated() {
                let url = try #require(image.url)
                #expect(url.scheme == "https" && url.host == "images.mock.invalid" && url.path.hasSuffix("-\(index).png"))
                #expect(image.data == nil)
            }
            #expect(server.totalRequestCount == 1, "the links were not fetched")
            let plain = try await client.generateImages(ImageGenerationRequest(model: "z-image:16b", prompt: "x"))
            #expect(plain.images.count == 1 && plain.images[0].data != nil)
            let sent = try jsonObject(try #require(server.recordedRequests(.imageGenerations).last).body)
            #expect(Set(sent.keys) == ["model", "prompt"])
        }
    }

    @Test("invalid requests are refused before anything is sent; on AI.YOU images are .unsupported")
    func validation() async throws {
        try await withLLMaaS { server, client in
            let cases: [(String, ImageGenerationRequest)] = [
                ("model", .init(model: " ", prompt: "x")),
                ("prompt", .init(model: "z-image:16b", prompt: "")),
                ("count", .init(model: "z-image:16b", prompt: "x", count: 0)),
                ("count", .init(model: "z-image:16b", prompt: "x", count: 11)),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "big")),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "1024x")),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "0x512")),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "99999x1")),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "+512x512")),
                ("size", .init(model: "z-image:16b", prompt: "x", size: "auto ")),
                ("quality", .init(model: "z-image:16b", prompt: "x", quality: "h d")),
                ("quality", .init(model: "z-image:16b", prompt: "x", quality: "")),
            ]
            for (words, request) in cases {
                let error = await expectAIYouError(.invalidRequest) { try await client.generateImages(request) }
                #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
            }
            #expect(server.totalRequestCount == 0)
            #expect(ImageGenerationRequest.isSize("auto") && ImageGenerationRequest.isSize("1792x1024"))
        }
        try await withServerAndClient { server, client in
            await expectAIYouError(.unsupported) { try await client.generateImages(.init(model: "z-image:16b", prompt: "x")) }
            #expect(server.totalRequestCount == 0)
        }
    }

    @Test("hostile answers over loopback: invalid base64, a body beyond the limit, a cut body, absurd numbers")
    func hostileLoopback() async throws {
        try await withLLMaaS(client: { $0.limits.maxResponseBodyBytes = 64 * 1024 }) { server, client in
            let request = ImageGenerationRequest(model: "z-image:16b", prompt: Self.prompt, count: 2)
            server.enqueueFaults([.invalidBase64], for: .imageGenerations)
            let invalid = await expectAIYouError(.decoding) { try await client.generateImages(request) }
            #expect(invalid?.message.contains("b64_json") == true, "\(invalid?.message ?? "")")
            server.enqueueFaults([.oversizedStreamLine(bytes: 10 << 20)], for: .imageGenerations)
            await expectAIYouError(.limitExceeded) { try await client.generateImages(request) }
            server.resetCounters()
            server.enqueueFaults([.truncatedBody], for: .imageGenerations)
            await expectAIYouError(.network) { try await client.generateImages(request) }
            #expect(server.requestCount(.imageGenerations) == 1, "not idempotent: not sent again after it was processed")
            server.enqueueFaults([.absurdNumbers], for: .imageGenerations)
            let absurd = try await client.generateImages(request)
            #expect(absurd.created == Date(timeIntervalSince1970: 253_402_300_799) && absurd.images.count == 2, "clamped to year 9999")
        }
    }

    static func client(_ transport: ScriptedTransport) throws -> AIYouClient {
        try AIYouClient.scripted(transport) { $0.api = .llmaas }
    }

    @Test(
        "answers that are not images are .decoding errors",
        arguments: [
            #"{"data":[]}"#,
            #"{"created":1}"#,
            #"{"data":[{"revised_prompt":"x"}]}"#,
            #"{"data":[{"b64_json":"iVBOR!"}]}"#,
            #"{"data":[{"b64_json":"A"}]}"#,
            #"{"data":[{"b64_json":"AB=C"}]}"#,
            #"{"data":[{"b64_json":"AAAA\nAAAA"}]}"#,
            #"{"data":[{"b64_json":7}]}"#,
            #"{"data":[{"url":"javascript:alert(1)"}]}"#,
            #"{"data":[{"url":"ftp://example.com/a.png"}]}"#,
            #"{"data":[{"url":"/relative/a.png"}]}"#,
            #"{"data":[{"url":"https://"}]}"#,
            #"{"data":[{"url":"https://example.com/a b.png"}]}"#,
            #"{"data":[{"url":"https://example.com/\u001b[2J.png"}]}"#,
            #"{"data":[{"url":"https://example.com/a.png"},{"url":"https://example.com/b.png"}]}"#,
        ]
    )
    func hostile(body: String) async throws {
        let transport = ScriptedTransport([.answer(200, body: body)])
        let client = try Self.client(transport)
        await expectAIYouError(.decoding) { try await client.generateImages(.init(model: "m", prompt: "p")) }
        #expect(transport.sent.count == 1)
        #expect(transport.sent.first?.target == "/v1/images/generations")
    }

    @Test("escaped slashes, unpadded base64, both forms in one answer, extra fields")
    func lenient() async throws {
        let png = Data(MockAIYouServer.generatedImage(prompt: "p", index: 0))
        let escaped = png.base64EncodedString().replacingOccurrences(of: "/", with: "\\/")
        let unpadded = Data([1, 2, 3, 4]).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let body =
            #"{"created":1767100000,"data":[{"b64_json":"\#(escaped)","extra":{"a":[1]}},{"b64_json":"\#(unpadded)"},{"url":"HTTPS://Example.com/x.png?sig=a%2Fb","revised_prompt":null}],"usage":{"total_tokens":3}}"#
        let transport = ScriptedTransport([.answer(200, body: body)])
        let result = try await Self.client(transport).generateImages(.init(model: "m", prompt: "p", count: 3))
        #expect(result.images.map(\.data) == [png, Data([1, 2, 3, 4]), nil])
        #expect(result.images[2].url?.absoluteString == "HTTPS://Example.com/x.png?sig=a%2Fb")
        #expect(result.created == Date(timeIntervalSince1970: 1_767_100_000))
    }
}

/// The base64 decoder the client uses for images and embeddings.
@Suite("Base64")
struct Base64Tests {
    @Test("decodes what Foundation encodes, padded or not, for every length up to 300")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let padded = bytes.base64EncodedString()
            #expect(try Base64.data(padded) == bytes)
            #expect(try Base64.data(padded.replacingOccurrences(of: "=", with: "")) == bytes)
        }
    }

    @Test(
        "refuses what is not base64",
        arguments: ["A", "AB=C", "ABC==", "A===", "====", "AB\nCD", "AB-_", "QUJD=", "QUJD====", "QQ=", "é", "QQ==QQ=="]
    )
    func refuses(text: String) {
        #expect(throws: Base64.Problem.self) { try Base64.data(text) }
    }

    @Test("floats: little-endian float32; a length that is not a multiple of 4, NaN and infinities are refused")
    func floats() throws {
        let values: [Float] = [0, -0.0, 1, -1.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        var bytes = Data()
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let decoded = try Base64.floats(bytes.base64EncodedString())
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try Base64.floats("").isEmpty)
        #expect(throws: Base64.Problem.self) { try Base64.floats(Data([1, 2, 3, 4, 5, 6]).base64EncodedString()) }
        for bad in [Float.nan, .infinity, -.infinity] {
            var data = Data()
            withUnsafeBytes(of: bad.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            #expect(throws: Base64.Problem.self) { try Base64.floats(data.base64EncodedString()) }
        }
    }
}
