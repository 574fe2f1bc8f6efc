import CoreMetrics
import InMemoryTracing
import Metrics
import Prometheus
import Synchronization
import Tracing

/// The service's metrics registry and tracer.
///
/// Metrics go to a Prometheus registry that `GET /metrics` exposes. Spans go to swift-distributed-
/// tracing's `InMemoryTracer` and `GET /spans` lists the recent ones: swift-otel 1.6.0 exports
/// spans only over OTLP (network), so an in-memory tracer keeps this example self-contained. To
/// send spans to a collector, bootstrap swift-otel instead (`OTel.bootstrap`); nothing else changes.
public struct ChatTelemetry: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let metricsFactory: PrometheusMetricsFactory
    public let tracer: InMemoryTracer
    public let spans: SpanLog

    /// A new registry and tracer; `spanCapacity` bounds how many finished spans are kept.
    public init(spanCapacity: Int = 256) {
        self.registry = PrometheusCollectorRegistry()
        self.metricsFactory = Self.prometheusFactory(registry: registry)
        // Recording injected trace headers would keep one entry per HTTP attempt forever.
        self.tracer = InMemoryTracer(recordInjections: false, recordExtractions: false)
        self.spans = SpanLog(tracer: tracer, capacity: spanCapacity)
    }

    /// A Prometheus factory for `registry` whose names suit Prometheus: the library's metric and
    /// label names are OpenTelemetry's (`gen_ai.client.operation.duration`, `error.type`), and
    /// Prometheus allows no dots, so `.` becomes `_` (`gen_ai_client_operation_duration`).
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusName($0.0), $0.1) })
        }
        return factory
    }

    /// `name` with every character Prometheus does not allow in a name replaced by `_`.
    public static func prometheusName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }

    /// Makes these the process's metrics backend and tracer, for the AIYou client and any other
    /// library that records metrics or spans. Call it once, at startup.
    public func bootstrapGlobally() {
        MetricsSystem.bootstrap(metricsFactory)
        InstrumentationSystem.bootstrap(tracer)
    }

    /// The Prometheus text exposition of every metric.
    public func metricsText() -> String {
        registry.emitToString()
    }
}

/// The most recent finished spans, at most `capacity` of them.
///
/// The in-memory tracer keeps every finished span; ``collect()`` (after each `POST /ask`, and on
/// each read) moves them here, where the oldest are dropped, so memory stays bounded however long
/// the service runs.
public final class SpanLog: Sendable {
    private let tracer: InMemoryTracer
    private let capacity: Int
    private let recent = Mutex<[FinishedInMemorySpan]>([])

    init(tracer: InMemoryTracer, capacity: Int) {
        self.tracer = tracer
        self.capacity = max(capacity, 1)
    }

    /// Moves the tracer's finished spans into the log, dropping the oldest beyond capacity.
    public func collect() {
        let finished = tracer.popFinishedSpans()
        guard !finished.isEmpty else { return }
        recent.withLock { spans in
            spans.append(contentsOf: finished)
            if spans.count > capacity { spans.removeFirst(spans.count - capacity) }
        }
    }

    /// The recent spans, oldest first (collected first).
    public func snapshot() -> [FinishedInMemorySpan] {
        collect()
        return recent.withLock { $0 }
    }

    /// One line per span: its id, its parent's (`-` for a root), its name and its attributes.
    public func text() -> String {
        snapshot().map { span in
            var attributes: [String] = []
            // `SpanAttributes` is not a Sequence: `forEach` is its only way to list its members.
            // swift-format-ignore: ReplaceForEachWithForLoop
            span.attributes.forEach { key, value in attributes.append("\(key)=\(Self.describe(value))") }
            return "span=\(span.spanID) parent=\(span.parentSpanID ?? "-") trace=\(span.traceID) name=\"\(span.operationName)\" "
                + attributes.sorted().joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    /// An attribute's value as text: `POST`, `200`, `["stop"]`.
    static func describe(_ value: SpanAttribute) -> String {
        switch value {
        case .string(let string): string
        case .int64(let number): String(number)
        case .int32(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .stringArray(let strings): "[" + strings.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        default: "\(value)"
        }
    }
}
