import AIYouMockServer
import NIOCore
import NIOPosix

/// A bare TCP connection to a mock server, to see exactly which bytes go on the wire and to
/// read (or stop reading) an endless answer at will.
///
/// Used by one task at a time, inside ``with(_:_:)``, which closes the connection when its
/// body returns.
final class RawConnection {
    /// The status line and header block of an answer, as received.
    struct Head {
        /// The status code.
        var status: Int
        /// The header lines, raw bytes, without their line ending.
        var lines: [[UInt8]]

        /// The raw value bytes of the first header named `name` (case-insensitive).
        func rawValue(_ name: String) -> [UInt8]? {
            let prefix = Array((name.lowercased() + ":").utf8)
            for line in self.lines where line.count >= prefix.count {
                if Array(line.prefix(prefix.count)).map(Self.lowercased) == prefix {
                    return Array(line.dropFirst(prefix.count).drop { $0 == UInt8(ascii: " ") })
                }
            }
            return nil
        }

        /// The value of the first header named `name`, decoded as UTF-8.
        func value(_ name: String) -> String? {
            self.rawValue(name).map { String(decoding: $0, as: UTF8.self) }
        }

        private static func lowercased(_ byte: UInt8) -> UInt8 {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
    }

    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Bytes received and not yet taken by ``readHead()``.
    private(set) var received: [UInt8] = []
    /// Every byte received, the head included.
    private(set) var receivedCount = 0
    /// Whether the server closed the connection.
    private(set) var isClosed = false
    /// Received bytes are dropped (only counted) once ``received`` holds this many.
    var keepLimit = 1024 * 1024

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects to `server`, runs `body`, then closes the connection.
    static func with<T: Sendable>(_ server: MockAIYouServer, _ body: (RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawConnection(inbound: inbound, outbound: outbound))
        }
    }

    /// Sends an HTTP/1.1 request with an optional JSON body and bearer token.
    func sendRequest(_ method: String, _ path: String, json: String? = nil, token: String? = MockAccount.demoAPIKey) async throws {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token {
            text += "Authorization: Bearer \(token)\r\n"
        }
        if let json {
            text += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
        } else {
            text += "\r\n"
        }
        try await self.outbound.write(ByteBuffer(string: text))
    }

    /// Reads one more piece of what the server sent; `false` once the server has closed.
    @discardableResult
    func readMore() async throws -> Bool {
        guard !self.isClosed, var buffer = try await self.inbound.next() else {
            self.isClosed = true
            return false
        }
        self.receivedCount += buffer.readableBytes
        let room = self.keepLimit - self.received.count
        if room > 0 {
            self.received += buffer.readBytes(length: min(room, buffer.readableBytes)) ?? []
        }
        return true
    }

    /// Reads until the status line and headers are in, and takes them from ``received``.
    func readHead() async throws -> Head {
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = self.received.firstRange(of: separator) {
                let headBytes = Array(self.received[..<end.lowerBound])
                self.received.removeSubrange(..<end.upperBound)
                var lines = headBytes.split(separator: UInt8(ascii: "\n")).map { Array($0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0) }
                let statusLine = String(decoding: lines.removeFirst(), as: UTF8.self)
                let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
                return Head(status: code, lines: lines)
            }
            guard try await self.readMore() else { throw TestFailure("closed before the head: \(self.received.count) bytes") }
        }
    }

    /// The payload of the chunked body received so far (partial chunks included), and
    /// whether its last chunk has arrived.
    var chunkedPayload: (payload: [UInt8], complete: Bool) {
        var payload: [UInt8] = []
        var index = self.received.startIndex
        let lineEnd = Array("\r\n".utf8)
        while let sizeEnd = self.received[index...].firstRange(of: lineEnd) {
            let sizeText = String(decoding: self.received[index..<sizeEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else { break }
            if size == 0 { return (payload, true) }
            let start = sizeEnd.upperBound
            let end = min(start + size, self.received.endIndex)
            payload += self.received[start..<end]
            guard start + size + 2 <= self.received.endIndex else { break }
            index = start + size + 2
        }
        return (payload, false)
    }

    /// The sizes of the chunks of the chunked body received so far whose size line has arrived
    /// (the last one may be partial), the final zero-size chunk left out.
    var chunkSizes: [Int] {
        var sizes: [Int] = []
        var index = self.received.startIndex
        let lineEnd = Array("\r\n".utf8)
        while let sizeEnd = self.received[index...].firstRange(of: lineEnd) {
            let sizeText = String(decoding: self.received[index..<sizeEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            sizes.append(size)
            guard sizeEnd.upperBound + size + 2 <= self.received.endIndex else { break }
            index = sizeEnd.upperBound + size + 2
        }
        return sizes
    }

    /// Reads the whole body of an answer with this head: `Content-Length` bytes, or a chunked
    /// body up to its last chunk.
    func readBody(_ head: Head) async throws -> [UInt8] {
        guard let length = head.value("content-length").flatMap({ Int($0) }) else {
            return try await self.readPayload { _ in false }
        }
        while self.received.count < length {
            guard try await self.readMore() else { throw TestFailure("closed after \(self.received.count) of \(length) bytes") }
        }
        return Array(self.received.prefix(length))
    }

    /// Reads until the decoded chunked payload satisfies `condition`, or the server closes.
    /// Returns the payload.
    func readPayload(until condition: ([UInt8]) -> Bool) async throws -> [UInt8] {
        while true {
            let (payload, complete) = self.chunkedPayload
            if condition(payload) || complete { return payload }
            guard try await self.readMore() else { return self.chunkedPayload.payload }
        }
    }
}
