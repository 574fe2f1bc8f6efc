import Synchronization

/// The retries one call may still make, shared by everything the call sends: the pipeline's
/// retries and a stream's reopenings draw from the same budget, so a call sends at most
/// ``Configuration/Retry/maxRetries`` + 1 requests whatever breaks where.
final class RetryBudget: Sendable {
    private let used = Atomic<Int>(0)
    private let maxRetries: Int

    init(maxRetries: Int) {
        self.maxRetries = maxRetries
    }

    /// Retries spent so far.
    var retriesUsed: Int { used.load(ordering: .relaxed) }

    /// Takes one retry; `false` when none is left.
    func take() -> Bool {
        while true {
            let current = used.load(ordering: .relaxed)
            guard current < maxRetries else { return false }
            if used.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged { return true }
        }
    }
}
