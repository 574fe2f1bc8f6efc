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
        /// Chunks decoded from the network buffers read so far, and how the stream ends if it did.
        private var events = EventDecoder()
        private var bodyEnded = false
        private var finished = false
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
                if let chunk = events.nextChunk() {
                    deliveredChunks += 1
                    return chunk
                }
                switch events.ending {
                case .done:
                    finished = true
                    // Read to the end so the connection returns to the pool instead of being closed.
                    while let _ = try? await body?.next() {}
                    body = nil
                    return nil
                case .failed(let body, let underlying):
                    finished = true
                    self.body = nil
                    throw connection.mapping.decodingError(
                        body: body, status: connection.status, operation: source.operation, expected: "a stream chunk", underlying: underlying
                    )
                case nil:
                    break
                }
                if bodyEnded {
                    finished = true
                    if !events.sawEvent {
                        throw AIYouError(
                            .decoding, "\(source.operation): the stream ended before any event", status: connection.status, bodyExcerpt: ""
                        )
                    }
                    return nil
                }
                // The decoder is moved out for the parse so that the parser's callback can fill it
                // while the parser is being mutated (no copy of its buffers).
                var decoder = EventDecoder()
                swap(&decoder, &events)
                if let buffer = try await nextBuffer() {
                    parser.parse(buffer) { decoder.add($0) }
                } else {
                    bodyEnded = true
                    body = nil
                    parser.finish { decoder.add($0) }
                }
                swap(&decoder, &events)
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
                        events = EventDecoder()
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
    }

    /// Turns events into chunks as the parser completes them, inside the parser's callback, so an
    /// event's bytes are decoded where they lie and never copied or kept.
    struct EventDecoder: Sendable {
        /// How the stream ended, once it has.
        enum Ending: Sendable {
            /// `data: [DONE]`.
            case done
            /// An event that is not a chunk: its bytes and the decoding error.
            case failed(ByteBuffer, any Error)
        }

        private(set) var ending: Ending?
        private(set) var sawEvent = false
        private var chunks: [ChatCompletionChunk] = []
        private var chunkIndex = 0
        private var decoder = ChatCompletionChunkDecoder()

        /// The next decoded chunk not yet handed out.
        mutating func nextChunk() -> ChatCompletionChunk? {
            guard chunkIndex < chunks.count else {
                chunks.removeAll(keepingCapacity: true)
                chunkIndex = 0
                return nil
            }
            defer { chunkIndex += 1 }
            return chunks[chunkIndex]
        }

        /// Decodes one event; events after the end of the stream are ignored.
        mutating func add(_ event: ServerSentEvent) {
            sawEvent = true
            guard ending == nil else { return }
            let data = event.data
            if data.count == 6, data.elementsEqual("[DONE]".utf8) {
                ending = .done
                return
            }
            if data.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }) { return }
            do {
                if event.type == "error" { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "error event")) }
                let chunk = try data.withUnsafeBytes { try decoder.decode($0) }
                chunks.append(chunk)
            } catch {
                ending = .failed(ByteBuffer(bytes: data), error)
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
