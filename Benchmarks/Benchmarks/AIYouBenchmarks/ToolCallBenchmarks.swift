@_spi(Benchmarks) import AIYou
import Benchmark
import Foundation
import NIOCore

/// A streamed answer made of tool-call pieces (LLMaaS): 4 parallel calls whose JSON arguments
/// arrive in 8-byte fragments, 10,000 events in all, cut into 4 KiB network chunks. The client's
/// `collect()` (SSE parser, fast chunk decoder, accumulator) against the plain way: split lines,
/// `JSONDecoder` per event into `Codable` structs, arguments joined by index.
func toolCallStreamBenchmarks(configuration: Benchmark.Configuration) {
    Benchmark("Tool-call stream, 10,000 events: collect() (ChatCompletionStream)", configuration: configuration) { benchmark in
        let completion = try await ChatCompletionStream(decoding: BufferSequence(buffers: ToolCallFixtures.streamBuffers)).collect()
        precondition(completion.choices.first?.message.toolCalls.count == ToolCallFixtures.calls)
        blackHole(completion)
    }
    Benchmark("Tool-call stream, 10,000 events: line split + JSONDecoder per event (baseline)", configuration: configuration) { benchmark in
        let decoder = JSONDecoder()
        var arguments: [Int: String] = [:]
        var names: [Int: String] = [:]
        var carry = Data()
        let prefix = Data("data: ".utf8)
        for buffer in ToolCallFixtures.streamBuffers {
            carry.append(contentsOf: buffer.readableBytesView)
            while let newline = carry.firstIndex(of: UInt8(ascii: "\n")) {
                let line = carry[carry.startIndex..<newline]
                carry = carry[(newline + 1)...]
                guard line.starts(with: prefix) else { continue }
                let payload = line.dropFirst(6)
                if payload.count == 6, payload.elementsEqual("[DONE]".utf8) { continue }
                let chunk = try decoder.decode(PlainChunk.self, from: Data(payload))
                for piece in chunk.choices.first?.delta.toolCalls ?? [] {
                    if let name = piece.function?.name { names[piece.index] = name }
                    arguments[piece.index, default: ""] += piece.function?.arguments ?? ""
                }
            }
        }
        precondition(arguments.count == ToolCallFixtures.calls && names.count == ToolCallFixtures.calls)
        blackHole(arguments)
    }
}

/// What a caller would write with `Codable` alone for OpenAI-style chunks.
private struct PlainChunk: Decodable {
    struct Choice: Decodable {
        var delta: Delta
    }
    struct Delta: Decodable {
        var content: String?
        var toolCalls: [Piece]?
        enum CodingKeys: String, CodingKey {
            case content
            case toolCalls = "tool_calls"
        }
    }
    struct Piece: Decodable {
        var index: Int
        var id: String?
        var function: Function?
    }
    struct Function: Decodable {
        var name: String?
        var arguments: String?
    }
    var id: String?
    var model: String?
    var choices: [Choice]
}

enum ToolCallFixtures {
    static let calls = 4
    static let events = 10_000

    /// The stream: an opening piece per call, then argument fragments round-robin, a final
    /// `finish_reason` chunk and `[DONE]`.
    static let streamBuffers: [ByteBuffer] = {
        let envelope =
            #"data: {"id":"chatcmpl-5d1e0c9a","object":"chat.completion.chunk","created":1760000000,"model":"gpt-oss:120b","choices":[{"index":0,"delta":"#
        var text = ""
        for call in 0..<calls {
            text +=
                envelope
                + #"{"tool_calls":[{"index":\#(call),"id":"call_\#(call)","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#
                + "\n\n"
        }
        for event in 0..<(events - calls - 1) {
            let fragment = event % 50 == 0 ? #"{\"city\""# : #"Lyon, 2"#
            text +=
                envelope + #"{"tool_calls":[{"index":\#(event % calls),"function":{"arguments":"\#(fragment)"}}]},"finish_reason":null}]}"#
                + "\n\n"
        }
        text += envelope + #"{},"finish_reason":"tool_calls"}]}"# + "\n\n"
        text += "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 4096).map { ByteBuffer(bytes: bytes[$0..<min($0 + 4096, bytes.count)]) }
    }()
}
