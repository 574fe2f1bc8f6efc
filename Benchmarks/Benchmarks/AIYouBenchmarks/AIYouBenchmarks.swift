@_spi(Benchmarks) import AIYou
import AIYouMockServer
import Benchmark
import Foundation
import InMemoryTracing
import NIOCore
import NIOFoundationCompat
import Prometheus

/// Run with `cd Benchmarks && swift package benchmark` (see PERFORMANCE.md). The end-to-end
/// benchmarks use the server at `AIYOU_BENCH_BASE_URL` (start one with `aiyou serve`, or the
/// canned nginx server, so its allocations stay in its own process) and otherwise start the
/// embedded server in-process; the 10,000-event stream uses `AIYOU_BENCH_STREAM_URL` (nginx's
/// stream port) when set. One end-to-end case per performance target: chat at one caller on the
/// cooperative pool and on the event-loop executor, chat at 64 callers, the long stream, and the
/// memory 64 callers take.
let benchmarks: @Sendable () -> Void = {
    let fast = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )
    let slow = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(5)
    )

    // MARK: Encoding and decoding

    let request = ChatCompletionRequest(
        messages: [.text("Bonjour, peux-tu résumer cette facture ?"), .text("Bien sûr.", role: .assistant), .text("Merci !")],
        assistantID: "602",
        temperature: 0.7,
        systemPrompt: "Tu es concis.",
        maxTokens: 512
    )
    let encoder = JSONEncoder()
    Benchmark("Encode chat request (JSONEncoder)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try encoder.encodeAsByteBuffer(request, allocator: ByteBufferAllocator())) }
    }

    Benchmark("Encode chat request (JSONWriter, as the client sends it)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(request.jsonBody) }
    }

    let decoder = JSONDecoder()
    Benchmark("Decode completion, wrapped", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(ChatCompletion.self, from: Fixtures.wrappedCompletion)) }
    }
    Benchmark("Decode completion, bare with parts", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(ChatCompletion.self, from: Fixtures.bareCompletion)) }
    }
    // What the client runs on a chat answer: the specialised decoder (JSONDecoder only as fallback).
    Benchmark("Decode completion, wrapped (ChatCompletionDecoder, as the client decodes it)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Fixtures.wrappedCompletion.withUnsafeReadableBytes { ChatCompletionDecoder.decodeCommonShape($0)! })
        }
    }
    Benchmark("Decode completion, bare with parts (ChatCompletionDecoder)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Fixtures.bareCompletion.withUnsafeReadableBytes { ChatCompletionDecoder.decodeCommonShape($0)! })
        }
    }
    Benchmark("Decode assistants, array", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode([Assistant].self, from: Fixtures.arrayAssistants)) }
    }
    Benchmark("Decode models, providers", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(ModelList.self, from: Fixtures.models)) }
    }
    Benchmark("Decode thread page (10 threads)", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(ThreadPage.self, from: Fixtures.threadPage)) }
    }

    // MARK: Embeddings

    // One LLMaaS embeddings answer of 1,000 × 1,024 numbers: what the client runs
    // (EmbeddingsDecoder, the vectors read straight into [Float]) against JSONDecoder decoding the
    // same body through plain Codable structs, for the two ways servers write the numbers.
    var embeddingsConfiguration = slow
    embeddingsConfiguration.metrics = [.wallClock, .throughput, .mallocCountTotal, .instructions]
    embeddingsConfiguration.maxDuration = .seconds(10)
    embeddingsConfiguration.maxIterations = 20
    for (style, body) in [("shortest Float text", Fixtures.embeddingsShortest), ("Python repr, 17 digits", Fixtures.embeddingsPythonStyle)]
    {
        Benchmark("Embeddings decode 1,000 × 1,024 floats, \(style) (EmbeddingsDecoder)", configuration: embeddingsConfiguration) {
            benchmark in
            for _ in benchmark.scaledIterations {
                let result = body.withUnsafeReadableBytes { EmbeddingsDecoder.decodeCommonShape($0) }
                precondition(result?.vectors.count == 1_000 && result?.dimensions == 1_024, "the fast path gave up")
                blackHole(result)
            }
        }
        Benchmark("Embeddings decode 1,000 × 1,024 floats, \(style) (JSONDecoder baseline)", configuration: embeddingsConfiguration) {
            benchmark in
            for _ in benchmark.scaledIterations {
                let answer = try decoder.decode(PlainEmbeddings.self, from: body)
                precondition(answer.data.count == 1_000)
                blackHole(answer)
            }
        }
    }

    // The same 1,000 × 1,024 vectors asked for as base64 (`encoding_format: "base64"`, what the
    // client asks for by default on LLMaaS): the little-endian float32 bytes decoded straight into
    // each [Float]. Compare with the decimal answers above, in the same run.
    Benchmark("Embeddings decode 1,000 × 1,024 floats, base64 (EmbeddingsDecoder)", configuration: embeddingsConfiguration) { benchmark in
        // Outside the measurement: both answers hold the same vectors, bit for bit.
        let decimal = Fixtures.embeddingsShortest.withUnsafeReadableBytes { EmbeddingsDecoder.decodeCommonShape($0) }
        let base64 = Fixtures.embeddingsBase64.withUnsafeReadableBytes { EmbeddingsDecoder.decodeCommonShape($0) }
        precondition(decimal != nil && decimal == base64, "the base64 and decimal answers differ")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let result = Fixtures.embeddingsBase64.withUnsafeReadableBytes { EmbeddingsDecoder.decodeCommonShape($0) }
            precondition(result?.vectors.count == 1_000 && result?.dimensions == 1_024, "the fast path gave up")
            blackHole(result)
        }
    }
    Benchmark("Embeddings decode 1,000 × 1,024 floats, base64 (JSONDecoder, the client's fallback)", configuration: embeddingsConfiguration)
    {
        benchmark in
        for _ in benchmark.scaledIterations {
            let result = try decoder.decode(EmbeddingResult.self, from: Fixtures.embeddingsBase64)
            precondition(result.vectors.count == 1_000)
            blackHole(result)
        }
    }

    // MARK: Streaming

    var streamConfiguration = slow
    streamConfiguration.metrics = [.wallClock, .throughput, .mallocCountTotal, .instructions]
    Benchmark("SSE parse + decode, 10,000 events (ChatCompletionStream)", configuration: streamConfiguration) { benchmark in
        var events = 0
        for try await chunk in ChatCompletionStream(decoding: BufferSequence(buffers: Fixtures.streamBuffers)) {
            blackHole(chunk)
            events += 1
        }
        precondition(events == 10_000)
    }
    Benchmark("SSE naive: line split + JSONDecoder per event, 10,000 events", configuration: streamConfiguration) { benchmark in
        var events = 0
        var carry = Data()
        let prefix = Data("data: ".utf8)
        for buffer in Fixtures.streamBuffers {
            carry.append(contentsOf: buffer.readableBytesView)
            while let newline = carry.firstIndex(of: UInt8(ascii: "\n")) {
                let line = carry[carry.startIndex..<newline]
                carry = carry[(newline + 1)...]
                guard line.starts(with: prefix) else { continue }
                let payload = line.dropFirst(6)
                if payload.count == 6, payload.elementsEqual("[DONE]".utf8) { continue }
                blackHole(try decoder.decode(ChatCompletionChunk.self, from: Data(payload)))
                events += 1
            }
        }
        precondition(events == 10_000)
    }
    toolCallStreamBenchmarks(configuration: streamConfiguration)
    streamAssemblyBenchmarks()
    reasoningStreamBenchmarks()

    // MARK: Rate limiter and redaction

    let limiter = RateLimiter(
        configuration: .init(requestsPerSecond: 1e12, burst: 1_000_000_000, maxWait: .seconds(1)),
        maxWait: .seconds(1),
        timeSource: .system
    )
    Benchmark("Rate limiter acquire, tokens available", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await limiter.acquire()) }
    }
    // What the request pipeline calls first; `acquire` only when this says "wait".
    Benchmark("Rate limiter tryAcquire, tokens available", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(limiter.tryAcquire()) }
    }
    let unlimited = RateLimiter(configuration: nil, maxWait: .seconds(1), timeSource: .system)
    // A quota kept in memory (issue 18): one lock, one dictionary lookup and the GCRA step; a
    // limit that never binds, so every reservation is admitted at once.
    let quotaStore = InMemoryQuotaStore()
    let quotaLimits = QuotaLimits(requests: 1_000_000_000, requestWindow: .seconds(1), requestBurst: 1_000_000_000)
    let quotaCost = QuotaCost(requests: 1, tokens: 0)
    Benchmark("Quota store reserve, in memory, admitted", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(quotaStore.reserve(quotaCost, key: "account", limits: quotaLimits, maxWait: .zero))
        }
    }
    Benchmark("Rate limiter tryAcquire, no rate configured", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(unlimited.tryAcquire()) }
    }

    // The target: 64 waiters at 100/s get 100/s ± 2 %. 200 admissions from an empty bucket take
    // 2.00 s at exactly the rate; the wall time of one iteration is the measurement.
    Benchmark(
        "Rate limiter: 64 waiters at 100/s, 200 admissions",
        configuration: .init(metrics: [.wallClock], warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 3)
    ) { benchmark in
        let limiter = RateLimiter(
            configuration: .init(requestsPerSecond: 100, burst: 1, maxWait: .seconds(60)),
            maxWait: .seconds(60),
            timeSource: .system
        )
        try await limiter.acquire()
        benchmark.startMeasurement()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask { for _ in 0..<(task < 8 ? 4 : 3) { try await limiter.acquire() } }
            }
            try await group.waitForAll()
        }
        benchmark.stopMeasurement()
    }

    // No query of the limiter waits behind a sleeping waiter: with 64 callers queued, a caller
    // whose wait would pass maxWait is refused at once. The rate is slow enough (one per 100 s)
    // that no waiter leaves the queue while the benchmark runs.
    Benchmark(
        "Rate limiter: refusal while 64 callers wait",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal],
            warmupIterations: 10,
            scalingFactor: .kilo,
            maxDuration: .seconds(3)
        )
    ) { benchmark in
        let limiter = RateLimiter(
            configuration: .init(requestsPerSecond: 0.01, burst: 1, maxWait: .seconds(6_450)),
            maxWait: .seconds(6_450),
            timeSource: .system
        )
        try await limiter.acquire()
        let waiters = (0..<64).map { _ in Task { try await limiter.acquire() } }
        while limiter.waitingCount < 64 { await Task.yield() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            do {
                try await limiter.acquire()
                fatalError("expected a refusal")
            } catch {
                blackHole(error)
            }
        }
        benchmark.stopMeasurement()
        for waiter in waiters { waiter.cancel() }
    }

    let redactor = Redactor(knownSecrets: ["demo@aiyou.test", "demo-password", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl"])
    let errorBody =
        #"{"message":"Invalid credentials for demo@aiyou.test","type":"AuthenticationError","code":401,"detail":"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl expired"}"#
    Benchmark("Redact an error body", configuration: fast) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(redactor.redact(errorBody)) }
    }
    redactorBenchmarks()
    mcpBenchmarks(configuration: slow)

    // MARK: End to end, over loopback

    let environment = EndToEnd()
    var endToEnd = slow
    endToEnd.scalingFactor = .one
    endToEnd.setup = { try await environment.start() }
    endToEnd.teardown = { try await environment.stop() }
    var perCall = endToEnd
    perCall.metrics = [.wallClock, .throughput, .mallocCountTotal, .cpuTotal, .contextSwitches]
    Benchmark("End to end: chat completion, 1 caller", configuration: perCall) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await environment.client().chatCompletion(environment.request)) }
    }
    // Instrumentation on: the same call recording its metrics into a real in-process backend
    // (swift-prometheus), then also its spans (an in-memory tracer, emptied after each call).
    // Compare with the first case: that is the call with instrumentation off.
    Benchmark("End to end: chat completion, 1 caller, metrics on (Prometheus)", configuration: perCall) { benchmark in
        let client = environment.meteredClient()
        for _ in benchmark.scaledIterations { blackHole(try await client.chatCompletion(environment.request)) }
    }
    Benchmark("End to end: chat completion, 1 caller, metrics and spans on", configuration: perCall) { benchmark in
        let client = environment.tracedClient()
        for _ in benchmark.scaledIterations {
            blackHole(try await client.chatCompletion(environment.request))
            environment.tracer.clearFinishedSpans()
        }
    }
    // The same caller on the client's event-loop executor: no thread hop per call.
    Benchmark("End to end: chat completion, 1 caller on the event-loop executor", configuration: perCall) { benchmark in
        let client = environment.client()
        try await withTaskExecutorPreference(client.eventLoopExecutor()) {
            for _ in benchmark.scaledIterations { blackHole(try await client.chatCompletion(environment.request)) }
        }
    }
    // One iteration is 64 concurrent calls: throughput × 64 is calls per second, mallocs and CPU
    // per iteration ÷ 64 are per call.
    var wide = perCall
    wide.metrics = [.wallClock, .throughput, .mallocCountTotal, .cpuTotal, .peakMemoryResidentDelta]
    Benchmark("End to end: chat completion, 64 callers (one iteration = 64 calls)", configuration: wide) { benchmark in
        let client = environment.client()
        for _ in benchmark.scaledIterations {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<64 { group.addTask { blackHole(try await client.chatCompletion(environment.request)) } }
                try await group.waitForAll()
            }
        }
    }
    var cacheConfiguration = endToEnd
    cacheConfiguration.scalingFactor = .kilo
    cacheConfiguration.metrics = [.wallClock, .throughput, .mallocCountTotal, .instructions]
    Benchmark("Cache hit: assistants() from the response cache", configuration: cacheConfiguration) { benchmark in
        let client = environment.cachedClient()
        for _ in benchmark.scaledIterations { blackHole(try await client.assistants()) }
    }
    // The embedded server streams; nginx's JSON port (AIYOU_BENCH_BASE_URL) does not.
    if ProcessInfo.processInfo.environment["AIYOU_BENCH_BASE_URL"] == nil {
        Benchmark("End to end: streamed answer, 100 events", configuration: endToEnd) { benchmark in
            for _ in benchmark.scaledIterations {
                for try await chunk in try await environment.client().chatCompletionStream(environment.request) { blackHole(chunk) }
            }
        }
    }
    var longStream = perCall
    longStream.metrics = [.wallClock, .throughput, .mallocCountTotal, .cpuTotal]
    Benchmark("End to end: streamed answer, 10,000 events", configuration: longStream) { benchmark in
        for _ in benchmark.scaledIterations {
            var events = 0
            for try await chunk in try await environment.streamClient().chatCompletionStream(environment.request) {
                blackHole(chunk)
                events += 1
            }
            precondition(events >= 10_000, "the stream has \(events) events")
        }
    }
}

