import NIOHTTP1
import Tracing

/// The observer of a call that reserved output tokens in a ``Configuration/Quota``: it passes
/// every event to the call's own observer (telemetry's, or none) and, when the call ends, settles
/// the reservation of the attempt that answered to the output tokens the answer was billed
/// (`usage.completion_tokens` of a whole answer or of a stream's usage chunk). Reservations of
/// earlier attempts that got an answer (a stream that broke and was opened again) are kept: the
/// service may have generated for them.
final class QuotaSettlingObserver: CallObserver {
    private struct State: Sendable {
        var reservations: [QuotaGate.Reservation] = []
        var billed: Int?
        var finished = false
    }

    private let inner: (any CallObserver)?
    private let gate: QuotaGate
    private let state = Locked(State())

    init(inner: (any CallObserver)?, gate: QuotaGate) {
        self.inner = inner
        self.gate = gate
    }

    var context: ServiceContext? { inner?.context }

    func attemptStarted(method: HTTPMethod, target: String, resendCount: Int, headers: inout HTTPHeaders) -> (any Span)? {
        inner?.attemptStarted(method: method, target: target, resendCount: resendCount, headers: &headers)
    }

    func attemptEnded(_ span: (any Span)?, method: HTTPMethod, status: Int?, failure: (any Error)?, duration: Duration) {
        inner?.attemptEnded(span, method: method, status: status, failure: failure, duration: duration)
    }

    func retrying(reason: String, delay: Duration, nextAttempt: Int) {
        inner?.retrying(reason: reason, delay: delay, nextAttempt: nextAttempt)
    }

    func limiterWaited(refused: Bool) { inner?.limiterWaited(refused: refused) }

    func cacheAnswered(hit: Bool, group: CacheGroup) { inner?.cacheAnswered(hit: hit, group: group) }

    func quotaReserved(_ reservation: QuotaGate.Reservation) {
        state.withLock { $0.reservations.append(reservation) }
    }

    func answered(_ answer: CallAnswer) {
        if let usage = answer.usage { state.withLock { $0.billed = usage.completionTokens } }
        inner?.answered(answer)
    }

    func chunk(_ chunk: ChatCompletionChunk) {
        if let usage = chunk.usage { state.withLock { $0.billed = usage.completionTokens } }
        inner?.chunk(chunk)
    }

    func finish(error: (any Error)?) {
        let settled: (QuotaGate.Reservation, Int?)? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return state.reservations.last.map { ($0, state.billed) }
        }
        if let (reservation, billed) = settled { gate.settle(reservation, billed: billed) }
        inner?.finish(error: error)
    }
}
