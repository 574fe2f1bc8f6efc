import Hummingbird
import Synchronization

/// Enforces the shared quota (``MockSharedQuota``) once the request is authenticated: counts
/// the request in its window, refuses it with 429 when the window's requests or output tokens
/// are spent, lets a chat route report its answer's output tokens, and writes the rate-limit
/// headers of the quota on the answer (on the head of a stream). Without a quota it reads one
/// atomic flag and passes the request on.
///
/// It sits after ``AuthMiddleware``, on every route but `POST /api/login`: faults answered
/// before authentication (``FaultMiddleware``) and refused tokens are not counted.
struct SharedQuotaMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext

    let state: MockServerState
    let route: MockRoute

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard var decision = self.state.sharedQuota.admit() else {
            return try await next(request, context)
        }
        guard decision.isAdmitted else {
            var headers = HTTPFields()
            headers.reserveCapacity(9)
            SharedQuotaHeaders.write(decision, into: &headers)
            SharedQuotaHeaders.writeRetryAfter(decision, into: &headers)
            return FaultAction.tooManyRequests(openAIShape: self.route.isLLMaaS, headers: headers)
        }
        var context = context
        let meter = self.route.isChat ? OutputTokenMeter() : nil
        context.outputTokenMeter = meter
        var response = try await next(request, context)
        if let tokens = meter?.tokens, tokens > 0 {
            let charged = self.state.sharedQuota.charge(tokens, to: decision.ticket)
            decision.tokensUsed = charged ?? decision.tokensUsed + min(tokens, Int.max - decision.tokensUsed)
        }
        SharedQuotaHeaders.write(decision, into: &response.headers)
        return response
    }
}

/// Where a chat route reports the output tokens of its answer, for ``SharedQuotaMiddleware``
/// to charge them once the route has returned (the route runs inside the middleware's call, in
/// the same task).
final class OutputTokenMeter: Sendable {
    private let counted = Atomic<Int>(0)

    /// The tokens reported.
    var tokens: Int { self.counted.load(ordering: .relaxed) }

    /// Reports `tokens` more output tokens (a negative count is ignored).
    func add(_ tokens: Int) {
        guard tokens > 0 else { return }
        _ = self.counted.wrappingAdd(tokens, ordering: .relaxed)
    }
}

/// The headers of an answer under the shared quota.
enum SharedQuotaHeaders {
    static let limitRequests = HTTPFieldName("X-RateLimit-Limit-Requests")!
    static let remainingRequests = HTTPFieldName("X-RateLimit-Remaining-Requests")!
    static let resetRequests = HTTPFieldName("X-RateLimit-Reset-Requests")!
    static let limitTokens = HTTPFieldName("X-RateLimit-Limit-Tokens")!
    static let remainingTokens = HTTPFieldName("X-RateLimit-Remaining-Tokens")!
    static let resetTokens = HTTPFieldName("X-RateLimit-Reset-Tokens")!
    static let retryAfterMilliseconds = HTTPFieldName("retry-after-ms")!

    /// Writes, replacing any of the same name: the request headers when requests are limited
    /// (else removes them, so that LLMaaS's fixed ones do not speak for the quota), the token
    /// headers when tokens are limited. The reset is the time to the window's end in
    /// milliseconds, rounded up, e.g. `734ms`.
    static func write(_ decision: SharedQuotaLedger.Decision, into headers: inout HTTPFields) {
        let reset = String(Self.milliseconds(decision.nanosecondsToReset)) + "ms"
        if let limit = decision.requestLimit {
            headers[Self.limitRequests] = String(limit)
            headers[Self.remainingRequests] = String(max(0, limit - decision.requestsUsed))
            headers[Self.resetRequests] = reset
        } else {
            headers[Self.limitRequests] = nil
            headers[Self.remainingRequests] = nil
            headers[Self.resetRequests] = nil
        }
        if let limit = decision.tokenLimit {
            headers[Self.limitTokens] = String(limit)
            headers[Self.remainingTokens] = String(max(0, limit - decision.tokensUsed))
            headers[Self.resetTokens] = reset
        }
    }

    /// Writes `Retry-After` (whole seconds to the window's end, rounded up) and `retry-after-ms`.
    static func writeRetryAfter(_ decision: SharedQuotaLedger.Decision, into headers: inout HTTPFields) {
        let nanoseconds = decision.nanosecondsToReset
        let seconds = nanoseconds / 1_000_000_000 + (nanoseconds % 1_000_000_000 > 0 ? 1 : 0)
        headers[.retryAfter] = String(max(1, seconds))
        headers[Self.retryAfterMilliseconds] = String(Self.milliseconds(nanoseconds))
    }

    /// Nanoseconds as milliseconds, rounded up, at least 1.
    private static func milliseconds(_ nanoseconds: Int64) -> Int64 {
        max(1, nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 > 0 ? 1 : 0))
    }
}
