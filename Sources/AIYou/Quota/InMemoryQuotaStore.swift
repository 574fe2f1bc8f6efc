/// A ``QuotaStore`` in this process's memory: the clients that share one instance share its
/// quotas (every client of a process, or the instances of a simulation). A client whose
/// ``Configuration/Quota`` names no store gets one of its own.
///
/// Each reservation and refund takes one lock for a dictionary lookup and a few additions; it
/// never suspends.
public final class InMemoryQuotaStore: QuotaStore {
    private struct Record: Sendable {
        var requestTAT: Int64
        var tokenTAT: Int64
    }

    private let records = Locked<[String: Record]>([:])
    private let clock: @Sendable () -> Int64

    /// A store on the system's monotonic clock.
    public convenience init() {
        self.init(timeSource: .system)
    }

    /// A store on `timeSource`'s clock (tests move it by hand).
    @_spi(Benchmarks)
    public init(timeSource: TimeSource) {
        let origin = timeSource.now()
        self.clock = { (timeSource.now() - origin).nanoseconds }
    }

    /// Takes `cost` when it can be sent within `maxWait` (see ``QuotaStore/reserve(_:key:limits:maxWait:)``).
    public func reserve(_ cost: QuotaCost, key: String, limits: QuotaLimits, maxWait: Duration) -> QuotaDecision {
        let step = limits.gcraStep(for: cost)
        let now = clock()
        let maxWait = maxWait.nanoseconds
        let wait: Int64 = records.withLock { records in
            let record = records[key] ?? Record(requestTAT: now, tokenTAT: now)
            let next = step.apply(requestTAT: record.requestTAT, tokenTAT: record.tokenTAT, now: now)
            if next.wait <= maxWait { records[key] = Record(requestTAT: next.requestTAT, tokenTAT: next.tokenTAT) }
            return next.wait
        }
        return wait <= maxWait ? .admitted(after: .nanoseconds(wait)) : .refused(retryAfter: .nanoseconds(wait))
    }

    /// Gives `cost` back (see ``QuotaStore/refund(_:key:limits:)``).
    public func refund(_ cost: QuotaCost, key: String, limits: QuotaLimits) {
        let step = limits.gcraStep(for: cost)
        records.withLock { records in
            guard var record = records[key] else { return }
            record.requestTAT = GCRAStep.sum(record.requestTAT, -step.requestIncrement)
            record.tokenTAT = GCRAStep.sum(record.tokenTAT, -step.tokenIncrement)
            records[key] = record
        }
    }
}
