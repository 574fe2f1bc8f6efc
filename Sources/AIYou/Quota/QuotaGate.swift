import Logging

/// The client's side of a ``Configuration/Quota``: takes a place in the quota for each attempt
/// (waiting for it when the store says so), gives back what an attempt did not use, and falls
/// back to a limit in this process when the store fails, as configured. One per client.
final class QuotaGate: Sendable {
    /// A place taken in the quota, settled once the attempt's outcome is known.
    struct Reservation: Sendable {
        let key: String
        let cost: QuotaCost
        /// The store that took it (the local fallback's when the store had failed).
        let store: any QuotaStore
        let limits: QuotaLimits
    }

    let quota: Configuration.Quota
    private let fallback: InMemoryQuotaStore
    private let fallbackLimits: QuotaLimits
    private let backoff: Backoff
    private let tasks: OwnedTasks
    private let logger: Logger

    init(quota: Configuration.Quota, backoff: Backoff, tasks: OwnedTasks, logger: Logger) {
        self.quota = quota
        self.backoff = backoff
        self.tasks = tasks
        self.logger = logger
        self.fallback = InMemoryQuotaStore(timeSource: backoff.timeSource)
        var limits = quota.limits
        if case .useLocalLimit(let share) = quota.whenStoreFails {
            limits.requests = limits.requests.map { max(1, Int((Double($0) * share).rounded(.down))) }
            limits.requestBurst = min(limits.requestBurst, limits.requests ?? limits.requestBurst)
            limits.tokens = limits.tokens.map { max(1, Int((Double($0) * share).rounded(.down))) }
        }
        self.fallbackLimits = limits
    }

    /// Output tokens a chat completion reserves: its `max_tokens`, else the configured estimate;
    /// 0 when no token budget is set or the call generates no text.
    func tokens(for call: CallDescription?) -> Int {
        guard quota.limits.tokens != nil, call?.genAIOperation == "chat" else { return 0 }
        return call?.maxTokens ?? quota.tokenEstimate
    }

    /// Takes one request and `tokens` from the quota of `model` (its own key when the quota is
    /// kept per model), after waiting as long as the store says (up to ``Configuration/Quota/maxWait``).
    /// Throws ``AIYouError/Code/invalidRequest`` when `tokens` exceed the whole budget (the call
    /// could never go), ``AIYouError/Code/rateLimited`` when the wait would be longer than
    /// `maxWait` or the store failed and the quota fails closed, and ``AIYouError/Code/cancelled``
    /// or ``AIYouError/Code/clientShutdown`` during the wait (the place is given back).
    func reserve(tokens: Int, model: String?, operation: AIYouOperation) async throws(AIYouError) -> Reservation {
        if let budget = quota.limits.tokens, tokens > budget {
            throw .invalidRequest(
                "the call reserves \(tokens) output tokens (max_tokens, or the quota's tokenEstimate), more than the quota's whole budget of \(budget)",
                operation: operation
            )
        }
        let key = quota.keyPerModel ? "\(quota.key)/\(model ?? "-")" : quota.key
        let cost = QuotaCost(requests: quota.limits.requests == nil ? 0 : 1, tokens: tokens)
        var reservation = Reservation(key: key, cost: cost, store: quota.store, limits: quota.limits)
        let decision: QuotaDecision
        do {
            decision = try await quota.store.reserve(cost, key: key, limits: quota.limits, maxWait: quota.maxWait)
        } catch {
            switch quota.whenStoreFails {
            case .refuse:
                throw AIYouError(
                    .rateLimited,
                    "the quota store could not decide (\(String(describing: type(of: error)))) and the quota fails closed; not sending",
                    operation: operation
                )
            case .useLocalLimit:
                logger.warning(
                    "quota store failed; deciding with the local limit",
                    metadata: ["aiyou.quota.store_error": "\(String(describing: type(of: error)))"]
                )
                reservation = Reservation(key: key, cost: cost, store: fallback, limits: fallbackLimits)
                decision = fallback.reserve(cost, key: key, limits: fallbackLimits, maxWait: quota.maxWait)
            }
        }
        switch decision {
        case .admitted(let wait):
            if wait > .zero {
                do {
                    try await backoff.pause(wait, operation: operation, waitingTo: "take its place in the quota")
                } catch {
                    giveBack(reservation, QuotaCost(requests: cost.requests, tokens: cost.tokens))
                    throw (error as? AIYouError) ?? AIYouError(.cancelled, "cancelled while waiting for the quota", operation: operation)
                }
            }
            return reservation
        case .refused(let retryAfter):
            throw AIYouError(
                .rateLimited,
                "the quota \"\(key)\" has room for this call only in \(retryAfter.formattedSeconds), more than quota.maxWait; not sending",
                retryAfter: retryAfter,
                operation: operation
            )
        }
    }

    /// Gives back the output tokens of an attempt the service refused (an error status: nothing
    /// was generated).
    func attemptRefused(_ reservation: Reservation) {
        giveBack(reservation, QuotaCost(requests: 0, tokens: reservation.cost.tokens))
    }

    /// Settles a reservation to the `billed` output tokens of its answer (more than reserved
    /// charges the difference); `nil` (the answer said nothing of its usage) keeps it whole.
    func settle(_ reservation: Reservation, billed: Int?) {
        guard let billed, reservation.cost.tokens > 0 || billed > 0 else { return }
        let unused = reservation.cost.tokens - max(billed, 0)
        guard unused != 0 else { return }
        giveBack(reservation, QuotaCost(requests: 0, tokens: unused))
    }

    /// Refunds in a task of the client's own (joined at shutdown): a call's outcome never waits
    /// for the store, and a store that fails only loses the refund (the quota errs on the safe side).
    private func giveBack(_ reservation: Reservation, _ cost: QuotaCost) {
        guard cost.requests != 0 || cost.tokens != 0 else { return }
        if let local = reservation.store as? InMemoryQuotaStore {
            local.refund(cost, key: reservation.key, limits: reservation.limits)
            return
        }
        _ = tasks.start {
            try? await reservation.store.refund(cost, key: reservation.key, limits: reservation.limits)
        }
    }
}
