import CoreMetrics
import Foundation
import NIOHTTP1
import OTelSemanticConventions
import Tracing

/// The span and metrics of one call (the ``CallObserver`` ``Telemetry`` makes): started when the
/// call starts, fed by the pipeline (attempts, retries, limiter, cache), the endpoint (the answer)
/// and the stream (chunks), ended once with the call's outcome. Metric names and attributes follow
/// OpenTelemetry's HTTP and GenAI semantic conventions.
final class TelemetryCallObserver: CallObserver {
    let telemetry: Telemetry
    let operation: AIYouOperation
    let call: CallDescription?
    let span: (any Span)?
    private let started = ContinuousClock.now
    private let state = Locked(State())

    private struct State: Sendable {
        var ended = false
        var lastChunk: ContinuousClock.Instant?
        var responseID: String?
        var responseModel: String?
        /// One finish reason per choice index (at most ``ChatCompletionAccumulator/maxChoices``),
        /// however many chunks repeat one.
        var finishReasons: [Int: String] = [:]
        var usage: ChatCompletion.Usage?
        var output = ""

        /// The finish reasons in choice order, for the span.
        var orderedFinishReasons: [String] {
            finishReasons.sorted { $0.key < $1.key }.map(\.value)
        }

        mutating func record(finishReason: String, choice: Int) {
            guard finishReasons.count < ChatCompletionAccumulator.maxChoices || finishReasons[choice] != nil else { return }
            finishReasons[choice] = String(finishReason.utf8Prefix(maxBytes: TelemetryCallObserver.maxAttributeBytes))
        }

        /// Appends streamed text for the span's output attribute, up to ``maxOutputBytes``.
        mutating func record(output text: String) {
            let room = TelemetryCallObserver.maxOutputBytes - output.utf8.count
            guard room > 0 else { return }
            output.append(contentsOf: text.utf8Prefix(maxBytes: room))
        }
    }

    /// The longest id, model name or finish reason kept for a span, in UTF-8 bytes.
    static let maxAttributeBytes = 256
    /// The most streamed text kept for the span's output attribute, in UTF-8 bytes.
    static let maxOutputBytes = 65_536

    /// `text` cut to ``maxAttributeBytes``.
    private static func attribute(_ text: String?) -> String? {
        text.map { String($0.utf8Prefix(maxBytes: maxAttributeBytes)) }
    }

