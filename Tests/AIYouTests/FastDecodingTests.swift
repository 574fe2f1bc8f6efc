import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The specialised chunk decoder against `JSONDecoder`: on every input, generated or mutated,
/// both give the same chunk or both fail.
@Suite("Fast chunk decoding agrees with JSONDecoder")
struct FastDecodingTests {
    /// What `JSONDecoder` makes of `text`: the chunk, or `nil` when it throws.
    static func reference(_ text: [UInt8]) -> ChatCompletionChunk? {
        try? JSONDecoder().decode(ChatCompletionChunk.self, from: Data(text))
    }

    struct Outcome {
        var compared = 0
        var fastPath = 0
        var bothFailed = 0
        var mismatches: [String] = []
    }

    /// Decodes every input with one decoder (so the id/model reuse is exercised across inputs).
    static func compare(_ inputs: [[UInt8]]) async -> Outcome {
        var decoder = ChatCompletionChunkDecoder()
        return await differential(
            inputs,
            reference: reference,
            fast: { input in input.withUnsafeBytes { decoder.decodeCommonShape($0) } },
            full: { input in try? input.withUnsafeBytes { try decoder.decode($0) } }
        )
    }

    /// Runs `fast` (the fast path alone, `nil` for a fallback) and `full` (what the client runs:
    /// fast path or `JSONDecoder`) on every input, against `reference` (`JSONDecoder`).
    static func differential<Value: Equatable>(
        _ inputs: [[UInt8]],
        reference: ([UInt8]) -> Value?,
        fast: ([UInt8]) -> Value?,
        full: ([UInt8]) -> Value?
    ) async -> Outcome {
        var outcome = Outcome()
        for input in inputs {
            outcome.compared += 1
            // Let the timing-sensitive tests running alongside have the cooperative threads too.
            if outcome.compared % 200 == 0 { await Task.yield() }
            let expected = reference(input)
            let fastValue = fast(input)
            let fullValue = full(input)
            if fastValue != nil { outcome.fastPath += 1 }
            if expected == nil, fullValue == nil { outcome.bothFailed += 1 }
            if (fastValue != nil && fastValue != expected) || fullValue != expected, outcome.mismatches.count < 5 {
                outcome.mismatches.append(
                    "\(String(decoding: input, as: UTF8.self))\n  JSONDecoder: \(String(describing: expected))\n  fast: \(String(describing: fastValue))\n  decode: \(String(describing: fullValue))"
                )
            }
        }
        return outcome
    }

    @Test("3,000 generated chunks decode identically, most on the fast path")
    func generated() async {
        var random = SeededGenerator(seed: 0xC0FFEE)
        let inputs = (0..<3_000).map { _ in Array(ChunkGenerator.chunk(&random).utf8) }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        // The generator mixes in shapes the fast path leaves to JSONDecoder; most are common ones.
        #expect(outcome.fastPath > 1_000, "fast path taken \(outcome.fastPath) times of \(outcome.compared)")
        #expect(outcome.fastPath < outcome.compared, "the fallback was never exercised")
    }