/// A client and, unless `AIYOU_BENCH_BASE_URL` names one, an embedded server.
final class EndToEnd: @unchecked Sendable {
    // @unchecked: the servers and clients are written only in setup and teardown, which the benchmark
    // runner calls before and after the measured iterations, never concurrently with them.
    private var server: MockAIYouServer?
    private var streamServer: MockAIYouServer?
    private var shared: AIYouClient?
    private var cached: AIYouClient?
    private var streaming: AIYouClient?
    private var metered: AIYouClient?
    private var traced: AIYouClient?
    let tracer = InMemoryTracer()
    let request = ChatCompletionRequest(messages: [.text("Bonjour, peux-tu m'aider ?")], assistantID: "602")

    func client() -> AIYouClient { shared! }
    func cachedClient() -> AIYouClient { cached! }
    func streamClient() -> AIYouClient { streaming! }
    func meteredClient() -> AIYouClient { metered! }
    func tracedClient() -> AIYouClient { traced! }

    func start() async throws {
        var baseURL = ProcessInfo.processInfo.environment["AIYOU_BENCH_BASE_URL"]
        if baseURL == nil {
            var configuration = MockServerConfiguration()
            configuration.streamChunkCount = 100
            let server = MockAIYouServer(configuration: configuration)
            try await server.start()
            self.server = server
            baseURL = server.baseURL
        }
        var configuration = Configuration(baseURL: baseURL!, credentials: .bearerToken(MockAccount.demoAPIKey))
        configuration.allowsInsecureHTTP = true
        configuration.connectionPool.maxConnectionsPerHost = 64
        shared = try AIYouClient(configuration: configuration)
        let registry = PrometheusCollectorRegistry()
        var prometheus = PrometheusMetricsFactory(registry: registry)
        prometheus.nameAndLabelSanitizer = { label, dimensions in (label.replacingOccurrences(of: ".", with: "_"), dimensions) }
        var meteredConfiguration = configuration
        meteredConfiguration.observability = .init(metricsFactory: prometheus)
        metered = try AIYouClient(configuration: meteredConfiguration)
        meteredConfiguration.observability.tracer = tracer
        traced = try AIYouClient(configuration: meteredConfiguration)
        var streamURL = ProcessInfo.processInfo.environment["AIYOU_BENCH_STREAM_URL"]
        if streamURL == nil {
            var long = MockServerConfiguration()
            long.streamChunkCount = 10_000
            let server = MockAIYouServer(configuration: long)
            try await server.start()
            streamServer = server
            streamURL = server.baseURL
        }
        var streamConfiguration = configuration
        streamConfiguration.baseURL = streamURL!
        streaming = try AIYouClient(configuration: streamConfiguration)
        configuration.cache = .init(assistantsTTL: .seconds(3600))
        let cached = try AIYouClient(configuration: configuration)
        _ = try await cached.assistants()
        self.cached = cached
    }

    func stop() async throws {
        try await shared?.shutdown()
        try await cached?.shutdown()
        try await streaming?.shutdown()
        try await metered?.shutdown()
        try await traced?.shutdown()
        metered = nil
        traced = nil
        try await server?.shutdown()
        try await streamServer?.shutdown()
        shared = nil
        cached = nil
        streaming = nil
        server = nil
        streamServer = nil
    }
}

/// The JSONDecoder baseline of the embeddings benchmark: the answer through plain Codable structs.
struct PlainEmbeddings: Decodable {
    struct Item: Decodable {
        var index: Int
        var embedding: [Float]
    }

    var data: [Item]
    var model: String?
}