    init(telemetry: Telemetry, operation: AIYouOperation, call: CallDescription?) {
        self.telemetry = telemetry
        self.operation = operation
        self.call = call
        guard let tracer = telemetry.tracer else {
            self.span = nil
            return
        }
        let name: String
        if let genAI = call?.genAIOperation {
            name = [genAI, call?.model ?? call?.assistantID].compactMap { $0 }.joined(separator: " ")
        } else {
            name = operation.name
        }
        let span = tracer.startSpan(name, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        var attributes = SpanAttributes()
        attributes[OTelAttribute.server.address] = telemetry.serverAddress
        attributes[AIYouLogKey.operation] = operation.name
        if let call {
            if let genAI = call.genAIOperation {
                attributes[GenAIAttribute.operationName] = genAI
                attributes[GenAIAttribute.providerName] = Telemetry.providerName
            }
            if let model = call.model { attributes[GenAIAttribute.requestModel] = model }
            if let assistant = call.assistantID { attributes[GenAIAttribute.agentID] = assistant }
            if let maxTokens = call.maxTokens { attributes[GenAIAttribute.requestMaxTokens] = Int64(maxTokens) }
            if let temperature = call.temperature { attributes[GenAIAttribute.requestTemperature] = temperature }
            if let topP = call.topP { attributes[GenAIAttribute.requestTopP] = topP }
            if let conversation = call.conversationID { attributes[GenAIAttribute.conversationID] = conversation }
            if telemetry.recordsMessageContent, let messages = call.inputMessages {
                attributes[GenAIAttribute.inputMessages] = telemetry.redact(messages())
            }
        }
        span.attributes.merge(attributes)
        self.span = span
    }

    /// The context that makes AsyncHTTPClient's span of an attempt a child of this call's span.
    var context: ServiceContext? { span?.context }

    /// Starts the span of one HTTP attempt (number `resendCount` + 1), a child of the call's span,
    /// and writes its trace context into the attempt's headers.
    func attemptStarted(method: HTTPMethod, target: String, resendCount: Int, headers: inout HTTPHeaders) -> (any Span)? {
        guard let tracer = telemetry.tracer, let span else { return nil }
        let attempt = tracer.startSpan(method.rawValue, context: span.context, ofKind: .client)
        var attributes = SpanAttributes()
        attributes[OTelAttribute.http.request.method] = method.rawValue
        attributes[OTelAttribute.server.address] = telemetry.serverAddress
        attributes[OTelAttribute.server.port] = Int64(telemetry.serverPortNumber)
        attributes[OTelAttribute.url.full] = telemetry.baseURL + target
        if resendCount > 0 { attributes[OTelAttribute.http.request.resendCount] = Int64(resendCount) }
        attempt.attributes.merge(attributes)
        telemetry.inject(attempt, into: &headers)
        return attempt
    }

    /// One HTTP attempt ended: with a status, or with a failure on the wire.
    func attemptEnded(_ attemptSpan: (any Span)?, method: HTTPMethod, status: Int?, failure: (any Error)?, duration: Duration) {
        let errorType: String? =
            if let status, status >= 400 { String(status) } else if let failure { Telemetry.errorType(failure) } else { nil }
        if let attemptSpan {
            if let status { attemptSpan.attributes[OTelAttribute.http.response.statusCode] = Int64(status) }
            if let errorType {
                attemptSpan.attributes[OTelAttribute.error.type] = errorType
                attemptSpan.setStatus(SpanStatus(code: .error))
            }
            attemptSpan.end()
        }
        guard telemetry.metrics != nil else { return }
        var dimensions: [(String, String)] = [
            (OTelAttribute.http.request.method, method.rawValue),
            (OTelAttribute.server.address, telemetry.serverAddress),
            (OTelAttribute.server.port, telemetry.serverPort),
        ]
        if let status { dimensions.append((OTelAttribute.http.response.statusCode, String(status))) }
        if let errorType { dimensions.append((OTelAttribute.error.type, errorType)) }
        telemetry.timer(AIYouMetric.httpClientRequestDuration, dimensions)?.recordNanoseconds(duration.nanoseconds)
    }

    /// The call will try again after `delay`, because of `reason`.
    func retrying(reason: String, delay: Duration, nextAttempt: Int) {
        telemetry.counter(AIYouMetric.retries, [(AIYouLogKey.operation, operation.name), (AIYouLogKey.retryReason, reason)])?.increment(
            by: 1
        )
        span?.addEvent(
            SpanEvent(
                name: AIYouLogKey.retry,
                attributes: [
                    AIYouLogKey.retryReason: .string(reason), AIYouLogKey.retryDelayMilliseconds: .int64(delay.milliseconds),
                    AIYouLogKey.attempt: .int64(Int64(nextAttempt)),
                ]
            )
        )
    }

    /// The call waited in the client's rate limiter (`refused`: and was refused).
    func limiterWaited(refused: Bool) {
        telemetry.counter(refused ? AIYouMetric.limiterRefusals : AIYouMetric.limiterWaits, [(AIYouLogKey.operation, operation.name)])?
            .increment(by: 1)
        span?.addEvent(SpanEvent(name: refused ? AIYouLogKey.rateLimiterRefused : AIYouLogKey.rateLimiterWait))
    }

    /// A cacheable read was answered from the cache (`hit`) or had to be fetched.
    func cacheAnswered(hit: Bool, group: CacheGroup) {
        telemetry.counter(hit ? AIYouMetric.cacheHits : AIYouMetric.cacheMisses, [(AIYouLogKey.cacheGroup, group.rawValue)])?.increment(
            by: 1
        )
        span?.attributes[AIYouLogKey.cacheHit] = hit
    }

    /// The call's answer, for the response attributes and the token usage.
    func answered(_ answer: CallAnswer) {
        let text = telemetry.recordsMessageContent ? answer.text() : ""
        state.withLock { state in
            state.responseID = Self.attribute(answer.responseID)
            state.responseModel = Self.attribute(answer.responseModel)
            for (choice, reason) in answer.finishReasons { state.record(finishReason: reason, choice: choice) }
            state.usage = answer.usage
            if !text.isEmpty { state.record(output: text) }
        }
    }

    /// A streamed chunk reached the caller.
    func chunk(_ chunk: ChatCompletionChunk) {
        let now = ContinuousClock.now
        let previous = state.withLock { state in
            defer { state.lastChunk = now }
            if state.responseID == nil { state.responseID = Self.attribute(chunk.id) }
            if state.responseModel == nil { state.responseModel = Self.attribute(chunk.model) }
            for choice in chunk.choices {
                if let reason = choice.finishReason { state.record(finishReason: reason, choice: choice.index) }
                if telemetry.recordsMessageContent, let text = choice.delta.content { state.record(output: text) }
            }
            if let usage = chunk.usage { state.usage = usage }
            return state.lastChunk
        }
        guard telemetry.metrics != nil else { return }
        let dimensions = genAIDimensions(error: nil)
        if let previous {
            telemetry.timer(AIYouMetric.timePerOutputChunk, dimensions)?.recordNanoseconds((now - previous).nanoseconds)
        } else {
            telemetry.timer(AIYouMetric.timeToFirstChunk, dimensions)?.recordNanoseconds((now - started).nanoseconds)
        }
    }

    /// Ends the call: records its duration and token usage and ends the span. Only the first
    /// call counts.
    func finish(error: (any Error)?) {
        let snapshot = state.withLock { state -> State? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let snapshot else { return }
        let duration = ContinuousClock.now - started
        if telemetry.metrics != nil {
            if operation == .login {
                let dimensions = error.map { [(OTelAttribute.error.type, Telemetry.errorType($0))] } ?? []
                telemetry.counter(AIYouMetric.logins, dimensions)?.increment(by: 1)
            }
            if call?.genAIOperation != nil {
                let dimensions = genAIDimensions(error: error)
                telemetry.timer(AIYouMetric.operationDuration, dimensions)?.recordNanoseconds(duration.nanoseconds)
                if let usage = snapshot.usage {
                    let base = genAIDimensions(error: nil)
                    telemetry.recorder(AIYouMetric.tokenUsage, base + [(GenAIAttribute.tokenType, "input")])?.record(
                        Int64(usage.promptTokens)
                    )
                    telemetry.recorder(AIYouMetric.tokenUsage, base + [(GenAIAttribute.tokenType, "output")])?.record(
                        Int64(usage.completionTokens)
                    )
                }
            }
        }
        guard let span else { return }
        var attributes = SpanAttributes()
        if let id = snapshot.responseID { attributes[GenAIAttribute.responseID] = id }
        if let model = snapshot.responseModel { attributes[GenAIAttribute.responseModel] = model }
        if !snapshot.finishReasons.isEmpty { attributes[GenAIAttribute.responseFinishReasons] = snapshot.orderedFinishReasons }
        if let usage = snapshot.usage {
            attributes[GenAIAttribute.usageInputTokens] = Int64(usage.promptTokens)
            attributes[GenAIAttribute.usageOutputTokens] = Int64(usage.completionTokens)
        }
        if telemetry.recordsMessageContent, !snapshot.output.isEmpty {
            attributes[GenAIAttribute.outputMessages] = telemetry.redact(snapshot.output)
        }
        if let error {
            attributes[OTelAttribute.error.type] = Telemetry.errorType(error)
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: (error as? AIYouError)?.message))
        }
        span.attributes.merge(attributes)
        span.end()
    }

    private func genAIDimensions(error: (any Error)?) -> [(String, String)] {
        var dimensions: [(String, String)] = [
            (GenAIAttribute.operationName, call?.genAIOperation ?? operation.name),
            (GenAIAttribute.providerName, Telemetry.providerName),
        ]
        if let model = call?.modelDimension { dimensions.append((GenAIAttribute.requestModel, model)) }
        if let error { dimensions.append((OTelAttribute.error.type, Telemetry.errorType(error))) }
        return dimensions
    }
}
