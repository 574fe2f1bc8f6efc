import AIYou
import AIYouLoad
import AIYouMockServer
import ArgumentParser
import Foundation
import NIOCore

/// `aiyou bench`: load the service (or the embedded server) through the SDK and, with
/// `--baseline`, through raw AsyncHTTPClient in the same run, and report both.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, latency percentiles and CPU per call, SDK against a raw AsyncHTTPClient baseline.",
        discussion: """
            Example: aiyou --mock bench --endpoint chat --concurrency 64 --duration 10 --baseline
            With --mock the embedded server runs in this process, so CPU per call includes the server's;
            run `aiyou serve` elsewhere and pass --base-url/--token to measure the client alone.
            """
    )

    @ParentCommand var root: AIYouCommand

    @Option(help: "What to call: chat, stream, assistants or mixed.")
    var endpoint: BenchEndpoint = .chat

    @Option(help: "Concurrent callers.")
    var concurrency = 1

    @Option(help: "Seconds to run each side (ignored with --requests).")
    var duration = 5.0

    @Option(help: "Calls per side, instead of a duration.")
    var requests: Int?

    @Option(help: "Calls per side before measuring (connections, JIT-free warm caches).")
    var warmup = 200

    @Option(name: .customLong("pool-size"), help: "Connections per host, for both sides (default: max(concurrency, 16)).")
    var poolSize: Int?

    @Option(name: .customLong("stream-chunks"), help: "Events per streamed answer from the embedded server (--mock).")
    var streamChunks = 1000

    @Flag(help: "Also run the raw AsyncHTTPClient baseline (execute + collect + JSONDecoder) in the same invocation.")
    var baseline = false

    @Option(
        help: """
            Where the SDK's callers run: takeover (every task on NIO's event loops, installed at start), default (the cooperative \
            pool) or event-loop (the client's event loops, by task preference). Default: takeover, or default with --no-executor-takeover.
            """
    )
    var executor: BenchExecutor?

    @Option(help: "A saved --json record (of this tool, or of another client in the same format) to print this run's ratios against.")
    var compare: String?

    @Option(help: "Client instances in this process, each with its own limiter; --concurrency callers each.")
    var instances = 1

    @Option(help: "How the instances share the quota: none, adaptive (pacing from the headers), memory (one in-process store) or postgres.")
    var coordination: BenchCoordination = .none

    @Option(
        name: .customLong("quota-requests"),
        help: "The account's quota in requests per --quota-window (with --mock, the embedded server enforces it)."
    )
    var quotaRequests: Int?

    @Option(name: .customLong("quota-tokens"), help: "The account's quota in output tokens per --quota-window.")
    var quotaTokens: Int?

    @Option(name: .customLong("quota-window"), help: "The quota's window in seconds.")
    var quotaWindow = 1.0

    @Option(
        name: .customLong("quota-margin"),
        help: "Share of the quota the memory and postgres stores hand out (arrival jitter pushes some calls into the next window)."
    )
    var quotaMargin = 0.97

    @Option(
        name: .customLong("postgres-url"),
        help: "postgres://user[:password]@host:port/database of the postgres store (env AIYOU_POSTGRES_URL)."
    )
    var postgresURL: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be within 0…86400 seconds") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        if let poolSize, poolSize < 1 { throw ValidationError("--pool-size must be at least 1") }
        if let compare, !FileManager.default.isReadableFile(atPath: compare) { throw ValidationError("--compare: cannot read \(compare)") }
        guard streamChunks >= 1 else { throw ValidationError("--stream-chunks must be at least 1") }
        guard instances >= 1, instances <= 1024 else { throw ValidationError("--instances must be within 1…1024") }
        if let quotaRequests, quotaRequests < 1 { throw ValidationError("--quota-requests must be at least 1") }
        if let quotaTokens, quotaTokens < 1 { throw ValidationError("--quota-tokens must be at least 1") }
        guard quotaWindow > 0, quotaWindow <= 86_400 else { throw ValidationError("--quota-window must be within 0…86400 seconds") }
        guard quotaMargin > 0, quotaMargin <= 1 else { throw ValidationError("--quota-margin must be within (0, 1]") }
        if coordination == .memory || coordination == .postgres, quotaRequests == nil, quotaTokens == nil {
            throw ValidationError("--coordination \(coordination.rawValue) needs --quota-requests or --quota-tokens")
        }
        if executor == .takeover, !ExecutorTakeover.isInstalled {
            throw ValidationError(
                "--executor takeover needs the executor takeover, which --no-executor-takeover or AIYOU_EXECUTOR_TAKEOVER turned off"
            )
        }
    }

    /// The mode measured: the one asked for, else the one this process runs in.
    var executorMode: BenchExecutor {
        executor ?? (ExecutorTakeover.isInstalled ? .takeover : .default)
    }

    /// The quota the embedded server enforces, from `--quota-*`.
    var mockQuota: MockSharedQuota? {
        guard quotaRequests != nil || quotaTokens != nil else { return nil }
        return MockSharedQuota(requests: quotaRequests, outputTokens: quotaTokens, window: .milliseconds(Int64(quotaWindow * 1000)))
    }

    /// The limits the memory and postgres stores hand out: the quota less the margin.
    var storeLimits: QuotaLimits {
        let window = Duration.milliseconds(Int64(quotaWindow * 1000))
        let requests = quotaRequests.map { max(1, Int((Double($0) * quotaMargin).rounded(.down))) }
        return QuotaLimits(
            requests: requests,
            requestWindow: window,
            requestBurst: max(1, (requests ?? 1) / 50),
            tokens: quotaTokens.map { max(1, Int((Double($0) * quotaMargin).rounded(.down))) },
            tokenWindow: window
        )
    }

    func run() async throws {
        let global = root.global
        if global.mock {
            var configuration = MockServerConfiguration()
            configuration.streamChunkCount = streamChunks
            configuration.sharedQuota = mockQuota
            do {
                try await MockAIYouServer.withRunning(configuration: configuration) { server in
                    try await measure(baseURL: server.baseURL, token: MockAccount.demoAPIKey, server: server)
                }
            } catch let error as AIYouError {
                Terminal.error(error.description)
                throw ExitCode.failure
            }
        } else {
            let environment = ProcessInfo.processInfo.environment
            guard let token = global.token ?? environment["AIYOU_TOKEN"] else {
                throw ValidationError("bench needs --token (or AIYOU_TOKEN) so that both sides use the same credentials, or --mock")
            }
            let baseURL = global.baseURL ?? environment["AIYOU_BASE_URL"] ?? ServiceAPI.aiyou.defaultBaseURL
            do {
                try await measure(baseURL: baseURL, token: token, server: nil)
            } catch let error as AIYouError {
                Terminal.error(error.description)
                throw ExitCode.failure
            }
        }
    }

    private func measure(baseURL: String, token: String, server: MockAIYouServer?) async throws {
        let pool = poolSize ?? max(concurrency, 16)
        let streaming = endpoint == .stream
        let request = ChatCompletionRequest(messages: [.text("Bonjour, peux-tu m'aider ?")], assistantID: "602")
        var configuration = Configuration(baseURL: baseURL, credentials: .bearerToken(token))
        configuration.connectionPool.maxConnectionsPerHost = pool
        configuration.allowsInsecureHTTP = true
        let endpoint = self.endpoint
        let coordinator = try await BenchQuotaCoordinator(coordination: coordination, limits: storeLimits, postgresURL: postgresURL)
        defer { coordinator.stop() }
        try await coordinator.prepare()
        let clients = try (0..<instances).map { _ in
            var configuration = configuration
            coordinator.configure(&configuration)
            return try AIYouClient(configuration: configuration)
        }
        let client = clients[0]
        let instances = self.instances
        // Callers spread over the loops. Under the takeover, a task resumes on the loop it ran on,
        // so callers all started from one task would share one loop (one core: 0.79× the pool's
        // throughput at 64 callers); a service's requests arrive on every loop instead.
        let executors: [any TaskExecutor] =
            executorMode == .default ? [] : (0..<max(1, System.coreCount)).map { _ in client.eventLoopExecutor() }
        let generator = LoadGenerator(
            concurrency: concurrency * instances,
            requests: requests,
            duration: .milliseconds(Int64(duration * 1000)),
            label: "sdk",
            showsProgress: requests == nil && duration >= 3,
            executors: executors
        )
        let sdkCall: @Sendable (Int) async throws -> Int = { index in
            let client = clients[index % instances]
            switch endpoint == .mixed ? [BenchEndpoint.chat, .assistants, .stream][index % 3] : endpoint {
            case .chat, .mixed:
                _ = try await client.chatCompletion(request)
                return 0
            case .assistants:
                _ = try await client.assistants()
                return 0
            case .stream:
                var events = 0
                for try await _ in try await client.chatCompletionStream(request) { events += 1 }
                return events
            }
        }
        // Connections are counted from the warm-up on: the pool opens them there and reuses them after.
        server?.resetCounters()
        let sdk = await countingConnections(to: baseURL, server: server) {
            Terminal.note("sdk: warming up (\(warmup) calls)")
            _ = await LoadGenerator(
                concurrency: concurrency * instances,
                requests: warmup,
                duration: .seconds(3600),
                label: "warmup",
                showsProgress: false,
                executors: executors
            ).run(sdkCall)
            // The quota's windows and counts start again with the measured run.
            if let server, let quota = server.sharedQuota { server.sharedQuota = quota }
            return await generator.run(sdkCall)
        }
        let quotaUsage = server?.sharedQuotaUsage
        for client in clients { try await client.shutdown() }

        var baselineResult: LoadResult?
        if baseline {
            let raw = try BaselineClient(baseURL: baseURL, token: token, request: request, poolSize: pool)
            let rawCall: @Sendable (Int) async throws -> Int = { index in
                switch endpoint == .mixed ? [BenchEndpoint.chat, .assistants, .stream][index % 3] : endpoint {
                case .chat, .mixed:
                    _ = try await raw.chat()
                    return 0
                case .assistants:
                    _ = try await raw.assistants()
                    return 0
                case .stream: return try await raw.stream()
                }
            }
            server?.resetCounters()
            let result = await countingConnections(to: baseURL, server: server) {
                Terminal.note("baseline: warming up (\(warmup) calls)")
                _ = await LoadGenerator(
                    concurrency: concurrency,
                    requests: warmup,
                    duration: .seconds(3600),
                    label: "warmup",
                    showsProgress: false
                )
                .run(rawCall)
                return await LoadGenerator(
                    concurrency: concurrency,
                    requests: requests,
                    duration: .milliseconds(Int64(duration * 1000)),
                    label: "baseline",
                    showsProgress: requests == nil && duration >= 3
                ).run(rawCall)
            }
            try await raw.shutdown()
            baselineResult = result
        }

        let saved = try compare.map { try BenchRecord(contentsOf: $0) }
        if root.global.json {
            var object: [String: Any] = [
                "endpoint": endpoint.rawValue, "concurrency": concurrency, "executor": executorMode.rawValue, "pool": pool,
                "sdk": sdk.json(streaming: streaming),
            ]
            if instances > 1 || quotaUsage != nil {
                object["instances"] = instances
                object["coordination"] = coordination.rawValue
            }
            if let quotaUsage {
                object["rate_limited"] = quotaUsage.refusedRequests
                object["admitted"] = quotaUsage.admittedRequests
                if let ratio = quotaUsage.requestShareUsed { object["quota_used_ratio"] = (ratio * 1000).rounded() / 1000 }
                if let ratio = quotaUsage.tokenShareUsed { object["token_quota_used_ratio"] = (ratio * 1000).rounded() / 1000 }
            }
            if let baselineResult { object["baseline"] = baselineResult.json(streaming: streaming) }
            if let saved { object["compared"] = saved.ratios(of: sdk, streaming: streaming) }
            try Terminal.printJSON(object)
        } else {
            print("endpoint \(endpoint.rawValue), concurrency \(concurrency), pool \(pool)")
            print(sdk.line(label: "sdk     ", streaming: streaming))
            if let quotaUsage {
                let share = quotaUsage.requestShareUsed.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a"
                print(
                    "quota: \(instances) instances, coordination \(coordination.rawValue): \(quotaUsage.admittedRequests) admitted, "
                        + "\(quotaUsage.refusedRequests) answered 429, \(share) of the request quota used"
                )
            }
            if let baselineResult {
                print(baselineResult.line(label: "baseline", streaming: streaming))
                let ratio =
                    streaming
                    ? sdk.eventsPerSecond / max(baselineResult.eventsPerSecond, 1)
                    : sdk.requestsPerSecond / max(baselineResult.requestsPerSecond, 1)
                print(String(format: "sdk / baseline throughput: %.2f×", ratio))
            }
            if let saved, let compare {
                print(
                    "against \(compare) (\(saved.label)): "
                        + saved.ratios(of: sdk, streaming: streaming).sorted { $0.key < $1.key }
                        .map { String(format: "%@ %.2f×", $0.key, $0.value) }.joined(separator: ", ")
                )
            }
        }
    }

    /// Runs `body` while counting the connections opened: the embedded server counts them
    /// exactly; against another server they are sampled from `/proc` (``ConnectionCounter``).
    private func countingConnections(to baseURL: String, server: MockAIYouServer?, _ body: () async -> LoadResult) async -> LoadResult {
        if let server {
            var result = await body()
            result.connectionsOpened = server.connectionsOpened
            return result
        }
        let components = URLComponents(string: baseURL)
        let port = components?.port ?? (components?.scheme == "http" ? 80 : 443)
        let counter = ConnectionCounter(port: port)
        let sampling = Task { await counter.run() }
        var result = await body()
        sampling.cancel()
        await sampling.value
        counter.sample()
        result.connectionsOpened = counter.count
        return result
    }
}
