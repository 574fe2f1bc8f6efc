import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental `multipart/form-data` parser: fed the body chunk by chunk as it arrives, it
/// reports each part's headers and its bytes without ever holding more than one chunk plus a
/// few bytes of look-behind, so a 25 MiB upload is never collected in memory.
///
/// A boundary may fall anywhere across chunk boundaries, including inside the delimiter or the
/// part headers.
struct MultipartStreamParser {
    /// What the parser reports while reading.
    enum Event {
        /// A part begins, with its headers.
        case partBegan(MultipartPartHeaders)
        /// Some bytes of the current part's body (a slice of the input, not a copy).
        case bodyBytes(ByteBuffer)
        /// The current part is complete.
        case partEnded
    }

    /// Why a body could not be parsed.
    enum ParseError: Error, Equatable {
        /// The part headers are longer than ``maxHeaderBytes``.
        case headersTooLarge
        /// A boundary line is followed by something other than `--` or a line break.
        case malformedBoundaryLine
        /// The body ended before the closing boundary.
        case truncated
    }

    /// The longest header block accepted for one part.
    static let maxHeaderBytes = 16 * 1024

    private enum State {
        case preamble
        case boundaryLine
        case headers
        case body
        case epilogue
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let headerTerminator: [UInt8] = [13, 10, 13, 10]

    /// `CRLF--boundary`: what ends every part's body.
    private let delimiter: [UInt8]
    private var pending: ByteBuffer
    private var state = State.preamble

    /// Creates a parser for the boundary of the request's `Content-Type`.
    init(boundary: String) {
        self.delimiter = Self.crlf + Array("--\(boundary)".utf8)
        // A virtual line break before the body lets the first boundary match the delimiter.
        self.pending = ByteBuffer(bytes: Self.crlf)
    }

    /// Whether the closing boundary has been read.
    var isFinished: Bool {
        if case .epilogue = self.state { true } else { false }
    }

    /// Consumes one chunk of the body, reporting what it completes.
    mutating func feed(_ chunk: ByteBuffer, _ report: (Event) throws -> Void) throws {
        if case .epilogue = self.state { return }
        self.pending.writeImmutableBuffer(chunk)
        try self.process(report)
        self.pending.discardReadBytes()
    }

    /// Checks, once the body has ended, that the closing boundary was seen.
    func finish() throws {
        guard self.isFinished else { throw ParseError.truncated }
    }

    private mutating func process(_ report: (Event) throws -> Void) throws {
        while true {
            switch self.state {
            case .preamble:
                guard let index = self.pending.firstIndex(of: self.delimiter) else {
                    // Keep just enough bytes to recognise a delimiter that continues in the next chunk.
                    self.pending.moveReaderIndex(forwardBy: max(0, self.pending.readableBytes - (self.delimiter.count - 1)))
                    return
                }
                self.pending.moveReaderIndex(forwardBy: index + self.delimiter.count)
                self.state = .boundaryLine

            case .boundaryLine:
                guard self.pending.readableBytes >= 2 else { return }
                if self.pending.readableBytesView.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                    self.pending.moveReaderIndex(forwardBy: self.pending.readableBytes)
                    self.state = .epilogue
                    return
                }
                guard let index = self.pending.firstIndex(of: Self.crlf) else {
                    if self.pending.readableBytes > 256 { throw ParseError.malformedBoundaryLine }
                    return
                }
                // Only transport padding (spaces and tabs) may sit between a boundary and its line break.
                let padding = self.pending.readableBytesView.prefix(index)
                guard padding.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
                    throw ParseError.malformedBoundaryLine
                }
                self.pending.moveReaderIndex(forwardBy: index + 2)
                self.state = .headers

            case .headers:
                guard self.pending.readableBytes >= 2 else { return }
                let headerLength: Int
                if self.pending.readableBytesView.starts(with: Self.crlf) {
                    headerLength = 0
                    self.pending.moveReaderIndex(forwardBy: 2)
                } else if let index = self.pending.firstIndex(of: Self.headerTerminator) {
                    headerLength = index
                } else {
                    if self.pending.readableBytes > Self.maxHeaderBytes { throw ParseError.headersTooLarge }
                    return
                }
                guard headerLength <= Self.maxHeaderBytes else { throw ParseError.headersTooLarge }
                let text = self.pending.readString(length: headerLength) ?? ""
                if headerLength > 0 {
                    self.pending.moveReaderIndex(forwardBy: 4)
                }
                try report(.partBegan(MultipartPartHeaders(parsing: text)))
                self.state = .body

            case .body:
                if let index = self.pending.firstIndex(of: self.delimiter) {
                    if index > 0, let bytes = self.pending.readSlice(length: index) {
                        try report(.bodyBytes(bytes))
                    }
                    self.pending.moveReaderIndex(forwardBy: self.delimiter.count)
                    try report(.partEnded)
                    self.state = .boundaryLine
                } else {
                    let safe = self.pending.readableBytes - (self.delimiter.count - 1)
                    if safe > 0, let bytes = self.pending.readSlice(length: safe) {
                        try report(.bodyBytes(bytes))
                    }
                    return
                }

            case .epilogue:
                self.pending.moveReaderIndex(forwardBy: self.pending.readableBytes)
                return
            }
        }
    }
}

/// The headers of one multipart part that matter to a form: its field name, file name and
/// content type.
struct MultipartPartHeaders: Sendable, Equatable {
    /// The `name` of the `Content-Disposition` header.
    var name: String?
    /// The `filename` of the `Content-Disposition` header, when the part is a file.
    var filename: String?
    /// The part's `Content-Type`.
    var contentType: String?

    init(name: String?, filename: String?, contentType: String?) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// Reads a header block (lines separated by CRLF).
    init(parsing block: String) {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in block.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...]
            switch field {
            case "content-disposition":
                let disposition = HeaderParameters(parsing: value)
                name = disposition.parameters["name"]
                filename = disposition.parameters["filename"]
            case "content-type":
                contentType = value.trimmingSpaces()
            default:
                break
            }
        }
        self.init(name: name, filename: filename, contentType: contentType)
    }
}

extension ByteBuffer {
    /// The offset, from the reader index, of the first occurrence of `needle` in the readable
    /// bytes. Uses `memchr`/`memcmp`, which stay fast on multi-megabyte bodies even in debug builds.
    func firstIndex(of needle: [UInt8]) -> Int? {
        guard let first = needle.first else { return 0 }
        return self.withUnsafeReadableBytes { haystack -> Int? in
            guard let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
            let lastStart = haystack.count - needle.count
            var offset = 0
            return needle.withUnsafeBytes { needleBytes -> Int? in
                while offset <= lastStart {
                    guard let found = memchr(base + offset, Int32(first), lastStart - offset + 1) else { return nil }
                    let position = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + position, needleBytes.baseAddress!, needle.count) == 0 {
                        return position
                    }
                    offset = position + 1
                }
                return nil
            }
        }
    }
}
