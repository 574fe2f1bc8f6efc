import AIYou
import AIYouMockServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Settings of the chat service.
public struct ChatServiceConfiguration: Sendable {
    /// The address the HTTP server binds; loopback by default.
    public var host = "127.0.0.1"
    /// The HTTP port; `0` picks a free one (reported to `onListening`).
    public var port = 8080
    /// The AI.YOU assistant that answers.
    public var assistantID = "602"
    /// The largest question accepted, in bytes.
    public var maxQuestionBytes = 16 * 1024
    /// How the AIYou client retries (the library's defaults unless changed).
    public var retry = AIYou.Configuration.Retry()
    /// An AI.YOU-compatible service to call instead of the embedded backend (which then only
    /// idles), with its token: how the service is measured against nginx's canned answers.
    public var remoteBackend: (url: String, token: String)?
    /// Whether the handler runs its AIYou call on the client's event loops
    /// (`client.eventLoopExecutor()`) instead of where Hummingbird runs the handler.
    public var callsOnEventLoop = false

    public init() {}
}

/// The HTTP front of the service: one shared ``AIYouClient`` behind a Hummingbird router.
///
/// It is a ServiceLifecycle `Service`: run in a `ServiceGroup` after the AI.YOU backend (here the
/// embedded ``MockAIYouServer``), it waits until the backend listens, creates the client, serves
/// until the group shuts down gracefully (requests in flight finish), and then shuts the client
/// down. Put it after the backend in the group: a graceful shutdown stops services in reverse
/// order, so the backend keeps answering until this service has stopped.
public struct ChatService: Service {
    let configuration: ChatServiceConfiguration
    let backend: MockAIYouServer
    let telemetry: ChatTelemetry
    let observability: AIYou.Configuration.Observability
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - observability: Where the AIYou client records; by default what the process
    ///     bootstrapped (``ChatTelemetry/bootstrapGlobally()``). A test passes
    ///     `.init(metricsFactory: telemetry.metricsFactory, tracer: telemetry.tracer)` instead,
    ///     as a process can bootstrap only once.
    ///   - onListening: Called with the HTTP port once the server listens.
    public init(
        configuration: ChatServiceConfiguration,
        backend: MockAIYouServer,
        telemetry: ChatTelemetry,
        observability: AIYou.Configuration.Observability = .init(),
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.backend = backend
        self.telemetry = telemetry
        self.observability = observability
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let baseURL: String
        let token: String
        if let remote = configuration.remoteBackend {
            (baseURL, token) = remote
        } else {
            try await backend.waitUntilListening()
            (baseURL, token) = (backend.baseURL, MockAccount.demoAPIKey)
        }
        var clientConfiguration = AIYou.Configuration(baseURL: baseURL, credentials: .bearerToken(token))
        clientConfiguration.observability = observability
        clientConfiguration.retry = configuration.retry
        let client = try AIYouClient(configuration: clientConfiguration)

        let router = ChatRoutes.router(client: client, telemetry: telemetry, configuration: configuration)
        let onListening = self.onListening
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ChatService"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        do {
            try await application.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// The routes: `POST /ask`, `GET /metrics`, `GET /spans`.
public enum ChatRoutes {
    struct Question: Decodable {
        var question: String
    }

    public static func router(
        client: AIYouClient,
        telemetry: ChatTelemetry,
        configuration: ChatServiceConfiguration
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let assistantID = configuration.assistantID
        let maxBytes = configuration.maxQuestionBytes
        let executor = configuration.callsOnEventLoop ? client.eventLoopExecutor() : nil

        // The question as plain text, or as JSON `{"question": "…"}`; answers with the text.
        router.post("ask") { request, _ -> String in
            let body = try await request.body.collect(upTo: maxBytes)
            let question: String
            if request.headers[.contentType]?.contains("json") == true {
                guard let decoded = try? JSONDecoder().decode(Question.self, from: Data(String(buffer: body).utf8)) else {
                    throw HTTPError(.badRequest, message: "Expected {\"question\": \"…\"}")
                }
                question = decoded.question
            } else {
                question = String(buffer: body)
            }
            guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw HTTPError(.badRequest, message: "Ask a question")
            }
            // Moves the finished spans into the bounded log, so that they do not pile up in the
            // tracer when nobody reads /spans.
            defer { telemetry.spans.collect() }
            do {
                let request = ChatCompletionRequest(messages: [.text(question)], assistantID: assistantID)
                let answer = try await withTaskExecutorPreference(executor) {
                    try await client.chatCompletion(request)
                }
                return answer.text + "\n"
            } catch let error as AIYouError {
                throw HTTPError(.badGateway, message: "AI.YOU: \(error.code)")
            }
        }

        // The Prometheus text exposition of every metric.
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: telemetry.metricsText()))
            )
        }

        // The recent finished spans, one a line.
        router.get("spans") { _, _ -> String in
            telemetry.spans.text()
        }
        return router
    }
}
