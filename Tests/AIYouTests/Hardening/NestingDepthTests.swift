import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// No reader recurses on wire data beyond 128 levels: JSON nested 100,000 deep is a `.decoding`
/// error naming the limit, never a stack overflow, even on a thread with musl's 128 KiB stack.
@Suite("Nesting depth is bounded")
struct NestingDepthTests {
    /// Objects nested `depth` deep around `1`: `{"a":{"a":…1…}}`.
    static func nested(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    }

    static let deep = nested(100_000)

    /// A non-streamed answer whose one tool call's arguments are `arguments` (a JSON object, the
    /// Ollama way, when `asObject`).
    static func completion(arguments: String, asObject: Bool) -> String {
        let value = asObject ? arguments : JSONValue.string(arguments).jsonString
        return
            #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":\#(value)}}]}}]}"#
    }

    static func chunk(arguments: String) -> String {
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":\#(arguments)}}]}}]}"#
    }

    @Test("JSONValue parses 128 levels and refuses 129 and 100,000 with a .decoding error naming the limit, on a 128 KiB stack")
    func jsonValue() async {
        let outcome = await onSmallStack { () -> [String] in
            var outcome: [String] = []
            do {
                let value = try JSONValue(parsing: Self.nested(128))
                let again = try JSONValue(parsing: value.jsonString)
                outcome.append(value == again && value.hashValue == again.hashValue ? "128 ok" : "128 differs")
            } catch {
                outcome.append("128 failed: \(error)")
            }
            for depth in [129, 100_000] {
                do {
                    _ = try JSONValue(parsing: Self.nested(depth))
                    outcome.append("\(depth) accepted")
                } catch let error as AIYouError {
                    outcome.append(
                        error.code == .decoding && error.message.contains("deeper than 128 levels") ? "\(depth) refused" : "\(error)"
                    )
                } catch {
                    outcome.append("\(error)")
                }
            }
            let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            outcome.append((try? JSONValue(parsing: arrays)) == nil ? "arrays refused" : "arrays accepted")
            return outcome
        }
        #expect(outcome == ["128 ok", "129 refused", "100000 refused", "arrays refused"])
    }

    @Test("tool arguments nested 100,000 deep: argumentsJSON and decodeArguments throw .decoding, on a 128 KiB stack")
    func toolArguments() async {
        let outcome = await onSmallStack { () -> [String] in
            let call = ToolCall(id: "c", name: "f", arguments: Self.deep)
            var outcome: [String] = []
            func describe(_ body: () throws(AIYouError) -> Void) -> String {
                do {
                    try body()
                    return "accepted"
                } catch {
                    return "\(error.code) \(error.message.contains("deeper than 128 levels"))"
                }
            }
            struct Query: Decodable { var a: Int? }
            outcome.append(describe { () throws(AIYouError) in _ = try call.argumentsJSON() })
            outcome.append(describe { () throws(AIYouError) in _ = try call.decodeArguments(as: Query.self) })
            return outcome
        }
        #expect(outcome == ["decoding true", "decoding true"])
    }

