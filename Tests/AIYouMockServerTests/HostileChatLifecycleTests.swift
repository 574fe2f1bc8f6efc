import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The large hostile answers stop when their client leaves or the server stops, and a
/// 400,000-delta stream is served to the end. Serialized: the huge answers would crowd the
/// other suites on a two-core machine.
@Suite("Hostile chat answers: size and lifecycle", .serialized, .timeLimit(TestTiming.limit(minutes: 2)))
struct HostileChatLifecycleTests {
    /// Faults whose answers are hundreds of megabytes or more.
    static let huge: [MockFault] = [
        .manyDeltas(count: 10_000_000, text: "ab"),
        .toolCallStorm(calls: 10_000_000, perChunk: 64),
        .deepArguments(depth: 100_000_000, asObject: false),
        .deepArguments(depth: 100_000_000, asObject: true),
        .repeatedChoiceIndex(times: 10_000_000),
        .longToolArguments(pieces: 100_000_000, pieceText: "ab"),
        .errorObject(status: 200, messageBytes: 1_000_000_000),
    ]

    @Test(
        "a huge hostile answer, streamed or whole: the client reads 2 MB and leaves, and the server stops writing",
        arguments: huge,
        [true, false]
    )
    func abandoned(fault: MockFault, streamed: Bool) async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([fault], for: .llmaasChatCompletions)
            let (status, sizes) = try await RawConnection.with(server) { connection in
                connection.keepLimit = 256 * 1024
                try await connection.sendRequest("POST", LLMaaS.chatPath, json: LLMaaS.chat("bonjour", stream: streamed))
                let head = try await connection.readHead()
                while connection.receivedCount < 2_000_000 {
                    guard try await connection.readMore() else { break }
                }
                #expect(connection.receivedCount >= 2_000_000, "\(fault)")
                return (head.status, connection.chunkSizes)
            }
            #expect(status == 200)
            #expect(!sizes.isEmpty && sizes.allSatisfy { $0 <= 64 * 1024 })
            #expect(try await eventually(timeout: .seconds(5)) { server.openConnections == 0 }, "\(fault)")
        }
    }

    @Test(
        "shutdown is prompt while a huge or endless hostile answer is served to a client that stopped reading",
        arguments: huge + [.endlessEmptyChunks(interval: .seconds(10), kind: .emptyDelta)]
    )
    func shutdownDuringAnswer(fault: MockFault) async throws {
        let server = MockAIYouServer()
        try await server.start()
        server.enqueueFaults([fault], for: .llmaasChatCompletions)
        let elapsed = try await RawConnection.with(server) { connection in
            try await connection.sendRequest("POST", LLMaaS.chatPath, json: LLMaaS.chat("bonjour", stream: true))
            _ = try await connection.readHead()
            // The answer has begun; the client stops reading, so the writer soon waits on it.
            try await Task.sleep(for: .milliseconds(50))
            let clock = ContinuousClock()
            let start = clock.now
            try await server.shutdown()
            return clock.now - start
        }
        // Prompt, not held by the answer (generous bound: CI machines are noisy).
        #expect(elapsed < .seconds(5))
        #expect(try await eventually(timeout: .seconds(2)) { server.openConnections == 0 })
    }

    @Test("manyDeltas of 400,000 two-character deltas is served to the end: every event arrives")
    func fourHundredThousandDeltas() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.manyDeltas(count: 400_000, text: "ab")], for: .llmaasChatCompletions)
            var request = HTTPClientRequest(url: server.baseURL + LLMaaS.chatPath)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
            request.body = .bytes(ByteBuffer(string: LLMaaS.chat("bonjour", stream: true)))
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
            #expect(response.status == .ok)
            var newlines = 0
            var bytes = 0
            var head: [UInt8] = []
            var tail: [UInt8] = []
            for try await buffer in response.body {
                bytes += buffer.readableBytes
                newlines += Self.newlineCount(buffer)
                if head.count < 64 { head += buffer.readableBytesView.prefix(64 - head.count) }
                tail = Array((tail + buffer.readableBytesView).suffix(64))
            }
            let elapsed = clock.now - start
            // Every event ends with one blank line, and no event holds another line break.
            #expect(newlines == 2 * (400_000 + 3), "400,000 content chunks, the finish and usage chunks, [DONE]")
            #expect(String(decoding: head, as: UTF8.self).hasPrefix(#"data: {"id":"chatcmpl-mock-"#))
            #expect(String(decoding: tail, as: UTF8.self).hasSuffix("\"total_tokens\":400001}}\n\ndata: [DONE]\n\n"))
            print("manyDeltas 400,000 × \"ab\": \(bytes) bytes read by a raw client in \(elapsed)")
        }
    }

    /// The line feeds in `buffer`, found with `memchr` (a byte loop is slow in a debug build).
    static func newlineCount(_ buffer: ByteBuffer) -> Int {
        buffer.withUnsafeReadableBytes { raw in
            guard var cursor = raw.baseAddress else { return 0 }
            var remaining = raw.count
            var count = 0
            while remaining > 0, let hit = memchr(cursor, 0x0A, remaining) {
                count += 1
                let found = UnsafeRawPointer(hit)
                remaining -= cursor.distance(to: found) + 1
                cursor = found + 1
            }
            return count
        }
    }
}
