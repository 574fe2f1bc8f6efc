import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary JSONL file written from a sequence of ``BatchRequest``s, line by line, so that
/// a batch of any size is uploaded from disk (with its exact length, and again from its start
/// when the upload is retried) without the file ever being built in memory. Each request is
/// checked as it is written (``BatchFileCheck``); the file is readable by its owner only and is
/// removed by ``remove()``.
final class BatchSpool {
    let path: String
    private var descriptor: Int32
    private var pending = ByteBuffer()
    private(set) var check: BatchFileCheck

    /// Creates an empty file in the temporary directory. Throws ``AIYouError/Code/invalidRequest``
    /// when it cannot be created.
    init(name: String) throws(AIYouError) {
        let directory = FileManager.default.temporaryDirectory.path
        path = (directory as NSString).appendingPathComponent("aiyou-batch-\(UUID().uuidString).jsonl")
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        check = BatchFileCheck(name: name)
        guard descriptor >= 0 else {
            throw .invalidRequest("batch upload: could not create a temporary file in \(directory) (errno \(errno))")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Checks `request` (the `number`th, from 1) and appends its line.
    func append(_ request: BatchRequest, number: Int) throws(AIYouError) {
        try request.validate(position: number)
        try check.add(customID: request.customID, kind: "request", number: number)
        var writer = JSONWriter(capacity: 1024)
        request.write(to: &writer)
        var line = writer.buffer
        guard line.readableBytes < AIYouClient.maxBatchLineBytes else {
            throw .invalidRequest("batch upload: request \(number) is longer than \(AIYouClient.maxBatchLineBytes) bytes as a line")
        }
        try check.add(bytes: line.readableBytes + 1)
        pending.writeBuffer(&line)
        pending.writeInteger(UInt8(ascii: "\n"))
        if pending.readableBytes >= MultipartUpload.chunkSize { try flush() }
    }

    /// Writes what is pending and closes the file; returns its size. Throws
    /// ``AIYouError/Code/invalidRequest`` when no request was written or the disk refused.
    func finish() throws(AIYouError) -> Int {
        try check.finish()
        try flush()
        close(descriptor)
        descriptor = -1
        return check.bytes
    }

    /// Removes the file (also when it was not finished).
    func remove() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(path)
    }

    private func flush() throws(AIYouError) {
        let failure: Int32? = pending.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        pending.clear()
        if let failure { throw .invalidRequest("batch upload: could not write the temporary file (errno \(failure))") }
    }
}
