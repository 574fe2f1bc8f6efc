import AIYouMockServer
import CoreMetrics
import Foundation
import InMemoryTracing
import MetricsTestKit
import OTelSemanticConventions
import Testing
import Tracing

@_spi(Benchmarks) @testable import AIYou

/// Metrics and spans, recorded into the in-memory backends given in the configuration (the
/// global bootstraps can be set once per process, and tests run in parallel).
@Suite("Metrics and spans")
struct ObservabilityTests {
    /// A client whose metrics and spans go to `metrics` and `tracer`.
    func withObservedClient<T: Sendable>(
        metrics: TestMetrics,
        tracer: InMemoryTracer,
        contents: Bool = false,
        credentials: Credentials = Fixture.apiKey,
        adjust: (inout Configuration) -> Void = { _ in },
        _ body: (MockAIYouServer, AIYouClient) async throws -> T
    ) async throws -> T {
        try await withServerAndClient(
            client: {
                $0.credentials = credentials
                $0.observability = .init(metricsFactory: metrics, tracer: tracer, recordsMessageContent: contents)
                adjust(&$0)
            },
            body
        )
    }

    @Test("a retried chat records one attempt duration per status, the call's duration, tokens and a retry")
    func chatMetrics() async throws {
        let metrics = TestMetrics()
        try await withObservedClient(metrics: metrics, tracer: InMemoryTracer()) { server, client in
            server.enqueueFaults([.status(503)], for: .chatCompletions)
            // Chat completions are retried after a 503 only when told to (they are billed).
            let answer = try await client.chatCompletion(
                chatRequest(),
                options: RequestOptions(retry: .init(maxRetries: 2, initialDelay: .zero, maxDelay: .zero, retriesNonIdempotent: true))
            )
            let attempts = metrics.timers(label: AIYouMetric.httpClientRequestDuration)
            let byStatus = Dictionary(grouping: attempts) { timer in
                timer.dimensions.first { $0.0 == OTelAttribute.http.response.statusCode }?.1 ?? "-"
            }
            #expect(byStatus["503"]?.flatMap(\.values).count == 1)
            #expect(byStatus["200"]?.flatMap(\.values).count == 1)
            let failed = try #require(byStatus["503"]?.first)
            #expect(failed.dimensions.contains { $0 == (OTelAttribute.error.type, "503") })
            #expect(failed.dimensions.contains { $0 == (OTelAttribute.http.request.method, "POST") })
            #expect(failed.dimensions.contains { $0 == (OTelAttribute.server.address, "127.0.0.1") })
            #expect(failed.dimensions.contains { $0 == (OTelAttribute.server.port, String(server.port)) })

            let call = try metrics.expectTimer(
                AIYouMetric.operationDuration,
                [
                    (GenAIAttribute.operationName, "chat"), (GenAIAttribute.providerName, "cloud_temple.aiyou"),
                    (GenAIAttribute.requestModel, "assistant:602"),
                ]
            )
            #expect(call.values.count == 1)
            let usage = try #require(answer.usage)
            let base = [
                (GenAIAttribute.operationName, "chat"), (GenAIAttribute.providerName, "cloud_temple.aiyou"),
                (GenAIAttribute.requestModel, "assistant:602"),
            ]
            #expect(
                try metrics.expectRecorder(AIYouMetric.tokenUsage, base + [(GenAIAttribute.tokenType, "input")]).values == [
                    Double(usage.promptTokens)
                ]
            )
            #expect(
                try metrics.expectRecorder(AIYouMetric.tokenUsage, base + [(GenAIAttribute.tokenType, "output")]).values == [
                    Double(usage.completionTokens)
                ]
            )
            #expect(
                metrics.counterTotal(
                    label: AIYouMetric.retries,
                    dimensions: [("aiyou.operation", "chat.completion"), ("aiyou.retry.reason", "503")]
                ) == 1
            )
        }
    }

    @Test("a stream records time to first chunk once and time per chunk for the others")
    func streamMetrics() async throws {
        let metrics = TestMetrics()
        try await withObservedClient(metrics: metrics, tracer: InMemoryTracer()) { _, client in
            var chunks = 0
            for try await _ in try await client.chatCompletionStream(chatRequest()) { chunks += 1 }
            #expect(chunks > 2)
            let dimensions = [
                (GenAIAttribute.operationName, "chat"), (GenAIAttribute.providerName, "cloud_temple.aiyou"),
                (GenAIAttribute.requestModel, "assistant:602"),
            ]
            #expect(try metrics.expectTimer(AIYouMetric.timeToFirstChunk, dimensions).values.count == 1)
            #expect(try metrics.expectTimer(AIYouMetric.timePerOutputChunk, dimensions).values.count == chunks - 1)
            #expect(try metrics.expectTimer(AIYouMetric.operationDuration, dimensions).values.count == 1)
        }
    }

    @Test("logins, cache hits and misses, limiter waits are counted")
    func counters() async throws {
        let metrics = TestMetrics()
        try await withObservedClient(
            metrics: metrics,
            tracer: InMemoryTracer(),
            credentials: Fixture.demo,
            adjust: {
                $0.cache = .enabled
                // One request a second on the test's manual clock: the second request waits (at once).
                $0.rateLimit = .init(requestsPerSecond: 1, burst: 1, maxWait: .seconds(5))
            }
        ) { _, client in
            _ = try await client.assistants()
            _ = try await client.assistants()
            _ = try await client.models()
            #expect(metrics.counterTotal(label: AIYouMetric.logins) == 1)
            #expect(metrics.counterTotal(label: AIYouMetric.cacheMisses, dimensions: [("aiyou.cache.group", "assistants")]) == 1)
            #expect(metrics.counterTotal(label: AIYouMetric.cacheHits, dimensions: [("aiyou.cache.group", "assistants")]) == 1)
            #expect(metrics.counterTotal(label: AIYouMetric.cacheMisses, dimensions: [("aiyou.cache.group", "models")]) == 1)
            // Two requests went through the limiter (the login is exempt, the hit sent nothing).
            #expect(metrics.counterTotal(label: AIYouMetric.limiterWaits) == 1)
        }
    }

    @Test(
        "one client span per call with the GenAI attributes; AsyncHTTPClient's attempt spans and the login are its children; retries are events"
    )
    func chatSpan() async throws {
        let tracer = InMemoryTracer()
        try await withObservedClient(metrics: TestMetrics(), tracer: tracer, credentials: Fixture.demo) { server, client in
            server.enqueueFaults([.status(503)], for: .chatCompletions)
            var request = chatRequest()
            request.maxTokens = 64
            request.temperature = 0.5
            request.topP = 0.9
            request.threadID = "thread-42"
            let answer = try await client.chatCompletion(
                request,
                options: RequestOptions(retry: .init(maxRetries: 1, initialDelay: .zero, maxDelay: .zero, retriesNonIdempotent: true))
            )
            let spans = tracer.finishedSpans
            let chat = try #require(spans.first { $0.operationName == "chat 602" })
            #expect(chat.kind == .client)
            let attributes = chat.attributes
            #expect(attributes.get(GenAIAttribute.operationName)?.toSpanAttribute() == .string("chat"))
            #expect(attributes.get(GenAIAttribute.providerName)?.toSpanAttribute() == .string("cloud_temple.aiyou"))
            #expect(attributes.get(GenAIAttribute.agentID)?.toSpanAttribute() == .string("602"))
            #expect(attributes.get(GenAIAttribute.requestMaxTokens)?.toSpanAttribute() == .int64(64))
            #expect(attributes.get(GenAIAttribute.requestTemperature)?.toSpanAttribute() == .double(0.5))
            #expect(attributes.get(GenAIAttribute.requestTopP)?.toSpanAttribute() == .double(0.9))
            #expect(attributes.get(GenAIAttribute.conversationID)?.toSpanAttribute() == .string("thread-42"))
            #expect(attributes.get(GenAIAttribute.responseID)?.toSpanAttribute() == answer.id.map { .string($0) })
            #expect(
                attributes.get(GenAIAttribute.responseFinishReasons)?.toSpanAttribute()
                    == .stringArray(answer.choices.compactMap(\.finishReason))
            )
            #expect(
                attributes.get(GenAIAttribute.usageInputTokens)?.toSpanAttribute() == answer.usage.map { .int64(Int64($0.promptTokens)) }
            )
            #expect(
                attributes.get(GenAIAttribute.usageOutputTokens)?.toSpanAttribute()
                    == answer.usage.map { .int64(Int64($0.completionTokens)) }
            )
            #expect(attributes.get(GenAIAttribute.inputMessages) == nil, "contents are not recorded unless asked")
            #expect(chat.events.map(\.name) == ["aiyou.retry"])
            #expect(chat.events.first?.attributes.get("aiyou.retry.reason")?.toSpanAttribute() == .string("503"))

            let children = spans.filter { $0.parentSpanID == chat.spanID }
            let attempts = children.filter { $0.operationName == "POST" }
            #expect(attempts.count == 2, "one HTTP span per attempt")
            #expect(
                attempts.compactMap { $0.attributes.get(OTelAttribute.http.response.statusCode)?.toSpanAttribute() }.sorted {
                    "\($0)" < "\($1)"
                } == [.int64(200), .int64(503)]
            )
            #expect(attempts.allSatisfy { $0.kind == .client })
            let login = try #require(children.first { $0.operationName == "login" })
            #expect(spans.contains { $0.parentSpanID == login.spanID && $0.operationName == "POST" }, "the login's own request")
            #expect(Set(spans.map(\.traceID)).count == 1)
            // The trace context travels to the service with each attempt: its own span's id.
            let recorded = server.recordedRequests(.chatCompletions)
            let sentSpanIDs = Set(recorded.compactMap { $0.header(InMemoryTracer.spanIDKey) })
            let sentTraceIDs = Set(recorded.compactMap { $0.header(InMemoryTracer.traceIDKey) })
            let attemptSpanIDs = Set(attempts.map { $0.spanID })
            let traceID = chat.traceID
            #expect(sentSpanIDs == attemptSpanIDs)
            #expect(sentTraceIDs == [traceID])
        }
    }

    @Test("a failed call's span has error.type and an error status; a stream's span ends when the stream does")
    func failureAndStreamSpans() async throws {
        let tracer = InMemoryTracer()
        try await withObservedClient(metrics: TestMetrics(), tracer: tracer) { server, client in
            server.enqueueFaults([.status(404)], for: .assistants)
            await expectAIYouError(.notFound) { try await client.assistants() }
            let failed = try #require(tracer.finishedSpans.first { $0.operationName == "assistants" })
            #expect(failed.attributes.get(OTelAttribute.error.type)?.toSpanAttribute() == .string("404"))
            #expect(failed.status?.code == .error)

            let stream = try await client.chatCompletionStream(chatRequest())
            #expect(!tracer.finishedSpans.contains { $0.operationName == "chat 602" }, "open while the stream is")
            let completion = try await stream.collect()
            let span = try #require(tracer.finishedSpans.first { $0.operationName == "chat 602" })
            #expect(span.attributes.get(GenAIAttribute.responseID)?.toSpanAttribute() == completion.id.map { .string($0) })
            #expect(span.status == nil)
        }
    }

    @Test("message contents are recorded only when asked, and then redacted")
    func contents() async throws {
        let tracer = InMemoryTracer()
        try await withObservedClient(metrics: TestMetrics(), tracer: tracer, contents: true, credentials: Fixture.demo) { _, client in
            _ = try await client.chatCompletion(chatRequest("my password is \(MockAccount.demo.password)"))
            let span = try #require(tracer.finishedSpans.first { $0.operationName == "chat 602" })
            guard case .string(let input)? = span.attributes.get(GenAIAttribute.inputMessages)?.toSpanAttribute() else {
                Issue.record("no input messages recorded")
                return
            }
            #expect(input.contains("my password is"))
            #expect(!input.contains(MockAccount.demo.password))
            guard case .string(let output)? = span.attributes.get(GenAIAttribute.outputMessages)?.toSpanAttribute() else {
                Issue.record("no output messages recorded")
                return
            }
            #expect(!output.isEmpty && !output.contains(MockAccount.demo.password))
        }
    }

    @Test("with neither a metrics backend nor a tracer, nothing is observed")
    func disabled() async throws {
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.observability = .disabled
        }) { _, client in
            #expect(client.pipeline.telemetry.isActive == false)
            #expect(client.pipeline.telemetry.begin(.chatCompletion, nil) == nil)
            _ = try await client.chatCompletion(chatRequest())
        }
    }

    @Test("the GenAI attribute names are the ones OTelSemanticConventions publishes (deprecated there)")
    @available(*, deprecated, message: "reads the gen_ai names OTelSemanticConventions 1.44 deprecated")
    func namesMatchTheConventions() {
        #expect(GenAIAttribute.operationName == OTelAttribute.genAi.operation.name)
        #expect(GenAIAttribute.providerName == OTelAttribute.genAi.provider.name)
        #expect(GenAIAttribute.requestModel == OTelAttribute.genAi.request.model)
        #expect(GenAIAttribute.agentID == OTelAttribute.genAi.agent.id)
        #expect(GenAIAttribute.requestMaxTokens == OTelAttribute.genAi.request.maxTokens)
        #expect(GenAIAttribute.requestTemperature == OTelAttribute.genAi.request.temperature)
        #expect(GenAIAttribute.requestTopP == OTelAttribute.genAi.request.topP)
        #expect(GenAIAttribute.conversationID == OTelAttribute.genAi.conversation.id)
        #expect(GenAIAttribute.inputMessages == OTelAttribute.genAi.input.messages)
        #expect(GenAIAttribute.outputMessages == OTelAttribute.genAi.output.messages)
        #expect(GenAIAttribute.responseID == OTelAttribute.genAi.response.id)
        #expect(GenAIAttribute.responseModel == OTelAttribute.genAi.response.model)
        #expect(GenAIAttribute.responseFinishReasons == OTelAttribute.genAi.response.finishReasons)
        #expect(GenAIAttribute.usageInputTokens == OTelAttribute.genAi.usage.inputTokens)
        #expect(GenAIAttribute.usageOutputTokens == OTelAttribute.genAi.usage.outputTokens)
        #expect(GenAIAttribute.tokenType == OTelAttribute.genAi.token.type)
        #expect(GenAIAttribute.toolName == OTelAttribute.genAi.tool.name)
        #expect(GenAIAttribute.toolCallID == OTelAttribute.genAi.tool.call.id)
        #expect(GenAIAttribute.toolType == OTelAttribute.genAi.tool.type)
        #expect(GenAIAttribute.toolDescription == OTelAttribute.genAi.tool.description)
        #expect(GenAIAttribute.toolCallArguments == OTelAttribute.genAi.tool.call.arguments)
        #expect(GenAIAttribute.toolCallResult == OTelAttribute.genAi.tool.call.result)
    }
}
