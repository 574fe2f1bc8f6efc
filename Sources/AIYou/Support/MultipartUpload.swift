import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `multipart/form-data` body made of small text fields and one file that is streamed from disk
/// in fixed-size chunks: the file is never held in memory whole. The body is produced anew for
/// each attempt, so a retry re-reads the file from its start.
package struct MultipartUpload: Sendable {
    struct Field: Sendable {
        var name: String
        var value: String
    }

    let boundary: String
    let fields: [Field]
    let fileField: String
    let filePath: String
    let fileName: String
    let fileContentType: String
    let fileSize: Int
    static let chunkSize = 64 * 1024

    init(fields: [Field], fileField: String, filePath: String, fileName: String, fileContentType: String, fileSize: Int) {
        self.boundary = "aiyou-" + (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()
        self.fields = fields
        self.fileField = fileField
        self.filePath = filePath
        self.fileName = fileName
        self.fileContentType = fileContentType
        self.fileSize = fileSize
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Everything before the file's bytes: the text fields and the file part's headers.
    var head: ByteBuffer {
        var buffer = ByteBuffer()
        for field in fields {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(field.name))\"\r\n\r\n")
            buffer.writeString(field.value)
            buffer.writeString("\r\n")
        }
        buffer.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(fileField))\"; filename=\"\(Self.quoted(fileName))\"\r\n"
        )
        buffer.writeString("Content-Type: \(fileContentType)\r\n\r\n")
        return buffer
    }

    /// The closing boundary.
    var tail: ByteBuffer { ByteBuffer(string: "\r\n--\(boundary)--\r\n") }

    /// Exact body length, so the request carries `Content-Length` rather than chunked encoding.
    var contentLength: Int { head.readableBytes + fileSize + tail.readableBytes }

    func makeBodySequence() -> MultipartBodySequence {
        MultipartBodySequence(head: head, tail: tail, path: filePath, size: fileSize)
    }

    /// Quotes and line breaks cannot appear inside a quoted header parameter.
    private static func quoted(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\"": result += "%22"
            case "\r", "\n": result += " "
            default: result.append(character)
            }
        }
        return result
    }
}

/// The body of a ``MultipartUpload``: the head, the file in chunks, the tail.
struct MultipartBodySequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let head: ByteBuffer
    let tail: ByteBuffer
    let path: String
    let size: Int

    func makeAsyncIterator() -> Iterator {
        Iterator(head: head, tail: tail, file: FileChunkReader(path: path, size: size))
    }

    struct Iterator: AsyncIteratorProtocol {
        private var head: ByteBuffer?
        private var tail: ByteBuffer?
        private let file: FileChunkReader

        init(head: ByteBuffer, tail: ByteBuffer, file: FileChunkReader) {
            self.head = head
            self.tail = tail
            self.file = file
        }

        mutating func next() async throws -> ByteBuffer? {
            if let head {
                self.head = nil
                return head
            }
            if let chunk = try file.nextChunk() { return chunk }
            defer { tail = nil }
            return tail
        }
    }
}

/// Reads a file sequentially in ``MultipartUpload/chunkSize`` pieces, stopping after `size` bytes.
/// It opens the file at the first read and closes it at the end or when dropped.
///
/// `@unchecked Sendable`: AsyncHTTPClient consumes a request body from a single task, one `next()`
/// at a time, so the mutable descriptor and offset are never touched concurrently.
final class FileChunkReader: @unchecked Sendable {
    private let path: String
    private let size: Int
    private var descriptor: Int32 = -1
    private var remaining: Int
    private var opened = false

    init(path: String, size: Int) {
        self.path = path
        self.size = size
        self.remaining = size
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func nextChunk() throws -> ByteBuffer? {
        if !opened {
            opened = true
            descriptor = open(path, O_RDONLY)
            if descriptor < 0 { throw AIYouError(.invalidRequest, "upload: the file could not be opened (errno \(errno))") }
        }
        guard remaining > 0 else {
            closeFile()
            return nil
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(min(remaining, MultipartUpload.chunkSize))
        let wanted = min(remaining, MultipartUpload.chunkSize)
        let descriptor = self.descriptor
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { pointer in
            var total = 0
            while total < wanted {
                let result = read(descriptor, pointer.baseAddress! + total, wanted - total)
                if result > 0 {
                    total += result
                } else if result == 0 || errno != EINTR {
                    break
                }
            }
            return total
        }
        if count < wanted {
            closeFile()
            throw AIYouError(.invalidRequest, "upload: the file became shorter while it was being sent")
        }
        remaining -= count
        return buffer
    }

    private func closeFile() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }
}