    @Test("6,000 mutated chunks (bytes deleted, inserted, replaced, cut, keys doubled) agree, errors included")
    func mutated() async {
        var random = SeededGenerator(seed: 0xBADF00D)
        var inputs: [[UInt8]] = []
        for _ in 0..<6_000 {
            let text = Array(ChunkGenerator.chunk(&random, commonOnly: true).utf8)
            inputs.append(ChunkGenerator.mutate(text, &random))
        }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.bothFailed > 1_000, "only \(outcome.bothFailed) mutations were invalid: the mutator is too gentle")
        #expect(outcome.fastPath > 500, "fast path taken \(outcome.fastPath) times")
    }

    @Test("Known edge cases: escapes, surrogates, numbers, nulls, duplicates, trailing bytes")
    func edgeCases() async {
        let cases = [
            #"{"choices":[{"delta":{"content":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}}]}"#,
            #"{"choices":[{"delta":{"content":"\ud83d"}}]}"#,  // lone surrogate
            #"{"choices":[{"delta":{"content":"\udc00\ud83d"}}]}"#,
            #"{"choices":[{"delta":{"content":"\u0000"}}]}"#,
            "{\"choices\":[],\"id\":\"\n 42}",  // a string cut by a raw line break is not the number after it
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"a":1}}}]}}]}"#,
            #"{"choices":[{"delta":{"tool_calls":[{"index":"1","function":null}]}}]}"#,
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"index":1}]}}]}"#,
            #"{"choices":[],"created":1700000000}"#,
            #"{"choices":[],"created":1700000000000}"#,
            #"{"choices":[],"created":-0}"#,
            #"{"choices":[],"created":01}"#,
            #"{"choices":[],"created":1.5}"#,
            #"{"choices":[],"created":1e3}"#,
            #"{"choices":[],"created":"2024-05-01T10:00:00Z"}"#,
            #"{"choices":[],"id":12345678901234567890}"#,
            #"{"choices":[],"id":-7}"#,
            #"{"choices":[],"id":true}"#,
            #"{"choices":[{"index":"2","delta":{}}]}"#,
            #"{"choices":[{"index":null,"delta":null,"finish_reason":null}]}"#,
            #"{"choices":[{"message":{"content":"m"}}]}"#,
            #"{"choices":[{"delta":{"content":[{"type":"text","text":"a"}]}}]}"#,
            #"{"choices":null}"#,
            #"{"choices":[1,{"delta":{"content":"x"}}]}"#,
            #"{"usage":{"prompt_tokens":3}}"#,
            #"{"usage":{"prompt_tokens":3,"completion_tokens":"4"}}"#,
            #"{"usage":null}"#,
            #"{"id":"a"}"#,
            #"{}"#,
            #"[]"#,
            #"{"choices":[]} x"#,
            #"{"choices":[],}"#,
            #"{"choices":[],"id":"a","id":"b"}"#,
            #"{"choices":[],"x":1,"x":2}"#,
            #"{"choices":[],"x":[1,2.5,-3,{"y":[true,false,null]}]}"#,
            #"{"choices":[],"x":1.}"#,
            #"{"choices":[],"x":-}"#,
            #"{"choices":[],"x":tru}"#,
            #"{"choices":[],"\u0069d":"escaped key"}"#,
            " \t\r\n{ \"choices\" : [ { \"delta\" : { \"content\" : \"spaced\" } } ] } \n",
            "{\"choices\":[{\"delta\":{\"content\":\"raw\u{1}control\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"caf\u{e9} \u{1F600}\"}}]}",
        ]
        var inputs = cases.map { Array($0.utf8) }
        inputs.append(Array(#"{"choices":[{"delta":{"content":""#.utf8) + [0xC3, 0x28] + Array(#""}}]}"#.utf8))  // invalid UTF-8
        inputs.append(Array(#"{"choices":[{"delta":{"content":""#.utf8) + [0xF0, 0x9F, 0x98] + Array(#""}}]}"#.utf8))  // cut 4-byte
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
    }

    @Test("The common stream chunk takes the fast path and shares the repeated id and model")
    func commonChunkSharesStrings() throws {
        var decoder = ChatCompletionChunkDecoder()
        let text =
            #"{"id":"chatcmpl-7f3a9c2e41d84b","object":"chat.completion.chunk","created":1732540000,"model":"mistral-large-2411-instruct","choices":[{"index":0,"delta":{"content":" bonjour"},"finish_reason":null}]}"#
        let first = try #require(Array(text.utf8).withUnsafeBytes { decoder.decodeCommonShape($0) })
        let second = try #require(Array(text.utf8).withUnsafeBytes { decoder.decodeCommonShape($0) })
        #expect(first == Self.reference(Array(text.utf8)))
        #expect(second.text == " bonjour")
        #expect(second.id == "chatcmpl-7f3a9c2e41d84b")
        #expect(second.model == "mistral-large-2411-instruct")
    }
}

/// The specialised completion decoder against `JSONDecoder`, in both shapes.
@Suite("Fast completion decoding agrees with JSONDecoder")
struct FastCompletionDecodingTests {
    static func compare(_ inputs: [[UInt8]]) async -> FastDecodingTests.Outcome {
        let reference = { (input: [UInt8]) in try? JSONDecoder().decode(ChatCompletion.self, from: Data(input)) }
        let fast = { (input: [UInt8]) in input.withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) } }
        // What the pipeline runs: the fast path, else JSONDecoder.
        return await FastDecodingTests.differential(inputs, reference: reference, fast: fast, full: { fast($0) ?? reference($0) })
    }

    @Test("3,000 generated completions, wrapped and bare, decode identically")
    func generated() async {
        var random = SeededGenerator(seed: 0xFACADE)
        let inputs = (0..<3_000).map { _ in Array(CompletionGenerator.completion(&random).utf8) }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.fastPath > 1_000, "fast path taken \(outcome.fastPath) times of \(outcome.compared)")
        #expect(outcome.fastPath < outcome.compared, "the fallback was never exercised")
    }

    @Test("6,000 mutated completions agree; what the fast path accepts, JSONDecoder accepts identically")
    func mutated() async {
        var random = SeededGenerator(seed: 0x5EED5)
        let inputs = (0..<6_000).map { _ in
            ChunkGenerator.mutate(Array(CompletionGenerator.completion(&random, commonOnly: true).utf8), &random)
        }
        let outcome = await Self.compare(inputs)
        #expect(outcome.mismatches.isEmpty, "\(outcome.mismatches.joined(separator: "\n"))")
        #expect(outcome.bothFailed > 1_000, "only \(outcome.bothFailed) mutations were invalid")
        #expect(outcome.fastPath > 500)
    }

    @Test("The embedded server's completions, in both shapes, take the fast path and decode as JSONDecoder does")
    func serverShapes() async throws {
        try await withHTTPClient { http in try await Self.serverShapes(http) }
    }

    private static func serverShapes(_ http: HTTPClient) async throws {
        for shape in MockResponseShape.allCases {
            try await MockAIYouServer.withRunning(configuration: .init(shape: shape)) { server in
                var request = HTTPClientRequest(url: server.baseURL + "/api/v1/chat/completions")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(
                    ByteBuffer(
                        string:
                            #"{"messages":[{"role":"user","content":[{"type":"text","text":"Bonjour"}]}],"assistantId":"602","stream":false}"#
                    )
                )
                let response = try await http.execute(request, timeout: .seconds(10))
                let body = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
                let fast = body.withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) }
                #expect(fast != nil, "shape \(shape) fell back to JSONDecoder")
                #expect(fast == (try JSONDecoder().decode(ChatCompletion.self, from: Data(body))))
                #expect(fast?.text.contains("Bonjour") == true)
            }
        }
    }
}

