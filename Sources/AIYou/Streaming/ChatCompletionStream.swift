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

    /// One HTTP answer carrying the event stream.
    struct Connection: Sendable {
        var body: any EventStreamSource
        var status: Int
        var mapping: ErrorMapping
    }

    /// - Parameters:
    ///   - first: the answer already received.
    ///   - reopen: when the stream breaks before its first chunk reached the caller, asked to send
    ///     the request again; it applies the retry policy and the call's retry budget, and throws
    ///     the error to report when it may not.
    init(
        first: Connection,
        operation: AIYouOperation,
        limits: Configuration.Limits,
        splitsThinkTags: Bool = false,
        observation: (any CallObserver)? = nil,
        reopen: (@Sendable (TransportError) async throws -> Connection)?
    ) {
        self.source = Source(
            first: first,
            operation: operation,
            limits: limits,
            splitsThinkTags: splitsThinkTags,
            observation: observation,
            reopen: reopen
        )
    }

    /// Decodes an event stream you already have, e.g. a body read with your own HTTP client:
    /// the same parser, decoder and limits the client uses, without any request. A break in
    /// `bytes` is thrown, never retried. With `splittingThinkTags`, `<think>…</think>` in the
    /// content becomes reasoning (see ``Configuration/splitsThinkTags``).
    public init<Bytes: AsyncSequence & Sendable>(decoding bytes: Bytes, splittingThinkTags: Bool = false)
    where Bytes.Element == ByteBuffer {
        let connection = Connection(
            body: SequenceStreamSource(bytes),
            status: 200,
            mapping: ErrorMapping(credentials: nil, authenticator: nil)
        )
        self.init(
            first: connection,
            operation: .chatStream,
            limits: Configuration.Limits(),
            splitsThinkTags: splittingThinkTags,
            reopen: nil
        )
    }

    /// Starts reading the stream. A second iteration throws instead of reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source)
    }

    /// Reads chunks one at a time: reads the network buffers, hands them to a
    /// chunk decoder, and reopens a stream that broke early when the retry rules allow it.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let source: Source
        private var connection: Connection
        /// Closes the connection when the iteration is abandoned (the iterator dropped mid-stream).
        private let lifetime: StreamLifetime?
        private var decoder: ChatStreamDecoder
        private var reopening = StreamReopening()
        private var finished = false

        init(source: Source) {
            self.source = source
            self.connection = source.first
            self.decoder = ChatStreamDecoder(maxEventBytes: source.limits.maxStreamEventBytes, splitsThinkTags: source.splitsThinkTags)
            self.lifetime = source.claim() ? StreamLifetime(source.first.body, observation: source.observation) : nil
        }

        /// The next chunk, or `nil` at the end of the stream. Throws ``AIYouError``.
        public mutating func next() async throws -> ChatCompletionChunk? {
            guard let observation = source.observation else { return try await advance() }
            do {
                let chunk = try await advance()
                if let chunk { observation.chunk(chunk) } else { observation.finish(error: nil) }
                return chunk
            } catch {
                observation.finish(error: error)
                throw error
            }
        }

        private mutating func advance() async throws -> ChatCompletionChunk? {
            guard lifetime != nil else {
                guard !finished else { return nil }
                finished = true
                throw AIYouError(.invalidRequest, "a ChatCompletionStream can be iterated only once", operation: source.operation)
            }
            while !finished {
                switch decoder.next() {
                case .chunk(let chunk):
                    reopening.chunkDelivered()
                    return chunk
                case .done:
                    // The stream is over: stop reading for the caller; a short tail is dropped so the
                    // connection can be reused, a long one closes it.
                    finished = true
                    connection.body.finish()
                    return nil
                case .failed(let body, let underlying):
                    finished = true
                    connection.body.close()
                    throw decodingError(body: body, underlying: underlying)
                case .ended(let sawEvent):
                    finished = true
                    if !sawEvent {
                        throw AIYouError(
                            .decoding,
                            "the stream ended before any event",
                            status: connection.status,
                            bodyExcerpt: "",
                            operation: source.operation
                        )
                    }
                    return nil
                case .needsBytes:
                    break
                }
                let buffer = try await nextBuffer()
                let progressed: Bool
                do {
                    progressed = try decoder.feed(buffer)
                } catch {
                    finished = true
                    connection.body.close()
                    throw AIYouError(
                        .limitExceeded,
                        "a stream line or event is larger than \(error.limit) bytes (limits.maxStreamEventBytes); the stream was closed",
                        operation: source.operation
                    )
                }
                // Only events that move the answer forward reset the idle clock: a stream of
                // empty chunks ends like a silent one.
                if progressed { connection.body.eventDelivered() }
            }
            return nil
        }

        /// The error for an event that is not a chunk.
        private func decodingError(body: ByteBuffer, underlying: any Error) -> AIYouError {
            if case JSONGuard.Violation.tooManyValues(let limit) = underlying {
                return AIYouError(
                    .limitExceeded,
                    "a stream event holds more than \(limit) JSON values; the stream was closed",
                    status: connection.status,
                    operation: source.operation
                )
            }
            return connection.mapping.decodingError(
                body: body,
                status: connection.status,
                operation: source.operation,
                expected: "a stream chunk",
                underlying: underlying
            )
        }

        /// The next network chunk. A break before the caller got anything may reopen the stream
        /// (the request goes through the pipeline again, within the call's retry budget); after
        /// that, the break is the caller's error.
        private mutating func nextBuffer() async throws -> ByteBuffer? {
            while true {
                connection.body.waitingForEvent()
                do {
                    return try await connection.body.next()
                } catch {
                    let failure = error as? TransportError ?? TransportError(.broken, ErrorMapping.describe(error), underlying: error)
                    connection.body.close()
                    if let reopen = source.reopen, reopening.allowsReopen(after: failure, sawEvent: decoder.sawEvent) {
                        do {
                            connection = try await reopen(failure)
                        } catch {
                            finished = true
                            throw error
                        }
                        lifetime?.body = connection.body
                        decoder = ChatStreamDecoder(
                            maxEventBytes: source.limits.maxStreamEventBytes,
                            splitsThinkTags: source.splitsThinkTags
                        )
                        continue
                    }
                    finished = true
                    var mapped = connection.mapping.error(for: failure, operation: source.operation)
                    if mapped.code == .network { mapped.message = reopening.breakMessage(failure) }
                    throw mapped
                }
            }
        }
    }

    /// Holds the first answer and makes sure only one iterator reads it.
    final class Source: Sendable {
        let first: Connection
        let operation: AIYouOperation
        let limits: Configuration.Limits
        let splitsThinkTags: Bool
        let reopen: (@Sendable (TransportError) async throws -> Connection)?
        let observation: (any CallObserver)?
        private let claimed = Atomic<Bool>(false)

        init(
            first: Connection,
            operation: AIYouOperation,
            limits: Configuration.Limits,
            splitsThinkTags: Bool,
            observation: (any CallObserver)?,
            reopen: (@Sendable (TransportError) async throws -> Connection)?
        ) {
            self.first = first
            self.operation = operation
            self.limits = limits
            self.splitsThinkTags = splitsThinkTags
            self.observation = observation
            self.reopen = reopen
        }

        deinit {
            // Never iterated: let go of the connection instead of holding it until a timeout.
            if !claimed.load(ordering: .relaxed) {
                first.body.close()
                observation?.finish(error: nil)
            }
        }

        /// `true` for the first caller only.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .relaxed)
        }
    }

    /// Closes the stream's current connection when its iterator goes away, so that a loop left
    /// early (`break`, a thrown error, a cancelled task) releases the connection at once.
    final class StreamLifetime {
        var body: any EventStreamSource
        let observation: (any CallObserver)?

        init(_ body: any EventStreamSource, observation: (any CallObserver)?) {
            self.body = body
            self.observation = observation
        }

        deinit {
            body.close()
            // A loop left early ends the call's span here (a no-op when the stream ended).
            observation?.finish(error: nil)
        }
    }
}

extension ChatCompletionStream {
    /// The answer's text only (the first choice's), piece by piece, skipping chunks without
    /// text: reasoning is never mixed in (nor, with ``Configuration/splitsThinkTags``, what the
    /// model wrote inside `<think>` tags). Use ``events`` to read reasoning, text and tool calls
    /// apart.
    public var textDeltas: TextDeltas { TextDeltas(stream: self) }

    /// Reads the whole stream and assembles it into one ``ChatCompletion``: the deltas of each
    /// choice concatenated, tool calls put together from their pieces, the last finish reason
    /// and usage kept — the same completion the non-streamed call gives (see
    /// ``ChatCompletionAccumulator`` to read it while iterating). Throws ``AIYouError``;
    /// ``AIYouError/Code/limitExceeded`` when the text grows beyond
    /// ``Configuration/Limits/maxResponseBodyBytes`` (what a non-streamed answer may hold).
    public func collect() async throws -> ChatCompletion {
        var accumulator = ChatCompletionAccumulator(maxBytes: source.limits.maxResponseBodyBytes)
        for try await chunk in self {
            try accumulator.add(chunk, operation: source.operation)
        }
        return accumulator.completion
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
