import Hummingbird

/// The answers of the hostile chat faults (``HostileChatFault``), streamed when the request's
/// body has `"stream": true`, whole otherwise, in the envelope of ``HostileChatFrame``. Every
/// body is a ``LazyBody``: generated as it is written, whatever its size.
struct HostileChatAnswers: Sendable {
    /// The bytes of the arguments text in one streamed fragment of
    /// ``MockFault/deepArguments(depth:asObject:)``.
    static let deepFragmentBytes = 4096
    /// The name of every tool the hostile answers call.
    static let toolName = "get_weather"

    let state: MockServerState
    let frame: HostileChatFrame
    let stream: Bool
    let watch: ClientWatch

    init(state: MockServerState, route: MockRoute, body: JSONValue?, shape: MockResponseShape, watch: ClientWatch) {
        self.state = state
        self.frame = HostileChatFrame(route: route, body: body, state: state, shape: shape)
        self.stream = body?["stream"]?.boolValue == true
        self.watch = watch
    }

    /// The answer to play for `fault`.
    func response(_ fault: HostileChatFault) -> Response {
        switch fault {
        case .endlessEmptyChunks(let interval, let kind):
            return self.endlessEmptyChunks(interval: interval, kind: kind)
        case .manyDeltas(let count, let text):
            return self.respond(
                self.stream
                    ? self.manyDeltasStream(count: max(0, count), text: text) : self.manyDeltasWhole(count: max(0, count), text: text)
            )
        case .toolCallStorm(let calls, let perChunk):
            let calls = min(max(0, calls), Int.max / 2)
            let perChunk = max(1, perChunk)
            return self.respond(self.stream ? self.stormStream(calls: calls, perChunk: perChunk) : self.stormWhole(calls: calls))
        case .deepArguments(let depth, let asObject):
            let depth = min(max(1, depth), Int.max / 8)
            return self.respond(
                self.stream ? self.deepStream(depth: depth, asObject: asObject) : self.deepWhole(depth: depth, asObject: asObject)
            )
        case .repeatedChoiceIndex(let times):
            return self.respond(
                self.stream ? self.repeatedIndexStream(times: max(0, times)) : self.repeatedIndexWhole(times: max(0, times))
            )
        case .longToolArguments(let pieces, let pieceText):
            let pieces = max(0, pieces)
            return self.respond(
                self.stream
                    ? self.longArgumentsStream(pieces: pieces, piece: pieceText) : self.longArgumentsWhole(pieces: pieces, piece: pieceText)
            )
        }
    }

    // MARK: - Many deltas

