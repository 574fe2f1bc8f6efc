import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@Suite("Audio transcription")
struct AudioTests {
    /// A multipart body; `file` is the audio part (omitted when nil).
    static func multipart(
        boundary: String,
        file: (name: String, contentType: String, bytes: [UInt8])?,
        fields: [(String, String)]
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("preamble to ignore\r\n")
        for (name, value) in fields {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            buffer.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"audioFile\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.contentType)\r\n\r\n"
            )
            buffer.writeBytes(file.bytes)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return buffer
    }

    /// Bytes that repeatedly contain CR, LF and dashes, to tempt the boundary search.
    static func trickyBytes(count: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: 7)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            let roll = generator.next() % 16
            bytes[index] = roll == 0 ? 13 : roll == 1 ? 10 : roll == 2 ? UInt8(ascii: "-") : UInt8(truncatingIfNeeded: generator.next())
        }
        return bytes
    }

    @Test("a 3 MiB upload is counted exactly, with its name, type and fields")
    func upload() async throws {
        try await MockAIYouServer.withRunning { server in
            let boundary = "----aiyou-test-boundary-1234"
            let bytes = Self.trickyBytes(count: 3 * 1024 * 1024 + 17)
            let body = Self.multipart(
                boundary: boundary,
                file: ("réunion du 3 mars.mp3", "audio/mpeg", bytes),
                fields: [("language", "fr"), ("format", "text")]
            )
            // A generous deadline: the debug server parses 3 MiB of tricky bytes, which took over
            // 10 s once while a ThreadSanitizer suite shared the two cores.
            let response = try await TestHTTP(server).timeout(.seconds(120)).send(
                .POST,
                "/api/v1/audio/transcriptions",
                body: body,
                headers: [("Content-Type", "multipart/form-data; boundary=\"\(boundary)\"")]
            )
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let transcription = try response.object()["transcription"] as? String
            #expect(transcription == "Transcription de réunion du 3 mars.mp3 (\(bytes.count) octets) [fr]")
            #expect(
                server.lastUpload
                    == UploadRecord(
                        filename: "réunion du 3 mars.mp3",
                        fileContentType: "audio/mpeg",
                        byteCount: bytes.count,
                        language: "fr",
                        format: "text"
                    )
            )
            // Multipart bodies are not recorded.
            #expect(server.recordedRequests(.transcriptions).first?.body.isEmpty == true)
        }
    }

    @Test("a streamed upload in small odd-sized chunks is counted exactly")
    func streamedUpload() async throws {
        try await MockAIYouServer.withRunning { server in
            let boundary = "xYz"
            let bytes = Self.trickyBytes(count: 200_000)
            let body = Self.multipart(boundary: boundary, file: ("a.wav", "audio/wav", bytes), fields: [])
            let chunks = stride(from: 0, to: body.readableBytes, by: 997).map {
                body.getSlice(at: $0, length: min(997, body.readableBytes - $0))!
            }
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/audio/transcriptions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
            request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
            let stream = AsyncStream<ByteBuffer> { continuation in
                for chunk in chunks { continuation.yield(chunk) }
                continuation.finish()
            }
            request.body = .stream(stream, length: .known(Int64(body.readableBytes)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            _ = try await response.body.collect(upTo: 1024)
            #expect(server.lastUpload?.byteCount == bytes.count)
            #expect(server.lastUpload?.language == nil)
        }
    }

    @Test("missing audioFile, missing boundary or truncated body get 400")
    func invalid() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let noFile = try await http.send(
                .POST,
                "/api/v1/audio/transcriptions",
                body: Self.multipart(boundary: "b", file: nil, fields: [("language", "fr")]),
                headers: [("Content-Type", "multipart/form-data; boundary=b")]
            )
            #expect(noFile.status == 400)
            #expect(try noFile.object()["code"] as? Int == 400)

            let noBoundary = try await http.send(
                .POST,
                "/api/v1/audio/transcriptions",
                body: ByteBuffer(string: "x"),
                headers: [("Content-Type", "multipart/form-data")]
            )
            #expect(noBoundary.status == 400)

            var truncated = Self.multipart(boundary: "b", file: ("a.mp3", "audio/mpeg", [1, 2, 3]), fields: [])
            truncated.moveWriterIndex(to: truncated.writerIndex - 8)
            let cut = try await http.send(
                .POST,
                "/api/v1/audio/transcriptions",
                body: truncated,
                headers: [("Content-Type", "multipart/form-data; boundary=b")]
            )
            #expect(cut.status == 400)
            #expect(server.lastUpload == nil)
        }
    }
}

/// A tiny deterministic generator for test data.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return self.state >> 11 ^ self.state
    }
}
