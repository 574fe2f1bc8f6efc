import NIOHTTP1
import Tracing

/// What one call reports as it goes: the pipeline's stages report its attempts, retries, waits in
/// the limiter and cache answers; the endpoint reports what the call answered; a stream reports
/// its chunks; whoever holds the call's outcome reports its end, once.
///
/// The pipeline knows nothing of metrics or spans: ``Telemetry`` makes one observer per call
/// (``TelemetryCallObserver``) when a metrics backend or a tracer is in use, and none otherwise,
/// so a call without observability pays for one `nil` check per event. Every event has a no-op
/// default, so an observer implements only what it records.
protocol CallObserver: Sendable {
    /// The trace context of the call, made current while the call runs so that the spans of its
    /// attempts and of a login it triggers are children of the call's span; `nil` without a span.
    var context: ServiceContext? { get }

    /// An HTTP attempt is about to be sent (`resendCount` attempts went before it); the observer
    /// may add trace headers to `headers`. Returns the attempt's span, handed back to
    /// ``attemptEnded(_:method:status:failure:duration:)``.
    func attemptStarted(method: HTTPMethod, target: String, resendCount: Int, headers: inout HTTPHeaders) -> (any Span)?

    /// The attempt ended: with a status, or with a failure on the wire.
    func attemptEnded(_ span: (any Span)?, method: HTTPMethod, status: Int?, failure: (any Error)?, duration: Duration)

    /// The call will send again after `delay`, because of `reason` (a status or a kind of failure).
    func retrying(reason: String, delay: Duration, nextAttempt: Int)

    /// The call waited in the client's rate limiter (`refused`: and was refused).
    func limiterWaited(refused: Bool)

    /// A cacheable read was answered from the cache (`hit`) or had to be fetched.
    func cacheAnswered(hit: Bool, group: CacheGroup)

    /// An attempt that took output tokens from the quota got an answer: the reservation is
    /// settled when the call ends (``QuotaSettlingObserver``).
    func quotaReserved(_ reservation: QuotaGate.Reservation)

    /// What the call answered, for the response's attributes and the tokens it used.
    func answered(_ answer: CallAnswer)

    /// A streamed chunk reached the caller.
    func chunk(_ chunk: ChatCompletionChunk)

    /// The call ended, with `error` or successfully. Only the first report counts.
    func finish(error: (any Error)?)
}

extension CallObserver {
    var context: ServiceContext? { nil }
    func attemptStarted(method: HTTPMethod, target: String, resendCount: Int, headers: inout HTTPHeaders) -> (any Span)? { nil }
    func attemptEnded(_ span: (any Span)?, method: HTTPMethod, status: Int?, failure: (any Error)?, duration: Duration) {}
    func retrying(reason: String, delay: Duration, nextAttempt: Int) {}
    func limiterWaited(refused: Bool) {}
    func cacheAnswered(hit: Bool, group: CacheGroup) {}
    func quotaReserved(_ reservation: QuotaGate.Reservation) {}
    func answered(_ answer: CallAnswer) {}
    func chunk(_ chunk: ChatCompletionChunk) {}
    func finish(error: (any Error)?) {}
}

/// What a call answered, as its observer records it: the endpoint that knows the answer's type
/// says it (the pipeline decodes any type and never looks inside).
struct CallAnswer: Sendable {
    var responseID: String?
    var responseModel: String?
    /// Finish reasons with their choice index.
    var finishReasons: [(choice: Int, reason: String)] = []
    var usage: ChatCompletion.Usage?
    /// The answer's text, read only when message contents are recorded.
    var text: @Sendable () -> String = { "" }
}

extension ChatCompletion {
    /// The completion as its call's observer records it.
    var callAnswer: CallAnswer {
        let completion = self
        return CallAnswer(
            responseID: id,
            responseModel: model,
            finishReasons: choices.compactMap { choice in choice.finishReason.map { (choice.index, $0) } },
            usage: usage,
            text: { completion.text }
        )
    }
}
