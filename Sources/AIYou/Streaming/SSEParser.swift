import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One Server-Sent Event.
package struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field, when the event named its type.
    package var type: String?
    /// The `data:` lines joined with `\n`, as raw UTF-8 bytes.
    package var data: [UInt8]
    /// The last `id:` seen so far in the stream.
    package var id: String?
    /// The `retry:` field, when present on this event.
    package var retry: Int?

    /// The data as text.
    package var text: String { String(decoding: data, as: UTF8.self) }
}

/// A Server-Sent Events parser (WHATWG HTML, "event stream interpretation") as a pure state
/// machine over whole network chunks: no `await` per byte, no copy of a chunk except for the one
/// line that straddles two chunks. Lines may end in `\n`, `\r\n` or `\r`, even when the `\r` and
/// `\n` arrive in different chunks; a chunk may end anywhere, also inside a UTF-8 character (bytes
/// are only turned into text once an event is complete).
///
/// Memory is bounded: a line, or an event's data, longer than `maxEventBytes` throws
/// ``TooLarge`` instead of growing (a server could otherwise send one endless line).
package struct SSEParser: Sendable {
    /// A line or an event went beyond the parser's limit; the stream cannot continue.
    package struct TooLarge: Error, Sendable {
        package var limit: Int
    }

    /// The longest line, and the largest event data, accepted.
    let maxEventBytes: Int
    private var partialLine: [UInt8] = []
    private var lastByteWasCR = false
    private var atStreamStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastEventID: String?
    private var retry: Int?

    /// A parser that accepts lines and events of up to `maxEventBytes` (default 1 MiB).
    package init(maxEventBytes: Int = Configuration.Limits().maxStreamEventBytes) {
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds one chunk; calls `emit` for each event completed by it. Throws ``TooLarge``.
    package mutating func parse(_ buffer: ByteBuffer, emit: (ServerSentEvent) -> Void) throws(TooLarge) {
        try buffer.withUnsafeReadableBytes { (bytes) throws(TooLarge) in
            try parse(bytes, emit: emit)
        }
    }

    /// Feeds raw bytes; calls `emit` for each event completed by them. Throws ``TooLarge``.
    mutating func parse(_ bytes: UnsafeRawBufferPointer, emit: (ServerSentEvent) -> Void) throws(TooLarge) {
        var start = 0
        let count = bytes.count
        if atStreamStart, count > 0 {
            atStreamStart = false
            // A UTF-8 byte order mark may open the stream; it is not part of the first line.
            if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        }
        if lastByteWasCR, start < count {
            lastByteWasCR = false
            if bytes[start] == UInt8(ascii: "\n") { start += 1 }
        }
        var index = start
        while index < count {
            index = Self.lineEnd(in: bytes, from: index)
            guard index < count else { break }
            let byte = bytes[index]
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            if partialLine.isEmpty {
                try processLine(line, emit: emit)
            } else {
                try appendToPartialLine(line)
                let joined = partialLine
                partialLine.removeAll(keepingCapacity: true)
                try processLine(joined, emit: emit)
            }
            index += 1
            if byte == UInt8(ascii: "\r") {
                if index < count {
                    if bytes[index] == UInt8(ascii: "\n") { index += 1 }
                } else {
                    lastByteWasCR = true
                }
            }
            start = index
        }
        if start < count {
            try appendToPartialLine(UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
        }
    }

    /// The index of the first `\n` or `\r` at or after `start`, `bytes.count` when there is none.
    /// `memchr` (vectorised by the C library) finds it several bytes at a time: the byte-by-byte
    /// loop it replaced was the parser's main cost, a tenth of a streamed event's (issue 20).
    private static func lineEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
        let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
        let end = newline.map { UnsafeRawPointer($0) - base } ?? bytes.count
        guard end > start, let carriageReturn = memchr(base + start, Int32(UInt8(ascii: "\r")), end - start) else { return end }
        return UnsafeRawPointer(carriageReturn) - base
    }

    private mutating func appendToPartialLine(_ bytes: UnsafeRawBufferPointer) throws(TooLarge) {
        guard bytes.count <= maxEventBytes - partialLine.count else { throw TooLarge(limit: maxEventBytes) }
        partialLine.append(contentsOf: bytes)
    }

    /// The stream ended: an unterminated last line is taken as a line, and an event whose data
    /// lines were all received is delivered even without the final blank line (servers that close
    /// right after the last event are common; nothing is lost that was fully received).
    package mutating func finish(emit: (ServerSentEvent) -> Void) throws(TooLarge) {
        if !partialLine.isEmpty {
            let line = partialLine
            partialLine.removeAll()
            try processLine(line, emit: emit)
        }
        dispatch(emit: emit)
    }

    /// ``processLine(_:emit:)`` for a line held in an array (one that straddled two chunks).
    private mutating func processLine(_ line: [UInt8], emit: (ServerSentEvent) -> Void) throws(TooLarge) {
        var failure: TooLarge?
        line.withUnsafeBytes { bytes in
            do throws(TooLarge) {
                try processLine(bytes, emit: emit)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private mutating func processLine(_ line: UnsafeRawBufferPointer, emit: (ServerSentEvent) -> Void) throws(TooLarge) {
        if line.isEmpty {
            dispatch(emit: emit)
            return
        }
        guard line.count <= maxEventBytes else { throw TooLarge(limit: maxEventBytes) }
        if line[0] == UInt8(ascii: ":") { return }  // comment / keep-alive
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        let name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[valueStart..<line.count])
        if Self.equals(name, "data") {
            guard value.count < maxEventBytes - data.count else { throw TooLarge(limit: maxEventBytes) }
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if Self.equals(name, "event") {
            eventType = String(decoding: value, as: UTF8.self)
        } else if Self.equals(name, "id") {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if Self.equals(name, "retry") {
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }
        // Any other field is ignored, as the format requires.
    }

    private mutating func dispatch(emit: (ServerSentEvent) -> Void) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = nil
            retry = nil
        }
        guard hasData else { return }
        emit(ServerSentEvent(type: eventType, data: data, id: lastEventID, retry: retry))
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { literalBytes in
            for index in 0..<bytes.count where bytes[index] != literalBytes[index] { return false }
            return true
        }
    }
}
