import AIYouMockServer
import Foundation
import Testing

/// The exact bytes of the hostile chat answers on small instances, streamed and whole.
@Suite("Hostile chat faults", .timeLimit(TestTiming.limit(minutes: 1)))
struct HostileChatFaultTests {
    static let streamed = LLMaaS.chat("bonjour", stream: true)
    static let whole = LLMaaS.chat("bonjour")

    /// Sends the streamed request, then the whole one, each meeting `fault`.
    static func both(_ fault: MockFault, _ server: MockAIYouServer) async throws -> (stream: RawResponse, whole: RawResponse) {
        server.enqueueFaults([fault, fault], for: .llmaasChatCompletions)
        let http = TestHTTP(server)
        let stream = try await http.send(.POST, LLMaaS.chatPath, json: Self.streamed)
        let whole = try await http.send(.POST, LLMaaS.chatPath, json: Self.whole)
        #expect(stream.status == 200 && whole.status == 200)
        #expect(stream.header("Content-Type") == "text/event-stream")
        #expect(whole.header("Content-Type") == "application/json")
        #expect(stream.header("X-RateLimit-Limit-Requests") == "1000", "the quota headers of a successful answer")
        #expect(whole.header("Content-Length") == nil, "generated as written: chunked")
        return (stream, whole)
    }

