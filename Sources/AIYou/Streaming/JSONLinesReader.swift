import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a body that arrives in pieces into lines (JSONL), holding at most one line: a line
/// inside one piece is handed out as a slice of it (no copy); only a line that straddles pieces
/// is gathered, and never beyond `maxLineBytes`. A longer line is reported as
/// ``Piece/tooLong(number:)`` as soon as it passes the limit, and the rest of it is dropped
/// as it arrives, so whatever a server sends, memory stays within one piece plus one line.
///
/// Lines end at `\n`; a `\r` before it is dropped, a UTF-8 byte order mark at the start is
/// skipped, and lines holding only spaces and tabs are skipped but counted, so that numbers are
/// those of the file.
struct JSONLinesReader: Sendable {
    /// What the reader hands out.
    enum Piece {
        /// A line (from 1), without its line break.
        case line(number: Int, bytes: ByteBuffer)
        /// A line longer than the limit; its bytes are dropped.
        case tooLong(number: Int)
    }

    /// The longest line handed out.
    let maxLineBytes: Int
    /// What is left of the last piece fed.
    private var piece = ByteBuffer()
    /// The beginning of a line that started in an earlier piece.
    private var partial = ByteBuffer()
    /// Inside a line that was too long: drop bytes up to its end.
    private var skipping = false
    private var lines = 0
    private var ended = false

    /// A reader for lines of at most `maxLineBytes`.
    init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// The number of lines begun so far.
    var lineCount: Int { lines }

    /// Feeds the next piece of the body; call once ``next()`` has returned `nil`.
    mutating func feed(_ buffer: ByteBuffer) {
        piece = buffer
    }

    /// The body has ended: a last line without a line break is a line.
    mutating func finish() {
        ended = true
    }

    /// The next line of what was fed, or `nil` when more input is needed (or, after
    /// ``finish()``, when there is no more).
    mutating func next() -> Piece? {
        while true {
            if piece.readableBytes > 0 {
                guard let length = Self.distanceToNewline(in: piece) else {
                    // No end of line in this piece: keep its bytes for the line, within the limit.
                    if skipping {
                        piece.clear()
                        return nil
                    }
                    if piece.readableBytes > maxLineBytes - partial.readableBytes {
                        skipping = true
                        partial = ByteBuffer()
                        piece.clear()
                        return .tooLong(number: lines + 1)
                    }
                    if partial.readableBytes == 0, partial.capacity < piece.readableBytes {
                        partial.reserveCapacity(piece.readableBytes)
                    }
                    partial.writeBuffer(&piece)
                    return nil
                }
                lines += 1
                if skipping {
                    skipping = false
                    piece.moveReaderIndex(forwardBy: length + 1)
                    continue
                }
                if length > maxLineBytes - partial.readableBytes {
                    partial = ByteBuffer()
                    piece.moveReaderIndex(forwardBy: length + 1)
                    return .tooLong(number: lines)
                }
                var line: ByteBuffer
                if partial.readableBytes == 0 {
                    line = piece.readSlice(length: length)!
                } else {
                    var rest = piece.readSlice(length: length)!
                    // Moved out first, so that appending does not copy a buffer still shared.
                    line = partial
                    partial = ByteBuffer()
                    line.writeBuffer(&rest)
                }
                piece.moveReaderIndex(forwardBy: 1)
                if let trimmed = Self.content(of: line, number: lines) { return .line(number: lines, bytes: trimmed) }
                continue
            }
            guard ended, partial.readableBytes > 0 || skipping else { return nil }
            if skipping {
                // The too-long line was reported when it passed the limit; it ends with the body.
                skipping = false
                lines += 1
                return nil
            }
            lines += 1
            let line = partial
            partial = ByteBuffer()
            if let trimmed = Self.content(of: line, number: lines) { return .line(number: lines, bytes: trimmed) }
            return nil
        }
    }

    /// The offset of the first `\n` in `buffer`'s readable bytes.
    private static func distanceToNewline(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base, 0x0A, bytes.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// `line` without a final `\r` (and, for the first line, without a byte order mark); `nil`
    /// when it holds only spaces, tabs and `\r`.
    private static func content(of line: ByteBuffer, number: Int) -> ByteBuffer? {
        var line = line
        if number == 1, line.readableBytesView.starts(with: [0xEF, 0xBB, 0xBF]) { line.moveReaderIndex(forwardBy: 3) }
        let blank = line.withUnsafeReadableBytes { bytes in
            bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        }
        if blank { return nil }
        if line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }
}