    @Test("whole answers and stream chunks with arguments nested 100,000 deep are refused by the decoders, on a 128 KiB stack")
    func decoders() async {
        let outcome = await onSmallStack { () -> [String] in
            var outcome: [String] = []
            for asObject in [true, false] {
                let body = Array(Self.completion(arguments: Self.deep, asObject: asObject).utf8)
                let result = body.withUnsafeBytes { bytes -> String in
                    if let fast = ChatCompletionDecoder.decodeCommonShape(bytes) {
                        // A string is read as it is; its depth matters only when it is parsed.
                        return fast.choices.first?.message.toolCalls.first?.arguments == Self.deep ? "text kept" : "text differs"
                    }
                    do {
                        _ = try JSONCoding.decode(ChatCompletion.self, from: bytes)
                        return "accepted"
                    } catch {
                        return "\(error)"
                    }
                }
                outcome.append(result)
            }
            var decoder = ChatCompletionChunkDecoder()
            let chunk = Array(Self.chunk(arguments: Self.nested(20_000)).utf8)
            do {
                _ = try chunk.withUnsafeBytes { try decoder.decode($0) }
                outcome.append("chunk accepted")
            } catch {
                outcome.append("chunk: \(error)")
            }
            // At the limit's edge: object arguments 120 deep are kept as their JSON text.
            let edge = Array(Self.completion(arguments: Self.nested(120), asObject: true).utf8)
            let kept = edge.withUnsafeBytes { bytes in
                (try? JSONCoding.decode(ChatCompletion.self, from: bytes))?.choices.first?.message.toolCalls.first?.arguments
            }
            outcome.append(kept == Self.nested(120) ? "120 kept" : "120: \(kept ?? "nil")")
            return outcome
        }
        #expect(
            outcome == [
                "JSON nested deeper than 128 levels", "text kept", "chunk: JSON nested deeper than 128 levels", "120 kept",
            ]
        )
    }

    @Test("through the client: a whole answer is a .decoding error naming the limit; a streamed one too")
    func throughTheClient() async throws {
        let transport = ScriptedTransport([
            .answer(200, body: Self.completion(arguments: Self.deep, asObject: true)),
            .events("data: " + Self.chunk(arguments: Self.nested(50_000)) + "\n\ndata: [DONE]\n\n"),
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let request = ChatCompletionRequest(messages: [.text("Hi")], model: "m")
        let whole = await expectAIYouError(.decoding) { try await client.chatCompletion(request) }
        #expect(whole?.message.contains("deeper than 128 levels") == true)
        let streamed = await expectAIYouError(.decoding) { try await client.chatCompletionStream(request).collect() }
        #expect(streamed?.message.contains("deeper than 128 levels") == true)
        #expect(transport.sent.count == 2, "not retried")
        try await client.shutdown()
    }

    @Test("JSONGuard: depth and value budget in one pass; strings with brackets and escapes are skipped")
    func guardScan() throws {
        func check(_ text: String, maxValues: Int? = nil) -> String {
            var text = text
            do {
                try text.withUTF8 { try JSONGuard.check(UnsafeRawBufferPointer($0), maxValues: maxValues) }
                return "ok"
            } catch let violation as JSONGuard.Violation {
                return violation.description
            } catch {
                return "\(error)"
            }
        }
        #expect(check(Self.nested(128)) == "ok")
        #expect(check(Self.nested(129)) == "JSON nested deeper than 128 levels")
        #expect(check(#"{"a":"[[[[\"[[[[","b":[1,2,3]}"#) == "ok")
        #expect(check(#"["\\\\",["#) == "ok", "an escaped backslash ends before the quote")
        #expect(check("[" + Array(repeating: "0", count: 10).joined(separator: ",") + "]", maxValues: 10) == "more than 10 JSON values")
        #expect(check("[" + Array(repeating: "0", count: 9).joined(separator: ",") + "]", maxValues: 10) == "ok")
        #expect(JSONGuard.valueBudget(forBytes: 100) == 524_288 && JSONGuard.valueBudget(forBytes: 64 << 20) == 2 << 20)
    }

    @Test("an answer holding more JSON values than its size warrants is refused before JSONDecoder: limitExceeded")
    func valueBudget() async throws {
        // 4 MiB of `0,`: two million values, where the budget for 4 MiB is 524,288.
        let zeros = #"{"id":"x","object":"chat.completion","choices":[],"extra":["# + String(repeating: "0,", count: 2 << 20) + "0]}"
        let transport = ScriptedTransport([.answer(200, body: zeros)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let error = await expectAIYouError(.limitExceeded) { try await client.models() }
        #expect(error?.message.contains("more than 524288 JSON values") == true)
        try await client.shutdown()
    }
}
