import AIYouMockServer
import Foundation
import InMemoryTracing
import MetricsTestKit
import Testing
import Tracing

@_spi(Benchmarks) @testable import AIYou

@Suite("LLMaaS streams ask for usage")
struct StreamUsageTests {
    static func request(_ text: String = "Bonjour tout le monde", model: String = "gpt-oss:120b") -> ChatCompletionRequest {
        ChatCompletionRequest(messages: [.text(text)], model: model)
    }

    /// The `stream_options` member of the last chat request the server saw.
    static func streamOptions(_ server: MockAIYouServer) throws -> [String: Any]? {
        let body = try #require(server.recordedRequests(.llmaasChatCompletions).last?.body)
        return try jsonObject(body)["stream_options"] as? [String: Any]
    }

    @Test("a stream sends include_usage and gets the usage in a last chunk without choices; a whole answer does not send it")
    func usageInLastChunk() async throws {
        try await withLLMaaS { server, client in
            let completion = try await client.chatCompletionStream(Self.request()).collect()
            #expect(try Self.streamOptions(server)?["include_usage"] as? Bool == true)
            let usage = try #require(completion.usage)
            #expect(
                usage.promptTokens == 4 && usage.completionTokens > 0 && usage.totalTokens == usage.promptTokens + usage.completionTokens
            )
            _ = try await client.chatCompletion(Self.request())
            #expect(try Self.streamOptions(server) == nil)
        }
    }

    @Test("usage on the chunk with the finish reason is read too")
    func usageOnFinishChunk() async throws {
        try await withLLMaaS(server: { $0.usageOnFinishChunk = true }) { _, client in
            var events: [ChatStreamEvent] = []
            for try await event in try await client.chatCompletionStream(Self.request()).events { events.append(event) }
            guard case .usage(let usage)? = events.last else {
                Issue.record("the last event is not the usage: \(events.suffix(2))")
                return
            }
            #expect(usage.promptTokens == 4)
            #expect(events.contains(.finished(reason: "stop", choice: 0)))
        }
    }

    @Test("without asking (configuration off), the server sends no usage: none is invented")
    func turnedOff() async throws {
        try await withLLMaaS(client: { $0.llmaas.streamUsage = false }) { server, client in
            let completion = try await client.chatCompletionStream(Self.request()).collect()
            #expect(completion.usage == nil)
            #expect(try Self.streamOptions(server) == nil)
            #expect(completion.text.hasPrefix("Bonjour"))
        }
    }

    @Test("a server that refuses stream_options gets one more request without it, and the client stops asking")
    func refusedOnce() async throws {
        try await withLLMaaS(server: { $0.refusesStreamOptions = true }) { server, client in
            let first = try await client.chatCompletionStream(Self.request()).collect()
            #expect(first.text.hasPrefix("Bonjour") && first.usage == nil)
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
            let second = try await client.chatCompletionStream(Self.request()).collect()
            #expect(second.text == first.text)
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
            #expect(try Self.streamOptions(server) == nil)
        }
    }

    @Test("the AI.YOU dialect never sends stream_options")
    func notOnAIYou() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.chatCompletionStream(ChatCompletionRequest(messages: [.text("Salut")], assistantID: "602")).collect()
            let body = try #require(server.recordedRequests(.chatCompletions).last?.body)
            #expect(try jsonObject(body)["stream_options"] == nil)
        }
    }

    @Test("streamed usage reaches the token metrics and the span")
    func streamedTokenMetrics() async throws {
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        try await withLLMaaS(client: { $0.observability = .init(metricsFactory: metrics, tracer: tracer) }) { _, client in
            let completion = try await client.chatCompletionStream(Self.request()).collect()
            let usage = try #require(completion.usage)
            let base = [
                (GenAIAttribute.operationName, "chat"), (GenAIAttribute.providerName, Telemetry.providerName),
                (GenAIAttribute.requestModel, "gpt-oss:120b"),
            ]
            #expect(
                try metrics.expectRecorder(AIYouMetric.tokenUsage, base + [(GenAIAttribute.tokenType, "output")]).values == [
                    Double(usage.completionTokens)
                ]
            )
            let span = try #require(tracer.finishedSpans.first { $0.operationName.hasPrefix("chat") })
            #expect(span.attributes[GenAIAttribute.usageInputTokens]?.toSpanAttribute() == .int64(Int64(usage.promptTokens)))
            #expect(span.attributes[GenAIAttribute.usageOutputTokens]?.toSpanAttribute() == .int64(Int64(usage.completionTokens)))
        }
    }
}
