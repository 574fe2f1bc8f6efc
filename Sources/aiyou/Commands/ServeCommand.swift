import AIYouMockServer
import ArgumentParser
import ServiceLifecycle

/// `aiyou serve`: run the embedded AI.YOU-compatible server in the foreground.
///
/// The server runs in a `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT: the
/// server stops accepting connections, lets the requests in flight finish (for at most
/// `--grace-period` seconds), and the command returns, so the process exits with status 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the embedded AI.YOU-compatible server until interrupted (Ctrl-C).",
        discussion: """
            On SIGTERM or SIGINT (Ctrl-C) the server stops accepting connections, lets the requests in flight finish \
            (for at most --grace-period seconds), and exits with status 0.
            """
    )

    @ParentCommand var root: AIYouCommand

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "Response shape: primary or alternate.")
    var shape: String = MockResponseShape.primary.rawValue

    @Option(name: .long, help: "Chunks per streamed answer.")
    var chunks = 8

    @Option(name: .customLong("chunk-interval-ms"), help: "Pause between streamed chunks, in milliseconds.")
    var chunkIntervalMilliseconds = 0

    @Option(name: .customLong("token-lifetime"), help: "Lifetime of login tokens, in seconds.")
    var tokenLifetime = 3600

    @Flag(name: .customLong("require-streaming"), help: "Answer non-streamed chat requests with the 'Stream options' error.")
    var requireStreaming = false

    @Option(name: .customLong("fault"), help: ArgumentHelp(FaultOption.help, valueName: "route=spec,…"))
    var faults: [FaultOption] = []

    @Option(name: .customLong("batch-outcome"), help: ArgumentHelp(BatchOutcomeOption.help, valueName: "outcome"))
    var batchOutcomes: [BatchOutcomeOption] = []

    @Option(name: .customLong("failure-rate"), help: "Fraction (0…1) of all requests but logins answered with --failure-status.")
    var failureRate = 0.0

    @Option(name: .customLong("failure-status"), help: "Status of the random failures.")
    var failureStatus = 503

    @Option(name: .customLong("grace-period"), help: "On SIGTERM or SIGINT, seconds the requests in flight get to finish.")
    var gracePeriod = 10.0

    @Option(name: .customLong("quota-requests"), help: "Requests admitted per window, all callers together (the excess gets 429).")
    var quotaRequests: Int?

    @Option(name: .customLong("quota-tokens"), help: "Output tokens admitted per window, all callers together (the excess gets 429).")
    var quotaTokens: Int?

    @Option(name: .customLong("quota-window"), help: "The shared quota's window, in seconds (default 1).")
    var quotaWindow: Double?

    @Option(name: .customLong("mcp-token"), help: "Bearer token the MCP endpoint requires (default: none).")
    var mcpToken: String?

    @Option(name: .customLong("mcp-answers"), help: "How the MCP endpoint answers requests: json or event-stream.")
    var mcpAnswers = "event-stream"

    /// The answer mode of `--mcp-answers`, `nil` for an unknown value.
    var mcpAnswerMode: MockMCPAnswerMode? {
        switch mcpAnswers {
        case "json": .json
        case "event-stream": .eventStream
        default: nil
        }
    }

    /// The shared quota of `--quota-requests`, `--quota-tokens` and `--quota-window`.
    var sharedQuota: MockSharedQuota? {
        SharedQuotaOption.quota(requests: quotaRequests, tokens: quotaTokens, windowSeconds: quotaWindow)
    }

    func validate() throws {
        guard MockResponseShape(rawValue: shape) != nil else { throw ValidationError("--shape must be primary or alternate") }
        guard chunks >= 1 else { throw ValidationError("--chunks must be at least 1") }
        guard (0...86_400_000).contains(chunkIntervalMilliseconds) else {
            throw ValidationError("--chunk-interval-ms must be within 0…86400000")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be within 0…65535") }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be within 0…1") }
        guard (400...599).contains(failureStatus) else { throw ValidationError("--failure-status must be an error status (400…599)") }
        guard (0...86_400).contains(gracePeriod) else { throw ValidationError("--grace-period must be within 0…86400 seconds") }
        guard mcpAnswerMode != nil else { throw ValidationError("--mcp-answers must be json or event-stream") }
        try SharedQuotaOption.validate(requests: quotaRequests, tokens: quotaTokens, windowSeconds: quotaWindow, prefix: "quota")
    }

    func run() async throws {
        var configuration = MockServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.shape = MockResponseShape(rawValue: shape) ?? .primary
        configuration.streamChunkCount = chunks
        configuration.streamChunkInterval = .milliseconds(chunkIntervalMilliseconds)
        configuration.tokenLifetime = .seconds(tokenLifetime)
        configuration.requireStreaming = requireStreaming
        configuration.shutdownGracePeriod = .milliseconds(Int64(gracePeriod * 1000))
        configuration.logger = root.global.logger
        configuration.sharedQuota = sharedQuota
        configuration.mcp.bearerToken = mcpToken
        configuration.mcp.answers = mcpAnswerMode ?? .eventStream
        let server = MockAIYouServer(configuration: configuration)
        for fault in faults { server.enqueueFaults(fault.faults, for: fault.route) }
        server.enqueueBatchOutcomes(batchOutcomes.map(\.outcome))
        if failureRate > 0 { server.setRandomFailureRate(failureRate, status: failureStatus) }
        // The group traps the signals before it starts the server, so once the banner is out a
        // signal always means a graceful shutdown.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: root.global.logger
            )
        )
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                do {
                    try await server.waitUntilListening()
                } catch {
                    // The server did not start: the group's error (e.g. the bind error) says why.
                    try await tasks.waitForAll()
                    throw error
                }
                printBanner(server)
                try await tasks.waitForAll()
            }
        } catch {
            Terminal.error("the server stopped: \(error)")
            throw ExitCode.failure
        }
    }

    /// The server's address, the faults queued, and how to use it.
    private func printBanner(_ server: MockAIYouServer) {
        print("AI.YOU mock server listening on \(server.baseURL)")
        for fault in faults { print("faults for \(fault.route): \(fault.faults.count) queued") }
        if failureRate > 0 { print("random failures: \(Int(failureRate * 100)) % of requests answer \(failureStatus)") }
        if let quota = server.sharedQuota { print("shared quota: \(SharedQuotaOption.summary(quota)), the excess answered 429") }
        print("demo account: \(MockAccount.demo.email) / \(MockAccount.demo.password)   API key: \(MockAccount.demoAPIKey)")
        print("try: aiyou --base-url \(server.baseURL) --token \(MockAccount.demoAPIKey) chat \"Bonjour\"")
        print("LLMaaS (OpenAI-compatible) routes on the same port: \(server.baseURL)/v1/chat/completions, /v1/embeddings, /v1/models…")
        let mcpToken = mcpToken.map { ", bearer token \($0)" } ?? ""
        print("MCP server (Streamable HTTP, \(mcpAnswers) answers\(mcpToken)): \(server.mcpURL)")
        Terminal.flushStandardOutput()
    }
}
