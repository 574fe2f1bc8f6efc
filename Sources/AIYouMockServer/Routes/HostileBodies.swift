import Hummingbird
import NIOCore

/// The oversized and endless answers of the hostile faults. Their bodies are generated as they
/// are written, never held whole, and every writer stops within a few milliseconds of its
/// client going away or the server beginning to stop (see ``ClientWatch``).
enum HostileBodies {
    /// The most bytes one write carries.
    static let maxWriteSize = 64 * 1024
    /// The shortest pause of the paced writers, so that none of them can spin a core.
    static let minimumInterval: Duration = .milliseconds(1)
    /// The body ``MockFault/drip(status:interval:)`` repeats, without its status code.
    static let dripMessage = "The server is answering one byte at a time."

    /// ``maxWriteSize`` bytes of `a`; every write of filler is a slice of it.
    private static let filler = ByteBuffer(repeating: UInt8(ascii: "a"), count: maxWriteSize)

    private static let eventStreamHeaders: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]

    /// 200 `text/event-stream`: `data: `, `bytes` bytes of `a`, `\n\n`, `data: [DONE]\n\n`.
    static func oversizedStreamLine(bytes: Int, watch: ClientWatch) -> Response {
        Response(
            status: .ok,
            headers: Self.eventStreamHeaders,
            body: ResponseBody { writer in
                try await watch.guarding {
                    try await writer.write(ByteBuffer(string: "data: "))
                    try await Self.writeFiller(count: bytes, to: &writer, watch: watch)
                    try await writer.write(ByteBuffer(string: "\n\ndata: [DONE]\n\n"))
                }
                try await writer.finish(nil)
            }
        )
    }

    /// 200 `application/json`, chunked: `{"x":"aaa…"}`, `bytes` bytes in all (at least 8).
    static func oversizedJSON(bytes: Int, watch: ClientWatch) -> Response {
        let opening = #"{"x":""#
        let closing = #""}"#
        let fillerCount = max(0, bytes - opening.utf8.count - closing.utf8.count)
        return Response(
            status: .ok,
            headers: [.contentType: MockResponses.jsonContentType],
            body: ResponseBody { writer in
                try await watch.guarding {
                    try await writer.write(ByteBuffer(string: opening))
                    try await Self.writeFiller(count: fillerCount, to: &writer, watch: watch)
                    try await writer.write(ByteBuffer(string: closing))
                }
                try await writer.finish(nil)
            }
        )
    }

    /// 200 `audio/wav`, chunked: a WAV header announcing `bytes` bytes in all, then silence, up to
    /// `bytes` bytes (at least the header).
    static func oversizedAudio(bytes: Int, watch: ClientWatch) -> Response {
        let total = max(bytes, MockSpeech.wavHeaderSize)
        let header = MockSpeech.wavHeader(dataBytes: total - MockSpeech.wavHeaderSize)
        let silence = ByteBuffer(repeating: 0, count: Self.maxWriteSize)
        return Response(
            status: .ok,
            headers: [.contentType: "audio/wav"],
            body: ResponseBody { writer in
                try await watch.guarding {
                    try await writer.write(ByteBuffer(bytes: header))
                    var remaining = total - header.count
                    while remaining > 0 {
                        if watch.isAbandoned { throw ConnectionDroppedError() }
                        let size = min(remaining, Self.maxWriteSize)
                        try await writer.write(silence.getSlice(at: silence.readerIndex, length: size)!)
                        remaining -= size
                    }
                }
                try await writer.finish(nil)
            }
        )
    }

    /// 200 `text/event-stream`: `: keep-alive\n` and `\n` alternately, one every `interval`,
    /// until the response is abandoned.
    static func endlessComments(interval: Duration, watch: ClientWatch) -> Response {
        let interval = max(interval, Self.minimumInterval)
        let lines = [ByteBuffer(string: ": keep-alive\n"), ByteBuffer(string: "\n")]
        return Response(
            status: .ok,
            headers: Self.eventStreamHeaders,
            body: ResponseBody { writer in
                try await watch.guarding {
                    var index = 0
                    while true {
                        if watch.isAbandoned { throw ConnectionDroppedError() }
                        try await writer.write(lines[index])
                        index = 1 - index
                        try await watch.pause(interval)
                    }
                }
            }
        )
    }

    /// `status` (500 for a code that cannot carry a body), `application/json` without a
    /// length, and a JSON error body (OpenAI-shaped on the LLMaaS routes) written one byte per
    /// `interval`, over and over, until the response is abandoned.
    static func drip(status code: Int, interval: Duration, openAIShape: Bool, watch: ClientWatch) -> Response {
        let status = MockResponses.statusWithBody(code: code)
        let interval = max(interval, Self.minimumInterval)
        let json: JSONValue =
            openAIShape
            ? OpenAIErrors.json(status: status, message: Self.dripMessage)
            : ["message": .string(Self.dripMessage), "code": .int(status.code)]
        let body = ByteBuffer(string: json.serialized)
        return Response(
            status: status,
            headers: [.contentType: MockResponses.jsonContentType],
            body: ResponseBody { writer in
                try await watch.guarding {
                    var index = 0
                    while true {
                        if watch.isAbandoned { throw ConnectionDroppedError() }
                        try await writer.write(body.getSlice(at: body.readerIndex + index, length: 1)!)
                        index = (index + 1) % body.readableBytes
                        try await watch.pause(interval)
                    }
                }
            }
        )
    }

    /// Writes `count` bytes of `a` in writes of at most ``maxWriteSize``, checking before
    /// each write whether the response was abandoned.
    private static func writeFiller(count: Int, to writer: inout any ResponseBodyWriter, watch: ClientWatch) async throws {
        var remaining = max(0, count)
        while remaining > 0 {
            if watch.isAbandoned { throw ConnectionDroppedError() }
            let size = min(remaining, Self.maxWriteSize)
            try await writer.write(
                size == Self.maxWriteSize ? Self.filler : Self.filler.getSlice(at: Self.filler.readerIndex, length: size)!
            )
            remaining -= size
        }
    }
}