/// Random completions: wrapped or bare, string or null content, extra fields; `commonOnly: false`
/// mixes in content parts, `message` missing, dates as text.
enum CompletionGenerator {
    /// Text parts as the alternate shape sends them, with the odd image and unknown field.
    static func parts(_ random: inout SeededGenerator) -> String {
        let parts = (0..<Int.random(in: 0...3, using: &random)).map { _ -> String in
            var members: [(String, String)] = [("text", ChunkGenerator.string(&random))]
            if Int.random(in: 0..<5, using: &random) > 0 {
                members.append(("type", ChunkGenerator.pick(["\"text\"", "\"image\"", "\"image_url\"", "null"], &random)))
            }
            if Int.random(in: 0..<6, using: &random) == 0 { members.append(("cache", ChunkGenerator.anyValue(&random))) }
            return ChunkGenerator.object(members, &random)
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    static func completion(_ random: inout SeededGenerator, commonOnly: Bool = false) -> String {
        let odd = !commonOnly && Int.random(in: 0..<4, using: &random) == 0
        var members: [(String, String)] = []
        func maybe(_ key: String, _ values: [String]) {
            if Int.random(in: 0..<5, using: &random) > 0 { members.append((key, ChunkGenerator.pick(values, &random))) }
        }
        maybe("id", ["\"chatcmpl-abc\"", "null", "17"])
        maybe("object", ["\"chat.completion\"", "null"])
        maybe("model", ["\"mistral-small-24b\"", "null"])
        maybe("created", odd ? ["\"2024-05-01T10:00:00Z\"", "1.5"] : ["1795620488", "1795620488123", "null"])
        if Int.random(in: 0..<3, using: &random) == 0 { members.append(("system_fingerprint", ChunkGenerator.anyValue(&random))) }
        let choices = (0..<Int.random(in: 0...2, using: &random)).map { index -> String in
            var message: [(String, String)] = []
            if Int.random(in: 0..<4, using: &random) > 0 {
                message.append(("role", ChunkGenerator.pick(["\"assistant\"", "null", "\"tool\""], &random)))
            }
            if Int.random(in: 0..<6, using: &random) > 0 {
                message.append(
                    (
                        "content",
                        odd
                            ? ChunkGenerator.pick(
                                [#"[{"type":"image_url","image_url":{"url":"u"}}]"#, "3", #"[{"type":"text"}]"#],
                                &random
                            )
                            : ChunkGenerator.pick(
                                ["null", ChunkGenerator.string(&random), ChunkGenerator.string(&random), Self.parts(&random)],
                                &random
                            )
                    )
                )
            }
            if Int.random(in: 0..<3, using: &random) == 0 { message.append(("refusal", ChunkGenerator.pick(["null", "\"no\""], &random))) }
            switch Int.random(in: 0..<8, using: &random) {
            case 0: message.append(("tool_calls", ChunkGenerator.anyValue(&random)))
            case 1, 2: message.append(("tool_calls", ChunkGenerator.toolCalls(&random, pieces: false, odd: odd)))
            default: break
            }
            var choice: [(String, String)] = []
            if Int.random(in: 0..<5, using: &random) > 0 { choice.append(("index", String(index))) }
            if !odd || Int.random(in: 0..<3, using: &random) > 0 { choice.append(("message", ChunkGenerator.object(message, &random))) }
            if Int.random(in: 0..<2, using: &random) == 0 {
                choice.append(("finish_reason", ChunkGenerator.pick(["null", "\"stop\""], &random)))
            }
            if Int.random(in: 0..<5, using: &random) == 0 { choice.append(("logprobs", "null")) }
            return ChunkGenerator.object(choice, &random)
        }
        if Int.random(in: 0..<12, using: &random) > 0 { members.append(("choices", "[" + choices.joined(separator: ",") + "]")) }
        if Int.random(in: 0..<3, using: &random) == 0 {
            members.append(("usage", #"{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"#))
        }
        let bare = ChunkGenerator.object(members, &random)
        guard Int.random(in: 0..<2, using: &random) == 0 else { return bare }
        var outer: [(String, String)] = [("response", bare)]
        if Int.random(in: 0..<3, using: &random) == 0 { outer.append(("status", "\"ok\"")) }
        return ChunkGenerator.object(outer, &random)
    }
}

/// Random chunk texts covering the fields, types and layouts the service (and servers like it) send.
enum ChunkGenerator {
    static let words = [
        "", " ", "Bonjour", " ça va", " 😀", "\\n", "\\\"quoted\\\"", "\\\\", "\\/", "\\u00e9t\\u00e9", "\\ud83d\\ude00", "tab\\t",
        "日本語", " x", "\\u0041", "long text that goes well past fifteen bytes", "\\b\\f\\r",
    ]

    static func pick<T>(_ values: [T], _ random: inout SeededGenerator) -> T {
        values[Int.random(in: 0..<values.count, using: &random)]
    }

    /// `tool_calls` as servers send them: whole calls in a message, pieces (with `index`) in a
    /// delta; `odd` adds the variants left to JSONDecoder (arguments as an object, odd types).
    static func toolCalls(_ random: inout SeededGenerator, pieces: Bool, odd: Bool) -> String {
        let calls = (0..<Int.random(in: 0...2, using: &random)).map { index -> String in
            var function: [(String, String)] = []
            if Int.random(in: 0..<4, using: &random) > 0 {
                function.append(("name", pick(["\"get_weather\"", "\"f\"", "null", "7"], &random)))
            }
            if Int.random(in: 0..<4, using: &random) > 0 {
                let arguments =
                    odd
                    ? [#"{"city":"Lyon"}"#, "[1]", "true", "null"] : [#""{\"city\":""#, #""\"Lyon\"}""#, #""""#, "null", string(&random)]
                function.append(("arguments", pick(arguments, &random)))
            }
            if Int.random(in: 0..<6, using: &random) == 0 { function.append(("extra", anyValue(&random))) }
            var call: [(String, String)] = []
            if pieces || Int.random(in: 0..<6, using: &random) == 0 {
                call.append(("index", odd ? pick(["\"1\"", "1.0", "null", "-3"], &random) : String(index)))
            }
            if Int.random(in: 0..<2, using: &random) == 0 {
                call.append(("id", pick(["\"call_a1\"", "\"call_b2\"", "null", "12"], &random)))
            }
            if Int.random(in: 0..<2, using: &random) == 0 { call.append(("type", pick(["\"function\"", "null"], &random))) }
            if Int.random(in: 0..<6, using: &random) > 0 {
                call.append(
                    (
                        "function",
                        odd && Int.random(in: 0..<3, using: &random) == 0
                            ? pick(["null", "\"f\"", "[]"], &random) : object(function, &random)
                    )
                )
            }
            return object(call, &random)
        }
        return odd && Int.random(in: 0..<4, using: &random) == 0 ? "null" : "[" + calls.joined(separator: ",") + "]"
    }

    static func space(_ random: inout SeededGenerator) -> String {
        pick(["", "", "", " ", "\n", " \t", "\r\n "], &random)
    }

    static func string(_ random: inout SeededGenerator) -> String {
        "\"" + (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(words, &random) }.joined() + "\""
    }

    static func object(_ members: [(String, String)], _ random: inout SeededGenerator) -> String {
        let body = members.shuffled(using: &random).map { key, value in
            space(&random) + "\"\(key)\"" + space(&random) + ":" + space(&random) + value + space(&random)
        }
        return "{" + body.joined(separator: ",") + space(&random) + "}"
    }

    /// One value for an unknown key: anything JSON allows.
    static func anyValue(_ random: inout SeededGenerator, depth: Int = 0) -> String {
        switch Int.random(in: 0..<(depth > 2 ? 6 : 8), using: &random) {
        case 0: return string(&random)
        case 1: return pick(["0", "-1", "42", "3.25", "-0.5", "1e5", "2E-3", "123456789012345678"], &random)
        case 2: return pick(["true", "false", "null"], &random)
        case 3: return "\"chat.completion.chunk\""
        case 4: return "[]"
        case 5: return "{}"
        case 6:
            return "[" + (0..<Int.random(in: 1...3, using: &random)).map { _ in anyValue(&random, depth: depth + 1) }.joined(separator: ",")
                + "]"
        default: return object([("a", anyValue(&random, depth: depth + 1)), ("b", anyValue(&random, depth: depth + 1))], &random)
        }
    }

    /// A chunk; `commonOnly` keeps to the shape the fast path reads (the mutator then breaks it).
    static func chunk(_ random: inout SeededGenerator, commonOnly: Bool = false) -> String {
        var members: [(String, String)] = []
        let odd = !commonOnly && Int.random(in: 0..<4, using: &random) == 0
        func maybe(_ key: String, _ values: [String]) {
            if Int.random(in: 0..<5, using: &random) > 0 { members.append((key, pick(values, &random))) }
        }
        maybe(
            "id",
            odd ? ["7", "null", "true", "1.5", "\"chatcmpl-a\""] : ["\"chatcmpl-7f3a9c2e41d84b\"", "\"chatcmpl-b\"", "null", "42"]
        )
        maybe("model", odd ? ["{}", "null", "\"m\""] : ["\"mistral-large-2411-instruct\"", "\"m\"", "null"])
        maybe(
            "created",
            odd ? ["\"2024-05-01T10:00:00Z\"", "1.5", "1e9", "\"1700000000\""] : ["1700000000", "1732540000123", "null", "0"]
        )
        maybe("object", ["\"chat.completion.chunk\""])
        if Int.random(in: 0..<3, using: &random) == 0 { members.append(("system_fingerprint", anyValue(&random))) }
        let choiceCount = Int.random(in: 0...2, using: &random)
        let choices = (0..<choiceCount).map { index -> String in
            var delta: [(String, String)] = []
            if Int.random(in: 0..<3, using: &random) == 0 {
                delta.append(("role", odd ? pick(["1", "null", "\"user\""], &random) : "\"assistant\""))
            }
            if Int.random(in: 0..<5, using: &random) > 0 {
                delta.append(
                    (
                        "content",
                        odd
                            ? pick([#"[{"type":"text","text":"p"}]"#, "7", "null", string(&random)], &random)
                            : (Int.random(in: 0..<6, using: &random) == 0 ? "null" : string(&random))
                    )
                )
            }
            switch Int.random(in: 0..<8, using: &random) {
            case 0: delta.append(("tool_calls", anyValue(&random)))
            case 1, 2: delta.append(("tool_calls", toolCalls(&random, pieces: true, odd: odd)))
            default: break
            }
            var choice: [(String, String)] = []
            if Int.random(in: 0..<5, using: &random) > 0 {
                choice.append(("index", odd ? pick(["\"1\"", "1.0", "null"], &random) : String(index)))
            }
            if Int.random(in: 0..<8, using: &random) > 0 {
                choice.append(("delta", Int.random(in: 0..<10, using: &random) == 0 ? "null" : object(delta, &random)))
            }
            if odd, Int.random(in: 0..<3, using: &random) == 0 { choice.append(("message", object(delta, &random))) }
            if Int.random(in: 0..<2, using: &random) == 0 {
                choice.append(("finish_reason", pick(["null", "\"stop\"", "\"length\""], &random)))
            }
            if Int.random(in: 0..<5, using: &random) == 0 { choice.append(("logprobs", anyValue(&random))) }
            return object(choice, &random)
        }
        if Int.random(in: 0..<12, using: &random) > 0 {
            members.append(("choices", "[" + choices.map { space(&random) + $0 }.joined(separator: ",") + space(&random) + "]"))
        }
        if Int.random(in: 0..<6, using: &random) == 0 {
            let usage: [(String, String)] = [
                ("prompt_tokens", "12"), ("completion_tokens", odd ? "\"30\"" : "30"), ("total_tokens", pick(["42", "null"], &random)),
            ]
            members.append(("usage", object(Array(usage.prefix(Int.random(in: 0...3, using: &random))), &random)))
        }
        return space(&random) + object(members, &random) + space(&random)
    }

    /// One random corruption of `text`.
    static func mutate(_ text: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var bytes = text
        let interesting: [UInt8] = Array("{}[]\",:\\0123456789-.eEnul tfa".utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xFF, 0x0A]
        for _ in 0..<Int.random(in: 1...2, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes.remove(at: position)
            case 1: bytes.insert(pick(interesting, &random), at: position)
            case 2: bytes[position] = pick(interesting, &random)
            case 3: bytes.removeSubrange(position...)
            case 4:
                // A duplicate member right after the opening brace.
                if let brace = bytes.firstIndex(of: UInt8(ascii: "{")) {
                    let member = pick(
                        [#""id":"dup","#, #""choices":[],"#, #""created":5,"#, #""usage":null,"#, #""model":null,"#],
                        &random
                    )
                    bytes.insert(contentsOf: member.utf8, at: brace + 1)
                }
            default:
                let other = Int.random(in: 0..<bytes.count, using: &random)
                bytes.swapAt(position, other)
            }
        }
        return bytes
    }
}
