import CoreMetrics
import Tracing

extension Configuration {
    /// Where the client's metrics and spans go.
    ///
    /// By default the client uses what the application bootstrapped (`MetricsSystem.bootstrap`,
    /// `InstrumentationSystem.bootstrap`) when the client is created; the library bootstraps
    /// nothing. With neither bootstrapped, the client records nothing and pays one branch per call.
    /// The metric and attribute names are OpenTelemetry's (see ``AIYouMetric``).
    public struct Observability: Sendable {
        /// The metrics backend; `nil` uses `MetricsSystem.factory`.
        public var metricsFactory: (any MetricsFactory)?
        /// The tracer; `nil` uses `InstrumentationSystem.tracer`.
        public var tracer: (any Tracer)?
        /// Record the messages sent and received as span attributes (`gen_ai.input.messages`,
        /// `gen_ai.output.messages`), redacted like logs. Off by default: a prompt may hold
        /// personal data.
        public var recordsMessageContent: Bool

        /// The application's bootstrapped backends, without message contents.
        public init(metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil, recordsMessageContent: Bool = false) {
            self.metricsFactory = metricsFactory
            self.tracer = tracer
            self.recordsMessageContent = recordsMessageContent
        }

        /// Neither metrics nor spans, whatever the application bootstrapped.
        public static var disabled: Observability {
            Observability(metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer())
        }
    }
}

/// The names of the metrics the client records, as OpenTelemetry's semantic conventions name
/// them (the `gen_ai.*` and `http.*` ones), and the client's own counters (`aiyou.*`). The
/// attribute names come from `OTelSemanticConventions`.
public enum AIYouMetric {
    /// Seconds per HTTP attempt (`http.request.method`, `server.address`, `server.port`,
    /// `http.response.status_code`, `error.type`).
    public static let httpClientRequestDuration = "http.client.request.duration"
    /// Seconds per call, retries included (`gen_ai.operation.name`, `gen_ai.request.model` — the
    /// model, or `assistant:ID` — `gen_ai.provider.name`, `error.type`).
    public static let operationDuration = "gen_ai.client.operation.duration"
    /// Tokens per call, from the answer's `usage` (`gen_ai.token.type`: `input` or `output`).
    public static let tokenUsage = "gen_ai.client.token.usage"
    /// Seconds from the start of a streamed call to its first chunk.
    public static let timeToFirstChunk = "gen_ai.client.operation.time_to_first_chunk"
    /// Seconds between two chunks of a stream, after the first.
    public static let timePerOutputChunk = "gen_ai.client.operation.time_per_output_chunk"
    /// Retries, by `aiyou.retry.reason` (the status, or the network failure).
    public static let retries = "aiyou.client.retries"
    /// Calls that waited in the client's rate limiter.
    public static let limiterWaits = "aiyou.client.rate_limiter.waits"
    /// Calls the rate limiter refused (a wait beyond its bound).
    public static let limiterRefusals = "aiyou.client.rate_limiter.refusals"
    /// Reads answered from the response cache, by `aiyou.cache.group`.
    public static let cacheHits = "aiyou.client.cache.hits"
    /// Reads the response cache could not answer, by `aiyou.cache.group`.
    public static let cacheMisses = "aiyou.client.cache.misses"
    /// Logins (`error.type` set when one failed).
    public static let logins = "aiyou.client.logins"
}
