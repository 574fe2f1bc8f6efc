import NIOCore
import Testing

@testable import AIYou

/// The chat stream's decoding (bytes to chunks) and its reopening rule, without a connection.
@Suite("Chat stream decoder and reopening")
struct ChatStreamDecoderTests {
    static func chunk(_ content: String) -> String {
        #"data: {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"\#(content)"}}]}"# + "\n\n"
    }

    /// Everything the decoder hands out until it needs bytes.
    static func drain(_ decoder: inout ChatStreamDecoder) -> [ChatStreamDecoder.Output] {
        var outputs: [ChatStreamDecoder.Output] = []
        while true {
            let output = decoder.next()
            if case .needsBytes = output { return outputs }
            outputs.append(output)
            if case .chunk = output { continue }
            return outputs
        }
    }

    static func texts(_ outputs: [ChatStreamDecoder.Output]) -> [String?] {
        outputs.compactMap {
            if case .chunk(let chunk) = $0 { return chunk.text }
            return nil
        }
    }

    @Test func chunksSplitAcrossBuffersAreDecodedThenDoneEndsTheStream() throws {
        var decoder = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: false)
        #expect(Self.drain(&decoder).isEmpty)
        let text = Self.chunk("Bon") + Self.chunk("jour") + "data: [DONE]\n\n"
        let middle = text.utf8.count / 2
        #expect(try decoder.feed(ByteBuffer(string: String(text.prefix(middle)))))
        #expect(Self.texts(Self.drain(&decoder)) == ["Bon"])
        #expect(try decoder.feed(ByteBuffer(string: String(text.dropFirst(middle)))))
        let outputs = Self.drain(&decoder)
        #expect(Self.texts(outputs) == ["jour"])
        guard case .done = outputs.last else {
            Issue.record("[DONE] did not end the stream: \(outputs)")
            return
        }
        // Events after the end are ignored.
        _ = try decoder.feed(ByteBuffer(string: Self.chunk("late")))
        guard case .done = decoder.next() else {
            Issue.record("an event after [DONE] was decoded")
            return
        }
    }

    @Test func keepAlivesAndEmptyChunksAreNoProgress() throws {
        var decoder = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: false)
        #expect(try decoder.feed(ByteBuffer(string: ": keep-alive\n\n")) == false)
        #expect(decoder.sawEvent == false)
        #expect(try decoder.feed(ByteBuffer(string: Self.chunk(""))) == false)
        #expect(decoder.sawEvent)
        #expect(Self.texts(Self.drain(&decoder)) == [""])
        #expect(try decoder.feed(ByteBuffer(string: Self.chunk("a"))))
    }

    @Test func anEventThatIsNotAChunkFailsTheStream() throws {
        var decoder = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: false)
        #expect(try decoder.feed(ByteBuffer(string: Self.chunk("ok") + "event: error\ndata: {\"error\":\"boom\"}\n\n")))
        let outputs = Self.drain(&decoder)
        #expect(Self.texts(outputs) == ["ok"])
        guard case .failed(let body, _) = outputs.last else {
            Issue.record("the error event did not fail the stream: \(outputs)")
            return
        }
        #expect(body == ByteBuffer(string: "{\"error\":\"boom\"}"))
    }

    @Test func theEndOfTheBodyTellsWhetherAnyEventCame() throws {
        var empty = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: false)
        _ = try empty.feed(ByteBuffer(string: ": only a comment\n"))
        _ = try empty.feed(nil)
        guard case .ended(sawEvent: false) = empty.next() else {
            Issue.record("an empty stream was not told apart")
            return
        }

        var cut = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: false)
        let unterminated = Self.chunk("b").dropLast(2)
        _ = try cut.feed(ByteBuffer(string: Self.chunk("a") + unterminated))
        #expect(Self.texts(Self.drain(&cut)) == ["a"])
        // The last event, without its blank line, is completed by the end of the body.
        #expect(try cut.feed(nil))
        let outputs = Self.drain(&cut)
        #expect(Self.texts(outputs) == ["b"])
        guard case .ended(sawEvent: true) = outputs.last else {
            Issue.record("the end of the body was not reported: \(outputs)")
            return
        }
    }

    @Test func aLineLongerThanTheLimitThrows() {
        var decoder = ChatStreamDecoder(maxEventBytes: 64, splitsThinkTags: false)
        #expect(throws: SSEParser.TooLarge.self) {
            _ = try decoder.feed(ByteBuffer(string: "data: " + String(repeating: "x", count: 100)))
        }
    }

    @Test func thinkTagsAreSplitWhenAsked() throws {
        var decoder = ChatStreamDecoder(maxEventBytes: 1 << 20, splitsThinkTags: true)
        _ = try decoder.feed(ByteBuffer(string: Self.chunk("<think>hmm</think>Oui") + "data: [DONE]\n\n"))
        var reasoning = ""
        var content = ""
        for case .chunk(let chunk) in Self.drain(&decoder) {
            reasoning += chunk.choices.first?.delta.reasoning ?? ""
            content += chunk.choices.first?.delta.content ?? ""
        }
        #expect(reasoning == "hmm")
        #expect(content == "Oui")
    }

    // MARK: - Reopening

    @Test func aBreakBeforeAnythingReachedTheCallerMayReopen() {
        let reopening = StreamReopening()
        #expect(reopening.allowsReopen(after: TransportError(.broken, "reset"), sawEvent: false))
        #expect(reopening.allowsReopen(after: TransportError(.idleTimeout, "idle"), sawEvent: false))
    }

    @Test func aCancelledStreamIsNeverReopened() {
        #expect(!StreamReopening().allowsReopen(after: TransportError(.cancelled, "cancelled"), sawEvent: false))
    }

    @Test func aStreamThatStartedAnsweringIsNotReopened() {
        #expect(!StreamReopening().allowsReopen(after: TransportError(.broken, "reset"), sawEvent: true))
        var reopening = StreamReopening()
        reopening.chunkDelivered()
        #expect(!reopening.allowsReopen(after: TransportError(.broken, "reset"), sawEvent: false))
    }

    @Test func theBreakMessageCountsTheChunksDelivered() {
        var reopening = StreamReopening()
        reopening.chunkDelivered()
        reopening.chunkDelivered()
        #expect(
            reopening.breakMessage(TransportError(.broken, "the service closed the connection"))
                == "the stream broke after 2 chunk(s) (the service closed the connection)"
        )
    }
}