    private func manyDeltasStream(count: Int, text: String) -> LazyBody {
        let frame = self.frame
        let piece = JSONValue.string(text).serialized
        let following = #"[{"index":0,"delta":{"content":\#(piece)},"finish_reason":null}]"#
        var body = self.openStream()
        if count > 0 {
            body.append(
                frame.event(choices: #"[{"index":0,"delta":{"role":"assistant","content":\#(piece)},"finish_reason":null}]"#, number: 1)
            )
            if frame.prelude != nil {
                // The alternate framing numbers its events: each is made as it is written.
                body.append(count: count - 1) { frame.event(choices: following, number: $0 + 2) }
            } else {
                body.append(frame.event(choices: following, number: 0), times: count - 1)
            }
        }
        let usage = HostileChatFrame.usage(completionTokens: count)
        let number = count == Int.max ? count : count + 1
        if frame.aiyouShape != nil {
            body.append(frame.event(choices: Self.finishChoices("stop"), usage: usage, number: number))
        } else {
            body.append(frame.event(choices: Self.finishChoices("stop"), number: number))
            body.append(frame.event(choices: "[]", usage: usage, number: number))
        }
        return self.closeStream(body)
    }

    private func manyDeltasWhole(count: Int, text: String) -> LazyBody {
        let escaped = Self.escaped(text)
        var body = LazyBody()
        body.append(self.frame.answerStart)
        switch self.frame.aiyouShape {
        case nil:
            body.append(#"[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":""#)
            body.append(escaped, times: count)
            body.append(#""}}]"#)
        case .primary?:
            body.append(#"[{"index":0,"message":{"role":"assistant","content":""#)
            body.append(escaped, times: count)
            body.append(#"","refusal":null},"finish_reason":"stop"}]"#)
        case .alternate?:
            body.append(#"[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":""#)
            body.append(escaped, times: count)
            body.append(#""}],"refusal":null},"finish_reason":"stop"}]"#)
        }
        body.append(self.frame.answerEnd(usage: HostileChatFrame.usage(completionTokens: count)))
        return body
    }

    // MARK: - Tool-call storm

    /// The arguments of call `n` of the storm, as JSON text.
    static func stormArguments(_ n: Int) -> String { #"{"city":"c\#(n)"}"# }

    private func stormStream(calls: Int, perChunk: Int) -> LazyBody {
        let frame = self.frame
        let pieceCount = calls * 2
        let chunkCount = pieceCount / perChunk + (pieceCount % perChunk == 0 ? 0 : 1)
        var body = self.openStream()
        body.append(count: chunkCount) { chunk in
            let start = chunk * perChunk
            let end = start + min(perChunk, pieceCount - start)
            var pieces: [String] = []
            pieces.reserveCapacity(end - start)
            for piece in start..<end {
                let call = piece / 2
                pieces.append(
                    piece % 2 == 0
                        ? Self.openingPiece(call: call, arguments: #""""#)
                        : #"{"index":\#(call),"function":{"arguments":\#(JSONValue.string(Self.stormArguments(call)).serialized)}}"#
                )
            }
            let role = chunk == 0 ? #""role":"assistant","content":null,"# : ""
            let choices = #"[{"index":0,"delta":{\#(role)"tool_calls":[\#(pieces.joined(separator: ","))]},"finish_reason":null}]"#
            return frame.event(choices: choices, number: chunk + 1)
        }
        body.append(frame.event(choices: Self.finishChoices("tool_calls"), number: chunkCount + 1))
        return self.closeStream(body)
    }

    private func stormWhole(calls: Int) -> LazyBody {
        var body = LazyBody()
        body.append(self.frame.answerStart)
        body.append(Self.toolCallsMessageStart)
        body.append(count: calls) { n in
            (n > 0 ? "," : "") + Self.wholeCall(id: n, arguments: JSONValue.string(Self.stormArguments(n)).serialized)
        }
        body.append("]}}]")
        body.append(self.frame.answerEnd(usage: HostileChatFrame.usage(completionTokens: calls)))
        return body
    }

    // MARK: - Deep arguments

    private func deepStream(depth: Int, asObject: Bool) -> LazyBody {
        let frame = self.frame
        var body = self.openStream()
        if asObject {
            body.append(frame.eventStart)
            body.append(
                #"[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"\#(Self.toolName)","arguments":"#
            )
            Self.appendDeepObject(depth: depth, escaped: false, to: &body)
            body.append(#"}}]},"finish_reason":null}]"#)
            body.append(frame.eventEnd)
            body.append(frame.event(choices: Self.finishChoices("tool_calls"), number: 2))
            return self.closeStream(body)
        }
        body.append(frame.event(choices: Self.openingChoices(arguments: #""""#), number: 1))
        let length = 6 * depth + 1
        let fragments = length / Self.deepFragmentBytes + (length % Self.deepFragmentBytes == 0 ? 0 : 1)
        body.append(count: fragments) { fragment in
            let start = fragment * Self.deepFragmentBytes
            let text = Self.deepText(depth: depth, from: start, count: min(Self.deepFragmentBytes, length - start))
            return frame.event(choices: Self.argumentsChoices(JSONValue.string(text).serialized), number: fragment + 2)
        }
        body.append(frame.event(choices: Self.finishChoices("tool_calls"), number: fragments + 2))
        return self.closeStream(body)
    }

    private func deepWhole(depth: Int, asObject: Bool) -> LazyBody {
        var body = LazyBody()
        body.append(self.frame.answerStart)
        body.append(Self.toolCallsMessageStart)
        body.append(#"{"id":"call_0","type":"function","function":{"name":"\#(Self.toolName)","arguments":"#)
        if asObject {
            Self.appendDeepObject(depth: depth, escaped: false, to: &body)
        } else {
            body.append("\"")
            Self.appendDeepObject(depth: depth, escaped: true, to: &body)
            body.append("\"")
        }
        body.append("}}]}}]")
        body.append(self.frame.answerEnd(usage: HostileChatFrame.usage(completionTokens: 1)))
        return body
    }

    /// `{"a":` `depth` times, `1`, `}` `depth` times; with `escaped`, as the content of a JSON
    /// string (quotes escaped).
    private static func appendDeepObject(depth: Int, escaped: Bool, to body: inout LazyBody) {
        body.append(escaped ? #"{\"a\":"# : #"{"a":"#, times: depth)
        body.append("1")
        body.append("}", times: depth)
    }

    /// `count` bytes of the deep arguments text from byte `start` (the text is ASCII).
    private static func deepText(depth: Int, from start: Int, count: Int) -> String {
        let opening = Array(#"{"a":"#.utf8)
        let openingLength = opening.count * depth
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for position in start..<(start + count) {
            if position < openingLength {
                bytes.append(opening[position % opening.count])
            } else if position == openingLength {
                bytes.append(UInt8(ascii: "1"))
            } else {
                bytes.append(UInt8(ascii: "}"))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Repeated choice index

    private func repeatedIndexStream(times: Int) -> LazyBody {
        var body = self.openStream()
        body.append(self.frame.eventStart)
        body.append("[")
        body.append(count: times) { n in
            (n > 0 ? "," : "")
                + #"{"index":0,"delta":{"content":"x","tool_calls":[\#(Self.openingPiece(call: n, index: 0, arguments: #""{}""#))]},"finish_reason":null}"#
        }
        body.append("]")
        body.append(self.frame.eventEnd)
        return self.closeStream(body)
    }

    private func repeatedIndexWhole(times: Int) -> LazyBody {
        var body = LazyBody()
        body.append(self.frame.answerStart)
        body.append("[")
        body.append(count: times) { n in
            (n > 0 ? "," : "")
                + #"{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"x","tool_calls":[\#(Self.wholeCall(id: n, arguments: #""{}""#))]}}"#
        }
        body.append("]")
        body.append(self.frame.answerEnd(usage: HostileChatFrame.usage(completionTokens: times)))
        return body
    }

    // MARK: - Long tool arguments

    private func longArgumentsStream(pieces: Int, piece: String) -> LazyBody {
        let frame = self.frame
        var body = self.openStream()
        body.append(frame.event(choices: Self.openingChoices(arguments: JSONValue.string(#"{"q":""#).serialized), number: 1))
        body.append(frame.event(choices: Self.argumentsChoices(JSONValue.string(piece).serialized), number: 0), times: pieces)
        let number = pieces >= Int.max - 2 ? Int.max : pieces + 2
        body.append(frame.event(choices: Self.argumentsChoices(JSONValue.string(#""}"#).serialized), number: number))
        body.append(frame.event(choices: Self.finishChoices("tool_calls"), number: number))
        return self.closeStream(body)
    }

    private func longArgumentsWhole(pieces: Int, piece: String) -> LazyBody {
        var body = LazyBody()
        body.append(self.frame.answerStart)
        body.append(Self.toolCallsMessageStart)
        body.append(#"{"id":"call_0","type":"function","function":{"name":"\#(Self.toolName)","arguments":"{\"q\":\""#)
        body.append(Self.escaped(piece), times: pieces)
        body.append(#"\"}"}}]}}]"#)
        body.append(self.frame.answerEnd(usage: HostileChatFrame.usage(completionTokens: 1)))
        return body
    }

    // MARK: - Endless empty chunks

    private func endlessEmptyChunks(interval: Duration, kind: MockEmptyChunk) -> Response {
        let interval = max(interval, HostileBodies.minimumInterval)
        let choices =
            switch kind {
            case .emptyChoices: "[]"
            case .emptyDelta: #"[{"index":0,"delta":{},"finish_reason":null}]"#
            case .roleOnly: #"[{"index":0,"delta":{"role":"assistant"}}]"#
            }
        let frame = self.frame
        let watch = self.watch
        return self.streamResponse(
            ResponseBody { writer in
                try await watch.guarding {
                    if let prelude = frame.prelude {
                        try await writer.write(ByteBuffer(string: prelude))
                    }
                    var number = 1
                    while true {
                        if watch.isAbandoned { throw ConnectionDroppedError() }
                        try await writer.write(ByteBuffer(string: frame.event(choices: choices, number: number)))
                        number = number == Int.max ? 1 : number + 1
                        try await watch.pause(interval)
                    }
                }
            }
        )
    }

    // MARK: - Pieces

    /// `[{"index":0,"delta":{},"finish_reason":R}]`.
    private static func finishChoices(_ reason: String) -> String {
        #"[{"index":0,"delta":{},"finish_reason":"\#(reason)"}]"#
    }

    /// The choices of the opening chunk of a one-call answer whose first arguments fragment is
    /// the JSON string `arguments`.
    private static func openingChoices(arguments: String) -> String {
        #"[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[\#(Self.openingPiece(call: 0, arguments: arguments))]},"finish_reason":null}]"#
    }

    /// The choices of a chunk carrying one arguments fragment (the JSON string `fragment`) of call 0.
    private static func argumentsChoices(_ fragment: String) -> String {
        #"[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":\#(fragment)}}]},"finish_reason":null}]"#
    }

    /// The streamed opening piece of call `call` (`call_<call>`), at tool index `index`
    /// (the call's number when not given), with `arguments` (JSON text).
    private static func openingPiece(call: Int, index: Int? = nil, arguments: String) -> String {
        #"{"index":\#(index ?? call),"id":"call_\#(call)","type":"function","function":{"name":"\#(Self.toolName)","arguments":\#(arguments)}}"#
    }

    /// A call of a whole answer, `call_<id>`, with `arguments` (JSON text).
    private static func wholeCall(id: Int, arguments: String) -> String {
        #"{"id":"call_\#(id)","type":"function","function":{"name":"\#(Self.toolName)","arguments":\#(arguments)}}"#
    }

    /// The whole answer's single choice up to its `tool_calls` array's first element.
    private static let toolCallsMessageStart =
        #"[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":["#

    /// `text` escaped as the content of a JSON string, without the quotes.
    static func escaped(_ text: String) -> String {
        let quoted = JSONValue.string(text).serialized
        return String(quoted.dropFirst().dropLast())
    }

    // MARK: - Responses

    /// A body with the stream's prelude, if any.
    private func openStream() -> LazyBody {
        var body = LazyBody()
        if let prelude = self.frame.prelude { body.append(prelude) }
        return body
    }

    /// `body` with the stream's terminator, if any.
    private func closeStream(_ body: LazyBody) -> LazyBody {
        var body = body
        if let terminator = self.frame.terminator { body.append(terminator) }
        return body
    }

    private func respond(_ body: LazyBody) -> Response {
        let watch = self.watch
        let responseBody = ResponseBody { writer in
            try await body.write(to: &writer, watch: watch)
        }
        return self.stream ? self.streamResponse(responseBody) : self.wholeResponse(responseBody)
    }

    private func streamResponse(_ body: ResponseBody) -> Response {
        if self.frame.aiyouShape == nil {
            return LLMaaSResponses.eventStream(quota: self.state.llmaasQuota, body: body)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    private func wholeResponse(_ body: ResponseBody) -> Response {
        if self.frame.aiyouShape == nil {
            return LLMaaSResponses.json(quota: self.state.llmaasQuota, body: body)
        }
        return Response(status: .ok, headers: [.contentType: MockResponses.jsonContentType], body: body)
    }
}
