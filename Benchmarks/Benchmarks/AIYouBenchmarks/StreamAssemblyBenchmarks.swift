@_spi(Benchmarks) import AIYou
import Benchmark
import Foundation
import NIOCore

/// Assembling long answers (issue 15): `collect()` of 10,000, 100,000 and 400,000 two-byte text
/// deltas against iterating `textDeltas` over the same bytes (the decoding alone), and a tool call
/// whose arguments arrive in 20,000 and 200,000 pieces against iterating the chunks. Linear means
/// time and mallocs per piece stay flat as the answer grows 10×, and `collect()` stays within
/// 1.5× of the decoding. The quadratic assembly it replaced (a choice's state copied out of a
/// dictionary, appended to, written back) runs beside it at 10,000 and 100,000 as the baseline.
func streamAssemblyBenchmarks() {
    func configuration(_ pieces: Int) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal, .instructions],
            warmupIterations: 1,
            scalingFactor: .one,
            maxDuration: .seconds(8),
            maxIterations: pieces >= 100_000 ? 5 : 20
        )
    }
    for count in [10_000, 100_000, 400_000] {
        let buffers = StreamAssemblyFixtures.textStream(deltas: count)
        let name = count.formatted(.number.grouping(.automatic))
        Benchmark("Assemble \(name) text deltas: collect()", configuration: configuration(count)) { _ in
            let completion = try await ChatCompletionStream(decoding: BufferSequence(buffers: buffers)).collect()
            precondition(completion.text.utf8.count == 2 * count)
            blackHole(completion)
        }
        Benchmark("Assemble \(name) text deltas: textDeltas (decoding only)", configuration: configuration(count)) { _ in
            var bytes = 0
            for try await text in ChatCompletionStream(decoding: BufferSequence(buffers: buffers)).textDeltas { bytes += text.utf8.count }
            precondition(bytes == 2 * count)
        }
        if count <= 100_000 {
            Benchmark("Assemble \(name) text deltas: copy-out accumulator (before issue 15)", configuration: configuration(count)) { _ in
                var assembly = CopyOutAssembly()
                for try await chunk in ChatCompletionStream(decoding: BufferSequence(buffers: buffers)) { assembly.add(chunk) }
                precondition(assembly.text.utf8.count == 2 * count)
                blackHole(assembly)
            }
        }
    }
    for count in [20_000, 200_000] {
        let buffers = StreamAssemblyFixtures.argumentStream(pieces: count)
        let name = count.formatted(.number.grouping(.automatic))
        Benchmark("Assemble arguments in \(name) pieces: collect()", configuration: configuration(count)) { _ in
            let completion = try await ChatCompletionStream(decoding: BufferSequence(buffers: buffers)).collect()
            precondition(completion.choices.first?.message.toolCalls.first?.arguments.utf8.count == 2 * count + 8)
            blackHole(completion)
        }
        Benchmark("Assemble arguments in \(name) pieces: chunks only (decoding only)", configuration: configuration(count)) { _ in
            var chunks = 0
            for try await chunk in ChatCompletionStream(decoding: BufferSequence(buffers: buffers)) {
                blackHole(chunk)
                chunks += 1
            }
            precondition(chunks == count + 3)
        }
    }
}

enum StreamAssemblyFixtures {
    /// A stream as vLLM writes it: the full envelope on every chunk, `deltas` two-byte deltas,
    /// the finish chunk, `[DONE]`; cut into 4 KiB network buffers.
    static func textStream(deltas: Int) -> [ByteBuffer] {
        let envelope =
            #"{"id":"chatcmpl-5d1e9a0b2c","object":"chat.completion.chunk","created":1760000000,"model":"gpt-oss:120b","choices":[{"index":0,"delta":"#
        var text = ""
        text.reserveCapacity(deltas * 190)
        text += "data: " + envelope + #"{"role":"assistant","content":""},"finish_reason":null}]}"# + "\n\n"
        for step in 0..<deltas {
            text += "data: " + envelope + #"{"content":"a\#(step % 10)"},"finish_reason":null}]}"# + "\n\n"
        }
        text += "data: " + envelope + #"{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        return buffers(text)
    }

    /// One tool call whose arguments `{"q":"…"}` arrive as an opening piece, `pieces` two-byte
    /// pieces and a closing piece.
    static func argumentStream(pieces: Int) -> [ByteBuffer] {
        let envelope =
            #"{"id":"chatcmpl-5d1e9a0b2c","object":"chat.completion.chunk","created":1760000000,"model":"gpt-oss:120b","choices":[{"index":0,"delta":"#
        var text = ""
        text.reserveCapacity(pieces * 220)
        text +=
            "data: " + envelope
            + #"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search","arguments":"{\"q\":\""}}]},"finish_reason":null}]}"#
            + "\n\n"
        for step in 0..<pieces {
            text +=
                "data: " + envelope + #"{"tool_calls":[{"index":0,"function":{"arguments":"b\#(step % 10)"}}]},"finish_reason":null}]}"#
                + "\n\n"
        }
        text += "data: " + envelope + #"{"tool_calls":[{"index":0,"function":{"arguments":"\"}"}}]},"finish_reason":null}]}"# + "\n\n"
        text += "data: " + envelope + #"{},"finish_reason":"tool_calls"}]}"# + "\n\ndata: [DONE]\n\n"
        return buffers(text)
    }

    private static func buffers(_ text: String) -> [ByteBuffer] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 4096).map { ByteBuffer(bytes: bytes[$0..<min($0 + 4096, bytes.count)]) }
    }
}

/// The assembly `ChatCompletionAccumulator` did before issue 15, kept as the baseline: each
/// chunk copies its choice's state out of the dictionary, appends, and writes it back, so every
/// append copies the text assembled so far.
struct CopyOutAssembly {
    private struct State {
        var text = ""
    }

    private var choices: [Int: State] = [:]

    mutating func add(_ chunk: ChatCompletionChunk) {
        for choice in chunk.choices {
            var state = choices[choice.index] ?? State()
            if let content = choice.delta.content { state.text += content }
            choices[choice.index] = state
        }
    }

    var text: String { choices[0]?.text ?? "" }
}
