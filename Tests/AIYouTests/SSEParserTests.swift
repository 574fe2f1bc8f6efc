import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The parser must give the same events however the network splits the bytes.
@Suite("SSE parser")
struct SSEParserTests {
    /// Parses `bytes` delivered in the given chunk sizes (cycled), then finishes.
    static func parse(_ bytes: [UInt8], chunkSizes: [Int]) throws -> [ServerSentEvent] {
        var parser = SSEParser()
        var events: [ServerSentEvent] = []
        var offset = 0
        var sizeIndex = 0
        while offset < bytes.count {
            let size = max(1, chunkSizes[sizeIndex % chunkSizes.count])
            sizeIndex += 1
            let end = min(bytes.count, offset + size)
            try parser.parse(ByteBuffer(bytes: bytes[offset..<end])) { events.append($0) }
            offset = end
        }
        try parser.finish { events.append($0) }
        return events
    }

    /// Checks whole, byte-by-byte and 200 random splittings against `expected`.
    static func expectSameEverySplit(
        _ text: String,
        _ expected: [ServerSentEvent],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let bytes = Array(text.utf8)
        #expect(try parse(bytes, chunkSizes: [bytes.count]) == expected, "whole", sourceLocation: sourceLocation)
        #expect(try parse(bytes, chunkSizes: [1]) == expected, "one byte at a time", sourceLocation: sourceLocation)
        var generator = SeededGenerator(seed: 0xA1_50)
        for round in 0..<200 {
            let sizes = (0..<16).map { _ in Int.random(in: 1...max(2, bytes.count / 3), using: &generator) }
            let events = try parse(bytes, chunkSizes: sizes)
            if events != expected {
                Issue.record("random split \(round) with sizes \(sizes) gave \(events.map(\.text))", sourceLocation: sourceLocation)
                return
            }
        }
    }

    static func event(_ data: String, type: String? = nil, id: String? = nil, retry: Int? = nil) -> ServerSentEvent {
        ServerSentEvent(type: type, data: Array(data.utf8), id: id, retry: retry)
    }

    @Test("LF line endings, several events")
    func lineFeeds() throws {
        try Self.expectSameEverySplit(
            "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n",
            [
                Self.event("{\"a\":1}"), Self.event("{\"b\":2}"), Self.event("[DONE]"),
            ]
        )
    }

    @Test("CRLF and lone CR line endings, also mixed")
    func carriageReturns() throws {
        try Self.expectSameEverySplit(
            "data: one\r\n\r\ndata: two\r\rdata: three\n\r\ndata: four\r\n\n",
            [
                Self.event("one"), Self.event("two"), Self.event("three"), Self.event("four"),
            ]
        )
    }

    @Test("comments and keep-alives are skipped, unknown fields ignored")
    func comments() throws {
        try Self.expectSameEverySplit(": keep-alive\n\n:another\ndata: x\nfoo: bar\n: mid-event comment\n\n", [Self.event("x")])
    }

    @Test("multi-line data is joined with \\n, and event/id/retry fields are read")
    func fields() throws {
        try Self.expectSameEverySplit(
            "event: message\nid: 7\nretry: 1500\ndata: {\"a\":\ndata: 1}\n\ndata:no-space\ndata\n\n",
            [
                Self.event("{\"a\":\n1}", type: "message", id: "7", retry: 1500),
                Self.event("no-space\n", id: "7"),
            ]
        )
    }

    @Test("multi-byte UTF-8 split across chunks arrives intact")
    func utf8() throws {
        let text = "data: {\"content\":\"Café ☕️ 日本語 🇫🇷\"}\n\n"
        try Self.expectSameEverySplit(text, [Self.event("{\"content\":\"Café ☕️ 日本語 🇫🇷\"}")])
        #expect(try Self.parse(Array(text.utf8), chunkSizes: [1]).first?.text == "{\"content\":\"Café ☕️ 日本語 🇫🇷\"}")
    }

    @Test("an event without its final blank line is still delivered at end of stream; an empty data-less block is not")
    func endOfStream() throws {
        try Self.expectSameEverySplit("data: last", [Self.event("last")])
        try Self.expectSameEverySplit("event: ping\n\n", [])
        try Self.expectSameEverySplit("", [])
    }

    @Test("a byte order mark at the start is not part of the first field")
    func byteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)
        #expect(try Self.parse(bytes, chunkSizes: [bytes.count]) == [Self.event("x")])
    }

    @Test("a long stream parsed in random chunks yields every event in order")
    func longStream() throws {
        var text = ""
        for index in 0..<2_000 { text += index.isMultiple(of: 2) ? "data: \(index)\r\n\r\n" : "id: \(index)\ndata: \(index)\n\n" }
        let events = try Self.parse(Array(text.utf8), chunkSizes: [7, 1, 300, 2, 4096, 13])
        #expect(events.map(\.text) == (0..<2_000).map(String.init))
    }
}

/// A small deterministic random generator (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Decoding a stream from any source")
struct StreamDecodingTests {
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let buffers: [ByteBuffer]
        struct AsyncIterator: AsyncIteratorProtocol {
            var remaining: [ByteBuffer]
            mutating func next() async throws -> ByteBuffer? { remaining.isEmpty ? nil : remaining.removeFirst() }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: buffers) }
    }

    @Test("ChatCompletionStream(decoding:) reads SSE bytes split anywhere")
    func decodesAnyBytes() async throws {
        let text =
            (0..<50).map { #"data: {"choices":[{"index":0,"delta":{"content":"é\#($0) "}}]}"# + "\r\n\r\n" }.joined() + "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        let buffers = stride(from: 0, to: bytes.count, by: 7).map { ByteBuffer(bytes: bytes[$0..<min($0 + 7, bytes.count)]) }
        let completion = try await ChatCompletionStream(decoding: Chunks(buffers: buffers)).collect()
        #expect(completion.text == (0..<50).map { "é\($0) " }.joined())
        let broken = ChatCompletionStream(decoding: Chunks(buffers: [ByteBuffer(string: "data: {oops}\n\n")]))
        await expectAIYouError(.decoding) { try await broken.collect() }
    }
}
