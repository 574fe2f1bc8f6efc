import CoreMetrics
import Foundation
import NIOHTTP1
import OTelSemanticConventions
import Tracing

/// What a call is, for its span and its metrics: set by the endpoint on its ``APIRequest``.
struct CallDescription: Sendable {
    /// `gen_ai.operation.name` (`chat`), for the calls that are GenAI operations.
    var genAIOperation: String?
    var model: String?
    var assistantID: String?
    var maxTokens: Int?
    var temperature: Double?
    var topP: Double?
    var conversationID: String?
    /// The messages as JSON, computed only when contents are recorded.
    var inputMessages: (@Sendable () -> String)?

    /// `gen_ai.request.model` in metrics: the model, or the assistant that chose it.
    var modelDimension: String? { model ?? assistantID.map { "assistant:\($0)" } }
}

/// The client's metrics and spans, built once per client. When neither a metrics backend nor a
/// tracer is in use, ``begin(_:_:)`` returns `nil` and a call pays for one branch.
final class Telemetry: Sendable {
    let metrics: (any MetricsFactory)?
    let tracer: (any Tracer)?
    let recordsMessageContent: Bool
    let baseURL: String
    let serverAddress: String
    let serverPort: String
    let serverPortNumber: Int
    let redact: @Sendable (String) -> String
    private let handles = MetricHandles()

    static let providerName = "cloud_temple.aiyou"

    init(observability: Configuration.Observability, baseURL: String, redact: @escaping @Sendable (String) -> String) {
        let factory = observability.metricsFactory ?? MetricsSystem.factory
        self.metrics = factory is NOOPMetricsHandler ? nil : factory
        let tracer = observability.tracer ?? InstrumentationSystem.tracer
        self.tracer = tracer is NoOpTracer ? nil : tracer
        self.recordsMessageContent = observability.recordsMessageContent
        let components = URLComponents(string: baseURL)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.serverAddress = components?.host ?? ""
        self.serverPortNumber = components?.port ?? (components?.scheme == "http" ? 80 : 443)
        self.serverPort = String(serverPortNumber)
        self.redact = redact
    }

    var isActive: Bool { metrics != nil || tracer != nil }

    /// Starts observing one call, or returns `nil` when nothing is recorded.
    func begin(_ operation: AIYouOperation, _ call: CallDescription?) -> (any CallObserver)? {
        guard isActive else { return nil }
        return TelemetryCallObserver(telemetry: self, operation: operation, call: call)
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> (any TimerHandler)? {
        guard let metrics else { return nil }
        return handles.timer(label, dimensions, factory: metrics)
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> (any CounterHandler)? {
        guard let metrics else { return nil }
        return handles.counter(label, dimensions, factory: metrics)
    }

    func recorder(_ label: String, _ dimensions: [(String, String)]) -> (any RecorderHandler)? {
        guard let metrics else { return nil }
        return handles.recorder(label, dimensions, factory: metrics)
    }

    /// Writes the trace context of `span` into `headers` (W3C `traceparent` with an OpenTelemetry
    /// tracer), so that the service's own spans can join the trace.
    func inject(_ span: any Span, into headers: inout HTTPHeaders) {
        tracer?.inject(span.context, into: &headers, using: HeadersInjector())
    }

    private struct HeadersInjector: Injector {
        func inject(_ value: String, forKey key: String, into headers: inout HTTPHeaders) {
            headers.replaceOrAdd(name: key, value: value)
        }
    }

    /// `error.type` of a failed call or attempt: the HTTP status when the service answered, else
    /// the error's code.
    static func errorType(_ error: any Error) -> String {
        guard let error = error as? AIYouError else { return String(describing: type(of: error)) }
        return error.status.map(String.init) ?? error.code.description
    }
}

/// Metric handlers by name and dimensions, made once by the factory and reused: a backend looks
/// its metrics up by name on every `make…` call. Bounded: beyond ``maxEntries`` distinct series,
/// handlers are made for each use and not kept.
final class MetricHandles: Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    private struct Handles: Sendable {
        var timers: [Key: any TimerHandler] = [:]
        var counters: [Key: any CounterHandler] = [:]
        var recorders: [Key: any RecorderHandler] = [:]
        var count: Int { timers.count + counters.count + recorders.count }
    }

    static let maxEntries = 2048
    private let state = Locked(Handles())

    func timer(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> any TimerHandler {
        let key = Key(label, dimensions)
        if let handler = state.withLock({ $0.timers[key] }) { return handler }
        let handler = factory.makeTimer(label: label, dimensions: dimensions)
        state.withLock { if $0.count < Self.maxEntries { $0.timers[key] = handler } }
        return handler
    }

    func counter(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> any CounterHandler {
        let key = Key(label, dimensions)
        if let handler = state.withLock({ $0.counters[key] }) { return handler }
        let handler = factory.makeCounter(label: label, dimensions: dimensions)
        state.withLock { if $0.count < Self.maxEntries { $0.counters[key] = handler } }
        return handler
    }

    func recorder(_ label: String, _ dimensions: [(String, String)], factory: any MetricsFactory) -> any RecorderHandler {
        let key = Key(label, dimensions)
        if let handler = state.withLock({ $0.recorders[key] }) { return handler }
        let handler = factory.makeRecorder(label: label, dimensions: dimensions, aggregate: true)
        state.withLock { if $0.count < Self.maxEntries { $0.recorders[key] = handler } }
        return handler
    }
}
