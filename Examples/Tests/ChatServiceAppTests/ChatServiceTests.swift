import AIYou
import AIYouMockServer
import AsyncHTTPClient
import ChatServiceApp
import InMemoryTracing
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// The whole service in-process, as `main.swift` runs it (backend and HTTP front in one
/// `ServiceGroup`), on free loopback ports, driven over HTTP.
@Suite struct ChatServiceTests {
    /// Where the service runs, for the duration of `body`; the group is shut down gracefully
    /// afterwards, also when `body` throws.
    func withChatService(
        _ body: (_ baseURL: String, _ backend: MockAIYouServer, _ telemetry: ChatTelemetry) async throws -> Void
    ) async throws {
        let telemetry = ChatTelemetry()
        let backend = MockAIYouServer()  // 127.0.0.1, a free port
        var configuration = ChatServiceConfiguration()
        configuration.port = 0
        configuration.retry = .init(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5), jitter: 0)
        var logger = Logger(label: "ChatServiceTests")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let service = ChatService(
            configuration: configuration,
            backend: backend,
            telemetry: telemetry,
            // Not bootstrapped globally: a process bootstraps once, and tests share one process.
            observability: .init(metricsFactory: telemetry.metricsFactory, tracer: telemetry.tracer),
            logger: logger,
            onListening: { port in
                portContinuation.yield(port)
                portContinuation.finish()
            }
        )
        let group = ServiceGroup(configuration: .init(services: [backend, service], logger: logger))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }  // a group that fails to start ends the wait
                try await group.run()
            }
            var portIterator = ports.makeAsyncIterator()
            do {
                let port = try #require(await portIterator.next(), "the service did not start")
                #expect(port > 0)
                try await body("http://127.0.0.1:\(port)", backend, telemetry)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func send(
        _ method: HTTPMethod,
        _ url: String,
        body: String? = nil,
        contentType: String? = nil
    ) async throws -> (status: UInt, text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return (response.status.code, String(buffer: buffer))
    }

    /// The series (lines) of `metric` in a Prometheus exposition that carry every given label.
    func series(_ exposition: String, _ metric: String, _ labels: [String: String]) -> [Substring] {
        exposition.split(separator: "\n").filter { line in
            line.hasPrefix(metric + "{") && labels.allSatisfy { line.contains("\($0.key)=\"\($0.value)\"") }
        }
    }

    @Test func askAnswersAndIsMeasuredAndTraced() async throws {
        try await withChatService { baseURL, backend, telemetry in
            // One failed attempt first, that a chat call retries (a 503 with `Retry-After`: the
            // service did not process it), so the call has two attempts.
            backend.enqueueFaults([.status(503, headers: ["Retry-After": "0"])], for: .chatCompletions)
            let asked = try await send(.POST, baseURL + "/ask", body: "Bonjour")
            #expect(asked.status == 200)
            #expect(!asked.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            #expect(backend.requestCount(.chatCompletions) == 2)

            let json = try await send(.POST, baseURL + "/ask", body: #"{"question": "Et en JSON ?"}"#, contentType: "application/json")
            #expect(json.status == 200)
            #expect(!json.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

            let empty = try await send(.POST, baseURL + "/ask", body: "  ")
            #expect(empty.status == 400)

            // Metrics: OpenTelemetry names with `.` made `_` for Prometheus.
            let metrics = try await send(.GET, baseURL + "/metrics")
            #expect(metrics.status == 200)
            let calls = series(
                metrics.text,
                "gen_ai_client_operation_duration_count",
                [
                    "gen_ai_operation_name": "chat", "gen_ai_request_model": "assistant:602", "gen_ai_provider_name": "cloud_temple.aiyou",
                ]
            )
            #expect(calls.count == 1, "\(metrics.text)")
            #expect(calls.first?.hasSuffix(" 2") == true, "two calls: \(calls)")
            let okAttempts = series(
                metrics.text,
                "http_client_request_duration_count",
                [
                    "http_request_method": "POST", "http_response_status_code": "200", "server_address": "127.0.0.1",
                    "server_port": String(backend.port),
                ]
            )
            #expect(okAttempts.count == 1, "\(metrics.text)")
            #expect(okAttempts.first?.hasSuffix(" 2") == true, "\(okAttempts)")
            let failedAttempts = series(
                metrics.text,
                "http_client_request_duration_count",
                [
                    "http_request_method": "POST", "http_response_status_code": "503", "error_type": "503",
                ]
            )
            #expect(failedAttempts.count == 1, "\(metrics.text)")
            #expect(!series(metrics.text, "gen_ai_client_token_usage_count", ["gen_ai_token_type": "input"]).isEmpty, "\(metrics.text)")

            // Spans: the retried call and its two attempts, children of it.
            let spans = telemetry.spans.snapshot()
            let callSpans = spans.filter { $0.operationName == "chat 602" }
            #expect(callSpans.count == 2)
            let retried = try #require(callSpans.first)
            #expect(retried.parentSpanID == nil)
            #expect(retried.kind == .client)
            #expect(retried.attributes["gen_ai.operation.name"]?.toSpanAttribute() == .string("chat"))
            let attempts = spans.filter { $0.parentSpanID == retried.spanID }
            #expect(attempts.map(\.operationName) == ["POST", "POST"])
            #expect(attempts.map { $0.attributes["http.response.status_code"]?.toSpanAttribute() } == [.int64(503), .int64(200)])
            #expect(attempts.allSatisfy { $0.traceID == retried.traceID })
            #expect(attempts.last?.attributes["http.request.resend_count"]?.toSpanAttribute() == .int64(1))
            #expect(retried.events.map(\.name) == ["aiyou.retry"])

            let listing = try await send(.GET, baseURL + "/spans")
            #expect(listing.status == 200)
            #expect(listing.text.contains("parent=\(retried.spanID) trace=\(retried.traceID) name=\"POST\""), "\(listing.text)")
        }
    }
}
