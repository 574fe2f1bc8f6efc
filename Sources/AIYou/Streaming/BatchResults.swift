import NIOCore
import Synchronization

/// A batch's results read as they download (LLMaaS `GET /v1/files/{id}/content`): an
/// `AsyncSequence` of ``BatchResult``, one per line, in the file's order (which is not the order
/// of the requests).
///
/// ```swift
/// for try await item in try await client.batchResults(of: job) {
///     print(item.customID ?? "?", item.chatCompletion?.text ?? item.error?.message ?? "")
/// }
/// ```
///
/// Lines are read one at a time through a bounded reader: the whole file is never held, only
/// the line being decoded (at most ``Configuration/Limits/maxResponseBodyBytes``, what a single
/// answer may hold) and up to 64 KiB read ahead. A line that cannot be read — malformed, too
/// long, neither a chat completion nor embeddings — is a result whose outcome is the error,
/// naming the line; the sequence goes on. It throws only when the download itself fails: a
/// broken connection (``AIYouError/Code/network``), no line for
/// ``Configuration/Timeouts/streamIdle`` while you wait for one (``AIYouError/Code/timeout``),
/// cancellation, or the opening of a following file (the error file after the output file).
///
/// Iterate it once. Leaving the loop early (or cancelling the task) closes the connection.
public struct BatchResults: AsyncSequence, Sendable {
    /// Each element is one line's result.
    public typealias Element = BatchResult

    /// One open download.
    struct Connection: Sendable {
        var fileID: String
        var body: any EventStreamSource
        var mapping: ErrorMapping
    }

    private let source: Source

    /// - Parameters:
    ///   - first: the first file's download, already open; `nil` when there is no file to read.
    ///   - following: the files to read after it, in order.
    ///   - open: opens a following file's download.
    init(
        first: Connection?,
        following: [String],
        maxLineBytes: Int,
        open: @escaping @Sendable (String) async throws -> Connection
    ) {
        self.source = Source(first: first, following: following, maxLineBytes: maxLineBytes, open: open)
    }

    /// Starts reading. A second iteration throws instead of reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Reads results one at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let source: Source
        private let lifetime: Lifetime?
        private var connection: Connection?
        private var following: ArraySlice<String>
        private var reader: JSONLinesReader
        private var bodyEnded = false
        private var finished = false

        init(source: Source) {
            self.source = source
            self.connection = source.first
            self.following = source.following[...]
            self.reader = JSONLinesReader(maxLineBytes: source.maxLineBytes)
            self.lifetime = source.claim() ? Lifetime(source.first?.body) : nil
        }

        /// The next line's result, or `nil` once every file has been read. Throws
        /// ``AIYouError`` when a download fails.
        public mutating func next() async throws -> BatchResult? {
            guard let lifetime else {
                guard !finished else { return nil }
                finished = true
                throw AIYouError(.invalidRequest, "BatchResults can be iterated only once", operation: .fileContent)
            }
            while !finished {
                guard let current = connection else {
                    guard let fileID = following.popFirst() else {
                        finished = true
                        return nil
                    }
                    let opened: Connection
                    do {
                        opened = try await source.open(fileID)
                    } catch {
                        finished = true
                        throw error
                    }
                    connection = opened
                    lifetime.body = opened.body
                    reader = JSONLinesReader(maxLineBytes: source.maxLineBytes)
                    bodyEnded = false
                    continue
                }
                if let piece = reader.next() {
                    current.body.eventDelivered()
                    switch piece {
                    case .line(let number, let bytes):
                        return BatchResultLine.result(of: bytes, number: number, fileID: current.fileID, mapping: current.mapping)
                    case .tooLong(let number):
                        let failure = AIYouError(
                            .limitExceeded,
                            "batch results: line \(number) of \(current.mapping.redactor.clean(current.fileID, limit: 128)) is longer than \(reader.maxLineBytes) bytes (limits.maxResponseBodyBytes); it was skipped"
                        )
                        return BatchResult(customID: nil, fileID: current.fileID, lineNumber: number, result: .failure(failure))
                    }
                }
                if bodyEnded {
                    // This file is done; the next one (if any) opens on the next turn.
                    connection = nil
                    lifetime.body = nil
                    continue
                }
                current.body.waitingForEvent()
                let buffer: ByteBuffer?
                do {
                    buffer = try await current.body.next()
                } catch {
                    finished = true
                    current.body.close()
                    let failure = error as? TransportError ?? TransportError(.broken, ErrorMapping.describe(error), underlying: error)
                    var mapped = current.mapping.error(for: failure, operation: .fileContent)
                    if mapped.code == .network {
                        mapped.message =
                            "the download broke after \(reader.lineCount) line(s) (\(failure.reason))"
                    }
                    throw mapped
                }
                if let buffer {
                    reader.feed(buffer)
                } else {
                    bodyEnded = true
                    reader.finish()
                }
            }
            return nil
        }
    }

    /// What the sequence was made with; makes sure only one iterator reads it.
    final class Source: Sendable {
        let first: Connection?
        let following: [String]
        let maxLineBytes: Int
        let open: @Sendable (String) async throws -> Connection
        private let claimed = Atomic<Bool>(false)

        init(first: Connection?, following: [String], maxLineBytes: Int, open: @escaping @Sendable (String) async throws -> Connection) {
            self.first = first
            self.following = following
            self.maxLineBytes = maxLineBytes
            self.open = open
        }

        deinit {
            // Never iterated: let go of the connection instead of holding it until a timeout.
            if !claimed.load(ordering: .relaxed) { first?.body.close() }
        }

        /// `true` for the first caller only.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .relaxed)
        }
    }

    /// Closes the current download when the iterator goes away, so that a loop left early
    /// releases its connection at once.
    final class Lifetime {
        var body: (any EventStreamSource)?

        init(_ body: (any EventStreamSource)?) {
            self.body = body
        }

        deinit {
            body?.close()
        }
    }
}
