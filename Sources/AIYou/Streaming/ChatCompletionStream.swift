import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// A streamed chat answer: an `AsyncSequence` of ``ChatCompletionChunk`` decoded from the
/// service's Server-Sent Events as they arrive.
///
/// ```swift
/// for try await text in try await client.chatCompletionStream(request).textDeltas {
///     print(text, terminator: "")
/// }
/// ```
/// Iterate it once. Leaving the loop early (or cancelling the task) closes the connection; the
/// sequence ends at `data: [DONE]` or when the service closes the stream. A stream that breaks
/// midway throws ``AIYouError`` with code ``AIYouError/Code/network`` after the chunks that did
/// arrive; an error event from the service throws ``AIYouError/Code/apiError``.
public struct ChatCompletionStream: AsyncSequence, Sendable {
    /// Each element is one decoded chunk.
    public typealias Element = ChatCompletionChunk

    private let source: Source

    /// One HTTP response carrying the event stream.
    struct Connection: Sendable {
        var body: HTTPClientResponse.Body
        var status: Int
        var mapping: ErrorMapping
    }

    /// - Parameters:
    ///   - first: the response already received.
    ///   - reopen: sends the request again (through the whole pipeline) when the stream breaks
    ///     before its first chunk reached the caller; at most `maxReopens` times.
    init(first: Connection, operation: String, maxReopens: Int, reopen: @escaping @Sendable () async throws -> Connection) {
        self.source = Source(first: first, operation: operation, maxReopens: maxReopens, reopen: reopen)
    }

    /// Decodes an event stream you already have, e.g. a body read with your own HTTP client:
    /// the same parser and decoder the client uses, without any request. A break in `bytes` is
    /// thrown, never retried.
    public init<Bytes: AsyncSequence & Sendable>(decoding bytes: Bytes) where Bytes.Element == ByteBuffer {
        let connection = Connection(
            body: .stream(bytes), status: 200, mapping: ErrorMapping(credentials: nil, authenticator: nil)
        )
        self.init(first: connection, operation: "stream", maxReopens: 0, reopen: { connection })
    }

    /// Starts reading the stream. A second iteration throws instead of reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Reads chunks one at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let source: Source
        private var connection: Connection
        private var body: HTTPClientResponse.Body.AsyncIterator?
        private var parser = SSEParser()
        private var pending: [ServerSentEvent] = []
        private var pendingIndex = 0
        private var bodyEnded = false
        private var finished = false
        private var sawEvent = false
        private var deliveredChunks = 0
        private var reopens = 0

        init(source: Source) {
            self.source = source
            self.connection = source.first
            if source.claim() { body = source.first.body.makeAsyncIterator() }
        }

        /// The next chunk, or `nil` at the end of the stream. Throws ``AIYouError``.
        public mutating func next() async throws -> ChatCompletionChunk? {
            guard body != nil || bodyEnded else {
                guard !finished else { return nil }
                finished = true
                throw AIYouError(.invalidRequest, "\(source.operation): a ChatCompletionStream can be iterated only once")
            }
            while !finished {
                while pendingIndex < pending.count {
                    let event = pending[pendingIndex]
                    pendingIndex += 1
                    if let chunk = try await decode(event) {
                        deliveredChunks += 1
                        return chunk
                    }
                    if finished { return nil }
                }
                pending.removeAll(keepingCapacity: true)
                pendingIndex = 0
                if bodyEnded {
                    finished = true
                    if !sawEvent {
                        throw AIYouError(
                            .decoding, "\(source.operation): the stream ended before any event", status: connection.status, bodyExcerpt: ""
                        )
                    }
                    return nil
                }
                if let buffer = try await nextBuffer() {
                    parser.parse(buffer) { pending.append($0) }
                } else {
                    bodyEnded = true
                    body = nil
                    parser.finish { pending.append($0) }
                }
                if !pending.isEmpty { sawEvent = true }
            }
            return nil
        }

