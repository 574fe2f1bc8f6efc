@_spi(Benchmarks) import AIYou
import Benchmark
import Foundation
import NIOCore

/// What reasoning costs a stream (issue 16): 100,000 two-byte deltas read with `collect()` when
/// they are reasoning (`reasoning_content`) and when they are text, in the same run; and the same
/// text stream with `<think>` splitting on (the tags in the content, cut across chunks) against
/// the plain text stream with it off.
func reasoningStreamBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .instructions],
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(8),
        maxIterations: 10
    )
    let count = 100_000
    let text = StreamAssemblyFixtures.textStream(deltas: count)
    let reasoning = ReasoningStreamFixtures.reasoningStream(deltas: count)
    let tagged = ReasoningStreamFixtures.thinkTagStream(deltas: count)
    Benchmark("Reasoning stream 100,000 deltas: text deltas, collect() (baseline)", configuration: configuration) { _ in
        let completion = try await ChatCompletionStream(decoding: BufferSequence(buffers: text)).collect()
        precondition(completion.text.utf8.count == 2 * count)
        blackHole(completion)
    }
    Benchmark("Reasoning stream 100,000 deltas: reasoning_content deltas, collect()", configuration: configuration) { _ in
        let completion = try await ChatCompletionStream(decoding: BufferSequence(buffers: reasoning)).collect()
        precondition(completion.choices.first?.message.reasoning?.utf8.count == 2 * count)
        blackHole(completion)
    }
    Benchmark("Reasoning stream 100,000 deltas: <think> in the content, split, collect()", configuration: configuration) { _ in
        let stream = ChatCompletionStream(decoding: BufferSequence(buffers: tagged), splittingThinkTags: true)
        let completion = try await stream.collect()
        precondition(completion.choices.first?.message.reasoning?.utf8.count == 2 * count / 2)
        blackHole(completion)
    }
}

enum ReasoningStreamFixtures {
    static let envelope =
        #"{"id":"chatcmpl-5d1e9a0b2c","object":"chat.completion.chunk","created":1760000000,"model":"qwen3.6:27b","choices":[{"index":0,"delta":"#

    /// `deltas` two-byte `reasoning_content` deltas, then the finish chunk and `[DONE]`.
    static func reasoningStream(deltas: Int) -> [ByteBuffer] {
        var text = ""
        text.reserveCapacity(deltas * 200)
        for step in 0..<deltas {
            text += "data: " + envelope + #"{"reasoning_content":"r\#(step % 10)"},"finish_reason":null}]}"# + "\n\n"
        }
        text += "data: " + envelope + #"{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        return buffers(text)
    }

    /// `deltas` two-byte content deltas: `<think>` cut across two chunks, half the deltas inside
    /// the tags, `</think>` cut across two chunks, the other half after.
    static func thinkTagStream(deltas: Int) -> [ByteBuffer] {
        var text = ""
        text.reserveCapacity(deltas * 200)
        func delta(_ content: String) {
            text += "data: " + envelope + #"{"content":"\#(content)"},"finish_reason":null}]}"# + "\n\n"
        }
        delta("<thi")
        delta("nk>")
        for step in 0..<(deltas / 2) { delta("r\(step % 10)") }
        delta("</th")
        delta("ink>")
        for step in 0..<(deltas / 2) { delta("a\(step % 10)") }
        text += "data: " + envelope + #"{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        return buffers(text)
    }

    private static func buffers(_ text: String) -> [ByteBuffer] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 4096).map { ByteBuffer(bytes: bytes[$0..<min($0 + 4096, bytes.count)]) }
    }
}