    @Test("manyDeltas on LLMaaS: COUNT content chunks, the finish chunk, the usage chunk, [DONE]; whole: the text repeated")
    func manyDeltasLLMaaS() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.manyDeltas(count: 3, text: "a\"b"), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            #expect(envelope.model == "gpt-oss:120b")
            let piece = #""a\"b""#
            let expected =
                envelope.event(#"[{"index":0,"delta":{"role":"assistant","content":\#(piece)},"finish_reason":null}]"#)
                + String(repeating: envelope.event(#"[{"index":0,"delta":{"content":\#(piece)},"finish_reason":null}]"#), count: 2)
                + envelope.event(HostileEnvelope.finish("stop"))
                + envelope.event("[]", usage: HostileEnvelope.usage(3))
                + "data: [DONE]\n\n"
            #expect(stream.text == expected)

            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            #expect(wholeEnvelope.id != envelope.id)
            #expect(
                whole.text
                    == wholeEnvelope.answer(
                        #"[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"a\"ba\"ba\"b"}}]"#,
                        usage: HostileEnvelope.usage(3)
                    )
            )

            // The completions route too; a count of 0 is the closing chunks alone.
            server.enqueueFaults([.manyDeltas(count: 0, text: "x")], for: .llmaasCompletions)
            let empty = try await TestHTTP(server).send(.POST, "/v1/completions", json: Self.streamed)
            let emptyEnvelope = try HostileEnvelope(stream: empty.text)
            #expect(
                empty.text
                    == emptyEnvelope.event(HostileEnvelope.finish("stop")) + emptyEnvelope.event("[]", usage: HostileEnvelope.usage(0))
                    + "data: [DONE]\n\n"
            )
        }
    }

    @Test("manyDeltas on the AI.YOU chat route: its chunk shape and framing, primary and alternate")
    func manyDeltasAIYou() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let path = "/api/v1/chat/completions"
            server.enqueueFaults([.manyDeltas(count: 3, text: "ab"), .manyDeltas(count: 3, text: "ab")], for: .chatCompletions)
            let stream = try await http.send(.POST, path, json: TestHTTP.chatBody("bonjour", stream: true))
            #expect(stream.header("Content-Type") == "text/event-stream")
            let envelope = try HostileEnvelope(stream: stream.text, aiyou: true)
            #expect(envelope.model == "mock-model")
            let expected =
                envelope.event(#"[{"index":0,"delta":{"role":"assistant","content":"ab"},"finish_reason":null}]"#)
                + String(repeating: envelope.event(#"[{"index":0,"delta":{"content":"ab"},"finish_reason":null}]"#), count: 2)
                + envelope.event(HostileEnvelope.finish("stop"), usage: HostileEnvelope.usage(3))
                + "data: [DONE]\n\n"
            #expect(stream.text == expected)
            let whole = try await http.send(.POST, path, json: TestHTTP.chatBody("bonjour", extra: #","model":"m<1>""#))
            let wholeEnvelope = try HostileEnvelope(object: whole.object(), aiyou: true)
            #expect(wholeEnvelope.model == "m<1>")
            let choices = #"[{"index":0,"message":{"role":"assistant","content":"ababab","refusal":null},"finish_reason":"stop"}]"#
            #expect(whole.text == #"{"response":"# + wholeEnvelope.answer(choices, usage: HostileEnvelope.usage(3)) + "}")

            server.shape = .alternate
            server.enqueueFaults([.manyDeltas(count: 3, text: "ab"), .manyDeltas(count: 3, text: "ab")], for: .chatCompletions)
            let alternate = try await http.send(.POST, path, json: TestHTTP.chatBody("bonjour", stream: true))
            #expect(alternate.text.hasPrefix(": keep-alive\r\n\r\nevent: message\r\nid: 1\r\ndata: {\"id\":\""))
            #expect(!alternate.text.contains("[DONE]"))
            let events = try alternateEvents(alternate.text)
            #expect(events.map(\.id) == [1, 2, 3, 4])
            let contents = events.compactMap {
                (($0.json["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            }
            #expect(contents == ["ab", "ab", "ab"])
            #expect((events.last?.json["usage"] as? [String: Int])?["completion_tokens"] == 3)
            let alternateWhole = try await http.send(.POST, path, json: TestHTTP.chatBody("bonjour")).object()
            let message = try #require((alternateWhole["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
            #expect((message["content"] as? [[String: Any]])?.first?["text"] as? String == "ababab")
        }
    }

    @Test("toolCallStorm: each call's opening and arguments pieces, packed PER_CHUNK to a chunk; whole: every call")
    func toolCallStorm() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.toolCallStorm(calls: 3, perChunk: 4), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            func arguments(_ n: Int) -> String { #"{"index":\#(n),"function":{"arguments":"{\"city\":\"c\#(n)\"}"}}"# }
            let first = [HostileEnvelope.opening(0), arguments(0), HostileEnvelope.opening(1), arguments(1)].joined(separator: ",")
            let second = [HostileEnvelope.opening(2), arguments(2)].joined(separator: ",")
            let expected =
                envelope.event(#"[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[\#(first)]},"finish_reason":null}]"#)
                + envelope.event(#"[{"index":0,"delta":{"tool_calls":[\#(second)]},"finish_reason":null}]"#)
                + envelope.event(HostileEnvelope.finish("tool_calls")) + "data: [DONE]\n\n"
            #expect(stream.text == expected)

            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            let calls = (0..<3).map { HostileEnvelope.call($0, arguments: #""{\"city\":\"c\#($0)\"}""#) }
            #expect(whole.text == wholeEnvelope.answer(HostileEnvelope.toolCallChoices(calls), usage: HostileEnvelope.usage(3)))

            // A larger storm assembles into every call, in order.
            server.enqueueFaults([.toolCallStorm(calls: 1000, perChunk: 7)], for: .llmaasChatCompletions)
            let large = try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.streamed)
            let payloads = LLMaaS.dataPayloads(large.text)
            #expect(payloads.count == 286 + 2, "2,000 pieces 7 to a chunk, the finish chunk, [DONE]")
            var assembled: [Int: (id: String, arguments: String)] = [:]
            for payload in payloads.dropLast(2) {
                let delta = try #require((try LLMaaS.object(payload)["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                for piece in try #require(delta["tool_calls"] as? [[String: Any]]) {
                    let index = try #require(piece["index"] as? Int)
                    var call = assembled[index] ?? ("", "")
                    if let id = piece["id"] as? String { call.id = id }
                    call.arguments += ((piece["function"] as? [String: Any])?["arguments"] as? String) ?? ""
                    assembled[index] = call
                }
            }
            #expect(assembled.count == 1000)
            #expect((0..<1000).allSatisfy { assembled[$0]?.id == "call_\($0)" && assembled[$0]?.arguments == #"{"city":"c\#($0)"}"# })
        }
    }

    @Test("deepArguments as a string: an opening piece, then the text in 4 KiB fragments; whole: the escaped text")
    func deepArgumentsString() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.deepArguments(depth: 3, asObject: false), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            let escaped = #""{\"a\":{\"a\":{\"a\":1}}}""#
            let expected =
                envelope.event(HostileEnvelope.openingChoices()) + envelope.event(HostileEnvelope.fragment(escaped))
                + envelope.event(HostileEnvelope.finish("tool_calls")) + "data: [DONE]\n\n"
            #expect(stream.text == expected)
            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            #expect(
                whole.text
                    == wholeEnvelope.answer(
                        HostileEnvelope.toolCallChoices([HostileEnvelope.call(0, arguments: escaped)]),
                        usage: HostileEnvelope.usage(1)
                    )
            )

            // 2,000 deep: 12,001 bytes in fragments of 4,096.
            server.enqueueFaults([.deepArguments(depth: 2000, asObject: false)], for: .llmaasChatCompletions)
            let deep = try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.streamed)
            let fragments = try LLMaaS.dataPayloads(deep.text).dropFirst().dropLast(2).map { payload -> String in
                let delta = try #require((try LLMaaS.object(payload)["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                let piece = try #require((delta["tool_calls"] as? [[String: Any]])?.first)
                return try #require((piece["function"] as? [String: Any])?["arguments"] as? String)
            }
            #expect(fragments.map(\.utf8.count) == [4096, 4096, 3809])
            #expect(fragments.joined() == String(repeating: #"{"a":"#, count: 2000) + "1" + String(repeating: "}", count: 2000))
        }
    }

    @Test("deepArguments as an object: the raw object in the opening piece, and in the whole answer")
    func deepArgumentsObject() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.deepArguments(depth: 3, asObject: true), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            let object = #"{"a":{"a":{"a":1}}}"#
            let expected =
                envelope.event(HostileEnvelope.openingChoices(arguments: object)) + envelope.event(HostileEnvelope.finish("tool_calls"))
                + "data: [DONE]\n\n"
            #expect(stream.text == expected)
            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            #expect(
                whole.text
                    == wholeEnvelope.answer(
                        HostileEnvelope.toolCallChoices([HostileEnvelope.call(0, arguments: object)]),
                        usage: HostileEnvelope.usage(1)
                    )
            )

            // 100,000 deep, whole: the text is exact (no JSON parser here would survive reading it).
            server.enqueueFaults(
                [.deepArguments(depth: 100_000, asObject: true), .deepArguments(depth: 0, asObject: true)],
                for: .llmaasChatCompletions
            )
            let deep = try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.whole)
            let nested = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
            #expect(deep.text.contains(#""arguments":"# + nested + "}}]}}]"))
            // A depth below 1 is 1.
            #expect(try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.whole).text.contains(#""arguments":{"a":1}}"#))
        }
    }

    @Test("repeatedChoiceIndex: one chunk of TIMES choices all at index 0, each with a new call id; whole: TIMES choices")
    func repeatedChoiceIndex() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.repeatedChoiceIndex(times: 3), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            let entries = (0..<3).map {
                #"{"index":0,"delta":{"content":"x","tool_calls":[\#(HostileEnvelope.opening($0, index: 0, arguments: #""{}""#))]},"finish_reason":null}"#
            }
            #expect(stream.text == envelope.event("[" + entries.joined(separator: ",") + "]") + "data: [DONE]\n\n")
            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            let choices = (0..<3).map {
                #"{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"x","tool_calls":[\#(HostileEnvelope.call($0, arguments: #""{}""#))]}}"#
            }
            #expect(whole.text == wholeEnvelope.answer("[" + choices.joined(separator: ",") + "]", usage: HostileEnvelope.usage(3)))
        }
    }

    @Test("longToolArguments: PIECES + 2 fragments (open, each piece, close); whole: the joined arguments")
    func longToolArguments() async throws {
        try await MockAIYouServer.withRunning { server in
            let (stream, whole) = try await Self.both(.longToolArguments(pieces: 3, pieceText: "a\"b"), server)
            let envelope = try HostileEnvelope(stream: stream.text)
            let expected =
                envelope.event(HostileEnvelope.openingChoices(arguments: #""{\"q\":\"""#))
                + String(repeating: envelope.event(HostileEnvelope.fragment(#""a\"b""#)), count: 3)
                + envelope.event(HostileEnvelope.fragment(#""\"}""#)) + envelope.event(HostileEnvelope.finish("tool_calls"))
                + "data: [DONE]\n\n"
            #expect(stream.text == expected)
            let wholeEnvelope = try HostileEnvelope(object: whole.object())
            let call = HostileEnvelope.call(0, arguments: #""{\"q\":\"a\"ba\"ba\"b\"}""#)
            #expect(whole.text == wholeEnvelope.answer(HostileEnvelope.toolCallChoices([call]), usage: HostileEnvelope.usage(1)))
        }
    }

    @Test(
        "endlessEmptyChunks: the same empty chunk again and again, never a finish reason or [DONE]",
        arguments: [MockEmptyChunk.emptyChoices, .emptyDelta, .roleOnly]
    )
    func endlessEmptyChunks(kind: MockEmptyChunk) async throws {
        let choices =
            switch kind {
            case .emptyChoices: "[]"
            case .emptyDelta: #"[{"index":0,"delta":{},"finish_reason":null}]"#
            case .roleOnly: #"[{"index":0,"delta":{"role":"assistant"}}]"#
            }
        try await MockAIYouServer.withRunning { server in
            for (route, path, body, aiyou) in [
                (MockRoute.llmaasChatCompletions, LLMaaS.chatPath, Self.whole, false),
                (.chatCompletions, "/api/v1/chat/completions", TestHTTP.chatBody("bonjour", stream: true), true),
            ] {
                server.enqueueFaults([.endlessEmptyChunks(interval: .milliseconds(2), kind: kind)], for: route)
                let (head, text) = try await RawConnection.with(server) { connection in
                    try await connection.sendRequest("POST", path, json: body)
                    let head = try await connection.readHead()
                    let payload = try await connection.readPayload { LLMaaS.dataPayloads(String(decoding: $0, as: UTF8.self)).count >= 6 }
                    return (head, String(decoding: payload, as: UTF8.self))
                }
                #expect(head.status == 200)
                #expect(head.value("content-type") == "text/event-stream")
                let envelope = try HostileEnvelope(stream: text, aiyou: aiyou)
                let events = text.components(separatedBy: "\n\n").dropLast().map { $0 + "\n\n" }
                #expect(events.count >= 5)
                #expect(events.allSatisfy { $0 == envelope.event(choices) }, "\(events.first ?? "")")
                #expect(try await eventually(timeout: .seconds(5)) { server.openConnections == 0 })
            }

            // In the alternate shape: numbered events after the keep-alive comment.
            server.shape = .alternate
            server.enqueueFaults([.endlessEmptyChunks(interval: .zero, kind: kind)], for: .chatCompletions)
            let alternate = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("POST", "/api/v1/chat/completions", json: TestHTTP.chatBody("bonjour", stream: true))
                _ = try await connection.readHead()
                return String(decoding: try await connection.readPayload { $0.count >= 2000 }, as: UTF8.self)
            }
            #expect(alternate.hasPrefix(": keep-alive\r\n\r\nevent: message\r\nid: 1\r\n"))
            let events = try alternateEvents(String(alternate[..<alternate.range(of: "\r\n\r\n", options: .backwards)!.upperBound]))
            #expect(events.count >= 5)
            #expect(events.map(\.id) == Array(1...events.count))
            #expect(
                events.allSatisfy { event in
                    event.json["usage"] == nil
                        && ((event.json["choices"] as? [[String: Any]]) ?? []).allSatisfy { !($0["finish_reason"] is String) }
                }
            )
        }
    }

    @Test("the hostile chat faults authenticate, and leave the routes they do not apply to answering normally")
    func applicability() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.toolCallStorm(calls: 5, perChunk: 1), .manyDeltas(count: 2, text: "z")], for: .llmaasChatCompletions)
            let refused = try await http.send(.POST, LLMaaS.chatPath, json: Self.streamed, token: nil)
            #expect(refused.status == 401)
            #expect(try LLMaaS.error(refused)["code"] as? String == "invalid_api_key")
            // The first fault was used up by the refused request.
            #expect(try await http.send(.POST, LLMaaS.chatPath, json: Self.whole).text.contains(#""content":"zz""#))

            // The tool-call faults are LLMaaS-only: the AI.YOU chat answers normally.
            for fault in [
                MockFault.toolCallStorm(calls: 5, perChunk: 1), .deepArguments(depth: 9, asObject: false), .repeatedChoiceIndex(times: 4),
                .longToolArguments(pieces: 2, pieceText: "p"),
            ] {
                server.enqueueFaults([fault], for: .chatCompletions)
                let normal = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("bonjour"))
                #expect(normal.status == 200)
                #expect(((try normal.object()["response"] as? [String: Any])?["id"] as? String)?.hasPrefix("chatcmpl-mock-") == true)
                #expect(!normal.text.contains("call_"), "\(fault)")
            }
            // Off the chat routes: the normal answer.
            server.enqueueFaults(
                [.manyDeltas(count: 2, text: "z"), .endlessEmptyChunks(interval: .milliseconds(1), kind: .roleOnly)],
                for: .llmaasModels
            )
            #expect(try await http.send(.GET, "/v1/models").object()["object"] as? String == "list")
            #expect(try await http.send(.GET, "/v1/models").object()["object"] as? String == "list")
        }
    }

    @Test("no write of a large hostile answer carries more than 64 KiB")
    func writeSizes() async throws {
        try await MockAIYouServer.withRunning { server in
            for (fault, body) in [
                (MockFault.manyDeltas(count: 20_000, text: "ab"), Self.streamed),
                (.manyDeltas(count: 200_000, text: "abc"), Self.whole),
                (.longToolArguments(pieces: 1, pieceText: String(repeating: "p", count: 200_000)), Self.streamed),
                (.deepArguments(depth: 100_000, asObject: true), Self.streamed),
                (.repeatedChoiceIndex(times: 5000), Self.streamed),
            ] {
                server.enqueueFaults([fault], for: .llmaasChatCompletions)
                let (sizes, complete, payload) = try await RawConnection.with(server) { connection in
                    connection.keepLimit = 64 * 1024 * 1024
                    try await connection.sendRequest("POST", LLMaaS.chatPath, json: body)
                    _ = try await connection.readHead()
                    let payload = try await connection.readPayload { _ in false }
                    return (connection.chunkSizes, connection.chunkedPayload.complete, payload.count)
                }
                #expect(complete, "\(fault)")
                #expect(sizes.count > 5, "\(fault)")
                #expect(sizes.allSatisfy { $0 <= 64 * 1024 }, "\(fault): \(sizes.max() ?? 0)")
                #expect(sizes.reduce(0, +) == payload)
            }
        }
    }
}
