import NIOConcurrencyHelpers
import Synchronization

/// The counts of the shared quota (``MockSharedQuota``): the current fixed window's requests
/// and output tokens, and the totals ``MockAIYouServer/sharedQuotaUsage`` reports.
///
/// Only the current window is kept: tokens charged for a request admitted in a window that has
/// ended count in the totals and no longer limit anyone. Each request takes the lock once to be
/// admitted or refused, and a chat answer once more to charge its tokens; without a quota a
/// request reads one atomic flag and takes no lock.
final class SharedQuotaLedger: Sendable {
    /// The shortest window: a shorter one counts as this.
    static let shortestWindow: Duration = .milliseconds(1)

    /// Where an admitted request's output tokens go: its window, under the quota in force when
    /// it arrived (a quota set again, or reset, starts a new generation and ignores the tokens
    /// of the requests admitted before).
    struct Ticket: Sendable, Equatable {
        var generation: UInt64
        var window: Int64
    }

    /// What the ledger decided for one request, and what the headers of its answer say.
    struct Decision: Sendable, Equatable {
        /// Whether the request is admitted; `false` means 429.
        var isAdmitted: Bool
        /// The request's window.
        var ticket: Ticket
        /// The requests per window, if limited (never negative).
        var requestLimit: Int?
        /// The requests admitted in the window, this one included.
        var requestsUsed: Int
        /// The output tokens per window, if limited (never negative).
        var tokenLimit: Int?
        /// The output tokens charged in the window so far.
        var tokensUsed: Int
        /// The time from the request's arrival to its window's end, in nanoseconds (at least 1).
        var nanosecondsToReset: Int64
    }

    private struct Account: Sendable {
        let quota: MockSharedQuota
        let requestLimit: Int?
        let tokenLimit: Int?
        let windowNanoseconds: Int64
        let generation: UInt64
        let origin: ContinuousClock.Instant
        /// The current window's number from the origin; -1 before the first request.
        var window: Int64 = -1
        var windowRequests = 0
        var windowTokens = 0
        var admitted = 0
        var refused = 0
        var outputTokens = 0
        var windowsStarted = 0

        init(quota: MockSharedQuota, generation: UInt64, origin: ContinuousClock.Instant) {
            self.quota = quota
            self.requestLimit = quota.requests.map { max(0, $0) }
            self.tokenLimit = quota.outputTokens.map { max(0, $0) }
            self.windowNanoseconds = max(1, SharedQuotaLedger.nanoseconds(max(quota.window, SharedQuotaLedger.shortestWindow)))
            self.generation = generation
            self.origin = origin
        }
    }

    private struct State: Sendable {
        var generation: UInt64 = 0
        var account: Account?
    }

    /// Whether a quota is set: read without the lock, so that a server without a quota pays
    /// one atomic load per request.
    private let isSet = Atomic<Bool>(false)
    private let state = NIOLockedValueBox(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Creates a ledger with `quota` (none when `nil`), its windows starting now.
    ///
    /// - Parameters:
    ///   - quota: The quota, or `nil`.
    ///   - now: The monotonic clock (injected by tests).
    init(quota: MockSharedQuota?, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
        self.set(quota)
    }

    /// The quota in force.
    var quota: MockSharedQuota? {
        guard self.isSet.load(ordering: .relaxed) else { return nil }
        return self.state.withLockedValue { $0.account?.quota }
    }

    /// Sets the quota (or removes it with `nil`): its windows and counts start again from now.
    func set(_ quota: MockSharedQuota?) {
        let now = self.now()
        self.state.withLockedValue { state in
            state.generation &+= 1
            state.account = quota.map { Account(quota: $0, generation: state.generation, origin: now) }
            self.isSet.store(quota != nil, ordering: .relaxed)
        }
    }

    /// Starts the windows and counts of the quota in force again from now, limits unchanged.
    func restart() {
        guard self.isSet.load(ordering: .relaxed) else { return }
        let now = self.now()
        self.state.withLockedValue { state in
            guard let quota = state.account?.quota else { return }
            state.generation &+= 1
            state.account = Account(quota: quota, generation: state.generation, origin: now)
        }
    }

    /// Admits or refuses a request arriving now, counting it; `nil` when no quota is set.
    func admit() -> Decision? {
        guard self.isSet.load(ordering: .relaxed) else { return nil }
        let now = self.now()
        return self.state.withLockedValue { state -> Decision? in
            guard var account = state.account else { return nil }
            defer { state.account = account }
            let elapsed = max(0, Self.nanoseconds(now - account.origin))
            let window = elapsed / account.windowNanoseconds
            if window != account.window {
                account.window = window
                account.windowRequests = 0
                account.windowTokens = 0
                account.windowsStarted += 1
            }
            let requestsSpent = account.requestLimit.map { account.windowRequests >= $0 } ?? false
            let tokensSpent = account.tokenLimit.map { account.windowTokens >= $0 } ?? false
            let isAdmitted = !requestsSpent && !tokensSpent
            if isAdmitted {
                account.windowRequests += 1
                account.admitted += 1
            } else {
                account.refused += 1
            }
            return Decision(
                isAdmitted: isAdmitted,
                ticket: Ticket(generation: account.generation, window: window),
                requestLimit: account.requestLimit,
                requestsUsed: account.windowRequests,
                tokenLimit: account.tokenLimit,
                tokensUsed: account.windowTokens,
                nanosecondsToReset: max(1, account.windowNanoseconds - elapsed % account.windowNanoseconds)
            )
        }
    }

    /// Charges `tokens` output tokens to the window of `ticket`, and returns the tokens charged
    /// in that window so far, or `nil` when that window has ended (or the quota was set again).
    func charge(_ tokens: Int, to ticket: Ticket) -> Int? {
        let tokens = max(0, tokens)
        return self.state.withLockedValue { state -> Int? in
            guard var account = state.account, account.generation == ticket.generation else { return nil }
            defer { state.account = account }
            account.outputTokens = Self.adding(account.outputTokens, tokens)
            guard account.window == ticket.window else { return nil }
            account.windowTokens = Self.adding(account.windowTokens, tokens)
            return account.windowTokens
        }
    }

    /// The usage of the quota in force, or `nil` when none is set.
    var usage: MockSharedQuotaUsage? {
        guard self.isSet.load(ordering: .relaxed) else { return nil }
        let now = self.now()
        return self.state.withLockedValue { state in
            state.account.map { account in
                MockSharedQuotaUsage(
                    quota: account.quota,
                    admittedRequests: account.admitted,
                    refusedRequests: account.refused,
                    outputTokens: account.outputTokens,
                    windowsStarted: account.windowsStarted,
                    elapsed: max(.zero, now - account.origin)
                )
            }
        }
    }

    /// `duration` in whole nanoseconds, saturating at the bounds of `Int64`.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowAgain { return seconds < 0 ? .min : .max }
        return total
    }

    private static func adding(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
