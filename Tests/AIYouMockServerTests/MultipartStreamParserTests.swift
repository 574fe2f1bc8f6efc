import NIOCore
import Testing

@testable import AIYouMockServer

@Suite("MultipartStreamParser")
struct MultipartStreamParserTests {
    struct Part: Equatable {
        var headers: MultipartPartHeaders
        var body: [UInt8]
    }

    static func parse(_ body: ByteBuffer, boundary: String, chunkSizes: some Sequence<Int>) throws -> [Part] {
        var parser = MultipartStreamParser(boundary: boundary)
        var parts: [Part] = []
        var offset = 0
        var sizes = chunkSizes.makeIterator()
        while offset < body.readableBytes {
            let size = min(sizes.next() ?? 1, body.readableBytes - offset)
            let chunk = body.getSlice(at: body.readerIndex + offset, length: size)!
            offset += size
            try parser.feed(chunk) { event in
                switch event {
                case .partBegan(let headers): parts.append(Part(headers: headers, body: []))
                case .bodyBytes(let bytes): parts[parts.count - 1].body += Array(bytes.readableBytesView)
                case .partEnded: break
                }
            }
        }
        try parser.finish()
        return parts
    }

    static let sample: ByteBuffer = {
        var buffer = ByteBuffer()
        buffer.writeString("ignored preamble\r\n--B0undary\r\n")
        buffer.writeString("Content-Disposition: form-data; name=\"language\"\r\n\r\nfr\r\n--B0undary  \r\n")
        buffer.writeString("content-disposition: form-data; name=\"audioFile\"; filename=\"semi;colon \\\"q\\\".m4a\"\r\n")
        buffer.writeString("Content-Type: audio/mp4\r\n\r\n")
        buffer.writeBytes([13, 10, 45, 45, 66, 48, 0, 255, 13, 10, 45, 45, 66, 48, 117, 110, 100, 97, 114])
        buffer.writeString("\r\n--B0undary\r\n\r\nno headers\r\n--B0undary--\r\nepilogue")
        return buffer
    }()

    static let expected: [Part] = [
        Part(headers: .init(name: "language", filename: nil, contentType: nil), body: Array("fr".utf8)),
        Part(
            headers: .init(name: "audioFile", filename: "semi;colon \"q\".m4a", contentType: "audio/mp4"),
            body: [13, 10, 45, 45, 66, 48, 0, 255, 13, 10, 45, 45, 66, 48, 117, 110, 100, 97, 114]
        ),
        Part(headers: .init(name: nil, filename: nil, contentType: nil), body: Array("no headers".utf8)),
    ]

    @Test("whole body in one chunk")
    func oneChunk() throws {
        #expect(try Self.parse(Self.sample, boundary: "B0undary", chunkSizes: [Self.sample.readableBytes]) == Self.expected)
    }

    @Test("one byte at a time")
    func oneByteAtATime() throws {
        #expect(try Self.parse(Self.sample, boundary: "B0undary", chunkSizes: repeatElement(1, count: .max)) == Self.expected)
    }

    @Test("random chunk sizes", arguments: [1, 2, 3, 99] as [UInt64])
    func randomChunks(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let sizes = (0..<1000).map { _ in Int(generator.next() % 13) + 1 }
        #expect(try Self.parse(Self.sample, boundary: "B0undary", chunkSizes: sizes) == Self.expected)
    }

    @Test("a body without the closing boundary is truncated")
    func truncated() throws {
        var body = Self.sample
        body.moveWriterIndex(to: body.readerIndex + 60)
        #expect(throws: MultipartStreamParser.ParseError.truncated) {
            _ = try Self.parse(body, boundary: "B0undary", chunkSizes: [7])
        }
    }

    @Test("oversized part headers are refused")
    func hugeHeaders() throws {
        var body = ByteBuffer(string: "--b\r\nX-Big: ")
        body.writeString(String(repeating: "a", count: MultipartStreamParser.maxHeaderBytes + 10))
        #expect(throws: MultipartStreamParser.ParseError.headersTooLarge) {
            _ = try Self.parse(body, boundary: "b", chunkSizes: [4096])
        }
    }

    @Test("garbage after a boundary is refused")
    func malformedBoundaryLine() throws {
        let body = ByteBuffer(string: "--bXX\r\n\r\nhello\r\n--b--")
        #expect(throws: MultipartStreamParser.ParseError.malformedBoundaryLine) {
            _ = try Self.parse(body, boundary: "b", chunkSizes: [100])
        }
    }
}