        /// The next network chunk. A break before the caller got any chunk reopens the stream
        /// (the request goes through the pipeline again); after that, the break is the caller's error.
        private mutating func nextBuffer() async throws -> ByteBuffer? {
            while true {
                do {
                    return try await body?.next()
                } catch {
                    var (failure, retryable) = connection.mapping.transportError(error, operation: source.operation)
                    if retryable, deliveredChunks == 0, reopens < source.maxReopens, !Task.isCancelled {
                        reopens += 1
                        parser = SSEParser()
                        pending.removeAll(keepingCapacity: true)
                        pendingIndex = 0
                        sawEvent = false
                        body = nil
                        do {
                            connection = try await source.reopen()
                        } catch {
                            finished = true
                            throw error
                        }
                        body = connection.body.makeAsyncIterator()
                        continue
                    }
                    finished = true
                    body = nil
                    if failure.code == .network {
                        failure.message =
                            "\(source.operation): the stream broke after \(deliveredChunks) chunk(s) (\(ErrorMapping.describe(error)))"
                    }
                    throw failure
                }
            }
        }

        /// A chunk, or `nil` for an event that carries none (`[DONE]` ends the stream).
        private mutating func decode(_ event: ServerSentEvent) async throws -> ChatCompletionChunk? {
            let data = event.data
            if data.count == 6, data.elementsEqual("[DONE]".utf8) {
                finished = true
                // Read to the end so the connection returns to the pool instead of being closed.
                while let _ = try? await body?.next() {}
                body = nil
                return nil
            }
            if data.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }) { return nil }
            do {
                if event.type == "error" { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "error event")) }
                return try JSONCoding.decoder.decode(ChatCompletionChunk.self, from: data.withUnsafeBufferPointer { Data(buffer: $0) })
            } catch {
                finished = true
                body = nil
                throw connection.mapping.decodingError(
                    body: ByteBuffer(bytes: data), status: connection.status, operation: source.operation, expected: "a stream chunk",
                    underlying: error
                )
            }
        }
    }

    /// Holds the first response and makes sure only one iterator reads it.
    final class Source: Sendable {
        let first: Connection
        let operation: String
        let maxReopens: Int
        let reopen: @Sendable () async throws -> Connection
        private let claimed = Atomic<Bool>(false)

        init(first: Connection, operation: String, maxReopens: Int, reopen: @escaping @Sendable () async throws -> Connection) {
            self.first = first
            self.operation = operation
            self.maxReopens = maxReopens
            self.reopen = reopen
        }

        /// `true` for the first caller only.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .relaxed)
        }
    }
}

extension ChatCompletionStream {
    /// The text deltas only, skipping chunks without text.
    public var textDeltas: TextDeltas { TextDeltas(stream: self) }

    /// Reads the whole stream and assembles it into one ``ChatCompletion``: the deltas of each
    /// choice concatenated, the last finish reason and usage kept. Throws ``AIYouError``.
    public func collect() async throws -> ChatCompletion {
        var assembler = ChatCompletionAssembler()
        for try await chunk in self { assembler.add(chunk) }
        return assembler.completion
    }

    /// The text of a ``ChatCompletionStream``, piece by piece.
    public struct TextDeltas: AsyncSequence, Sendable {
        /// Each element is a non-empty piece of text.
        public typealias Element = String
        let stream: ChatCompletionStream

        /// Starts reading the underlying stream.
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }

        /// Reads text pieces one at a time.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: ChatCompletionStream.AsyncIterator

            /// The next non-empty piece of text, or `nil` at the end. Throws ``AIYouError``.
            public mutating func next() async throws -> String? {
                while let chunk = try await base.next() {
                    if let text = chunk.text, !text.isEmpty { return text }
                }
                return nil
            }
        }
    }
}

/// Folds stream chunks into one completion.
struct ChatCompletionAssembler: Sendable {
    private var id: String?
    private var model: String?
    private var created: Date?
    private var usage: Usage?
    private var choices: [Int: (role: ChatRole, text: String, finishReason: String?)] = [:]

    mutating func add(_ chunk: ChatCompletionChunk) {
        id = id ?? chunk.id
        model = model ?? chunk.model
        created = created ?? chunk.created
        if let chunkUsage = chunk.usage { usage = chunkUsage }
        for choice in chunk.choices {
            var entry = choices[choice.index] ?? (role: .assistant, text: "", finishReason: nil)
            if let role = choice.delta.role { entry.role = role }
            if let content = choice.delta.content { entry.text += content }
            if let reason = choice.finishReason { entry.finishReason = reason }
            choices[choice.index] = entry
        }
    }

    var completion: ChatCompletion {
        let assembled = choices.keys.sorted().map { index in
            let entry = choices[index]!
            return ChatChoice(index: index, message: AssistantMessage(role: entry.role, content: entry.text), finishReason: entry.finishReason)
        }
        return ChatCompletion(id: id, object: "chat.completion", model: model, created: created, choices: assembled, usage: usage)
    }
}
