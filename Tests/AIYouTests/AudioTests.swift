import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Audio transcription")
struct AudioTests {
    /// A temporary file of `size` bytes (a WAV header then a pattern), removed by the caller.
    static func makeFile(name: String, size: Int) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aiyou-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var remaining = size
        let block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        while remaining > 0 {
            let count = min(remaining, block.count)
            try handle.write(contentsOf: block.prefix(count))
            remaining -= count
        }
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    @Test("a file is uploaded as multipart with its name, language and format")
    func upload() async throws {
        let path = try Self.makeFile(name: "réunion \"lundi\".wav", size: 300_001)
        defer { Self.remove(path) }
        try await withServerAndClient { server, client in
            let result = try await client.transcribe(fileAt: path, language: "fr", format: "text")
            #expect(result.text.contains("300001"))
            let upload = try #require(server.lastUpload)
            #expect(upload.byteCount == 300_001)
            #expect(upload.language == "fr")
            #expect(upload.format == "text")
            #expect(upload.fileContentType == "audio/wav")
            #expect(upload.filename.hasPrefix("réunion"))
            let sent = try #require(server.recordedRequests(.transcriptions).last)
            #expect(sent.header("content-type")?.hasPrefix("multipart/form-data; boundary=") == true)
            #expect(sent.header("content-length") != nil, "sent with a known length, not chunked")
        }
    }

    @Test("extension, existence, emptiness, size and options are checked before anything is sent")
    func validation() async throws {
        let text = try Self.makeFile(name: "notes.txt", size: 10)
        let empty = try Self.makeFile(name: "vide.mp3", size: 0)
        let big = try Self.makeFile(name: "long.m4a", size: AIYouClient.maxAudioFileBytes + 1)
        let fine = try Self.makeFile(name: "ok.MP3", size: 10)
        defer { [text, empty, big, fine].forEach(Self.remove) }
        try await withServerAndClient { server, client in
            let wrongType = await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: text) }
            #expect(wrongType?.message.contains(".mp3") == true)
            await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: "/nonexistent/x.wav") }
            await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: empty) }
            let tooBig = await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: big) }
            #expect(tooBig?.message.contains("25 MiB") == true)
            await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: fine, language: "fr\r\nX: y") }
            await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: fine, format: "") }
            #expect(server.totalRequestCount == 0)
            let accepted = try await client.transcribe(fileAt: fine)
            #expect(!accepted.text.isEmpty, "extension case does not matter")
        }
    }

    @Test("a 503 during an upload is retried by streaming the file again; after a 500 the upload is not sent twice")
    func retryRestreams() async throws {
        let path = try Self.makeFile(name: "retry.mp3", size: 200_000)
        defer { Self.remove(path) }
        try await withServerAndClient { server, client in
            server.enqueueFaults([.status(500)], for: .transcriptions)
            await expectAIYouError(.apiError) { try await client.transcribe(fileAt: path) }
            #expect(server.requestCount(.transcriptions) == 1, "a 500 may come after the work was done: not resent")
            server.resetCounters()
            server.enqueueFaults([.status(503), .status(503, headers: ["Retry-After": "0"])], for: .transcriptions)
            _ = try await client.transcribe(fileAt: path)
            #expect(server.requestCount(.transcriptions) == 3, "a 503 means not handled, with or without Retry-After")
            #expect(server.lastUpload?.byteCount == 200_000)
        }
    }

    @Test("a 25 MiB upload does not hold the file in memory")
    func memory() async throws {
        let size = AIYouClient.maxAudioFileBytes
        let path = try Self.makeFile(name: "grand.wav", size: size)
        let warmUp = try Self.makeFile(name: "petit.wav", size: 1 << 20)
        defer { [path, warmUp].forEach(Self.remove) }
        // Uploads have their own time budget (timeouts.upload, 600 s): a request timeout far
        // shorter than moving 25 MiB takes does not apply to them.
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.timeouts.request = .milliseconds(50)
        }) { server, client in
            // Warm up (connection, login, one small upload) so the measurement sees the large upload only.
            _ = try await client.transcribe(fileAt: warmUp)
            let growth = try await ProcessMemory.peakGrowth { _ = try await client.transcribe(fileAt: path) }
            #expect(server.lastUpload?.byteCount == size)
            // Client and server both run in this process; together they stay far below the file size.
            // ThreadSanitizer's allocator keeps more of what is freed resident (15 MiB was seen once
            // there): the bound is then the file itself, which holding it whole would pass.
            let bound = ProcessMemory.underThreadSanitizer ? size : size / 3
            #expect(growth < bound, "peak RSS grew by \(growth / 1024) KiB for a \(size / 1024) KiB file")
            print("25 MiB upload: peak RSS growth \(growth / 1024) KiB")
        }
    }
}
