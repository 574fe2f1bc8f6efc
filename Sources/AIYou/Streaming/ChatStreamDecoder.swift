import NIOCore

/// Turns the bytes of a chat stream into chunks, as they arrive: ``SSEParser`` for the events,
/// each event decoded where it lies (``ChatCompletionChunkDecoder``, never copied or kept),
/// `<think>` tags split out when asked, and the events that move the answer forward counted for
/// the idle timeout (``StreamProgress``). It reads nothing itself: it is fed network buffers.
struct ChatStreamDecoder: Sendable {
    /// What the stream holds next.
    enum Output {
        case chunk(ChatCompletionChunk)
        /// `data: [DONE]`.
        case done
        /// An event that is not a chunk: its bytes and the decoding error.
        case failed(ByteBuffer, any Error)
        /// The body ended without `[DONE]`; `sawEvent` tells whether it held any event.
        case ended(sawEvent: Bool)
        /// Everything fed so far is handed out: ``feed(_:)`` the next buffer.
        case needsBytes
    }

    private var parser: SSEParser
    private var events: EventDecoder
    private var bodyEnded = false

    init(maxEventBytes: Int, splitsThinkTags: Bool) {
        parser = SSEParser(maxEventBytes: maxEventBytes)
        events = EventDecoder(splitsThinkTags: splitsThinkTags)
    }

    /// Whether any event (even one without a chunk) was parsed.
    var sawEvent: Bool { events.sawEvent }

    /// The next chunk decoded, else how the stream ended, else ``Output/needsBytes``.
    mutating func next() -> Output {
        if let chunk = events.nextChunk() { return .chunk(chunk) }
        switch events.ending {
        case .done: return .done
        case .failed(let body, let error): return .failed(body, error)
        case nil: return bodyEnded ? .ended(sawEvent: events.sawEvent) : .needsBytes
        }
    }

    /// Parses `buffer`, or the end of the body when it is `nil`. Returns whether its events moved
    /// the answer forward. Throws ``SSEParser/TooLarge``.
    mutating func feed(_ buffer: ByteBuffer?) throws(SSEParser.TooLarge) -> Bool {
        // The event decoder is moved out for the parse so that the parser's callback can fill it
        // while the parser is being mutated (no copy of its buffers).
        var decoder = EventDecoder(splitsThinkTags: false)
        swap(&decoder, &events)
        defer { swap(&decoder, &events) }
        let progressBefore = decoder.progressCount
        if let buffer {
            try parser.parse(buffer) { decoder.add($0) }
        } else {
            bodyEnded = true
            try parser.finish { decoder.add($0) }
            decoder.flushThinkTags()
        }
        return decoder.progressCount != progressBefore
    }

    /// Turns events into chunks as the parser completes them, inside the parser's callback.
    private struct EventDecoder: Sendable {
        /// How the stream ended, once it has.
        enum Ending: Sendable {
            /// `data: [DONE]`.
            case done
            /// An event that is not a chunk: its bytes and the decoding error.
            case failed(ByteBuffer, any Error)
        }

        private(set) var ending: Ending?
        private(set) var sawEvent = false
        /// Events that moved the answer forward (see ``StreamProgress``), the end, or an error;
        /// keep-alives and chunks that add nothing do not count.
        private(set) var progressCount = 0
        /// Decoded chunks in order while a buffer is parsed; reversed while they are handed out.
        private var chunks: [ChatCompletionChunk] = []
        private var chunksReversed = false
        private var decoder = ChatCompletionChunkDecoder()
        private var progress = StreamProgress()
        /// Set when `<think>` tags are split out of the content.
        private var thinkTags: ThinkTagStreamSplitter?

        init(splitsThinkTags: Bool) {
            thinkTags = splitsThinkTags ? ThinkTagStreamSplitter() : nil
        }

        /// At the end of the stream: hands out what the think-tag splitters still hold.
        mutating func flushThinkTags() {
            if let chunk = thinkTags?.flush() { append(chunk) }
        }

        /// The next decoded chunk not yet handed out, moved out of the list (no copy of its
        /// strings and arrays): the list is reversed once per fed buffer, then popped.
        mutating func nextChunk() -> ChatCompletionChunk? {
            if !chunksReversed {
                chunks.reverse()
                chunksReversed = true
            }
            guard let chunk = chunks.popLast() else {
                chunksReversed = false
                return nil
            }
            return chunk
        }

        /// Adds a decoded chunk after those not handed out yet.
        private mutating func append(_ chunk: ChatCompletionChunk) {
            if chunksReversed {
                chunks.reverse()
                chunksReversed = false
            }
            chunks.append(chunk)
        }

        /// Decodes one event; events after the end of the stream are ignored.
        mutating func add(_ event: ServerSentEvent) {
            sawEvent = true
            guard ending == nil else { return }
            let data = event.data
            if data.count == 6, data.elementsEqual("[DONE]".utf8) {
                flushThinkTags()
                ending = .done
                progressCount += 1
                return
            }
            if data.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }) { return }
            do {
                if event.type == "error" { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "error event")) }
                var chunk = try data.withUnsafeBytes { try decoder.decode($0) }
                if thinkTags != nil { chunk = thinkTags!.apply(to: chunk) }
                if progress.advances(with: chunk) { progressCount += 1 }
                append(chunk)
            } catch {
                progressCount += 1
                ending = .failed(ByteBuffer(bytes: data), error)
            }
        }
    }
}
