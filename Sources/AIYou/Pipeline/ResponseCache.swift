/// An in-memory cache of decoded answers for reads that change rarely, with a time to live per
/// entry, a least-recently-used bound, and single flight: concurrent identical misses share one
/// request. Entries are keyed by the credential identity too, so two users never share one.
final class ResponseCache: Sendable {
    /// A cached read: what it is (for invalidation) and its exact request.
    struct Key: Hashable, Sendable {
        var group: CacheGroup
        var identity: Int
        var target: String
    }

    private struct Entry: Sendable {
        var value: any Sendable
        var expiresAt: ContinuousClock.Instant
        var lastUse: UInt64
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        /// Loads running now. An invalidation removes the loads of its groups from here, so that
        /// a read issued after a write never joins a load that began before it.
        var inFlight: [Key: Load] = [:]
        var loadCounter: UInt64 = 0
        var useCounter: UInt64 = 0
        var hits = 0
        var misses = 0
        var evictions = 0
        /// Bumped by every invalidation of a group, so a load that started before it is not stored.
        var generations: [CacheGroup: UInt64] = [:]
    }

    /// A running load, with the number that tells it apart from a later load of the same key.
    private struct Load: Sendable {
        var id: UInt64
        var work: SharedWork<any Sendable>
    }

    private let state = Locked(State())
    private let maxEntries: Int
    private let timeSource: TimeSource
    /// Where shared loads run (joined by the client's shutdown).
    private let tasks: OwnedTasks

    init(maxEntries: Int, timeSource: TimeSource, tasks: OwnedTasks) {
        self.tasks = tasks
        self.maxEntries = maxEntries
        self.timeSource = timeSource
    }

    private enum Lookup {
        case hit(any Sendable)
        case wait(SharedWork<any Sendable>)
    }

    /// The cached value for `key`, or the result of `load` (stored for `ttl`). Concurrent callers
    /// with the same key while `load` runs wait for it instead of loading again; a caller whose
    /// task is cancelled stops waiting at once (the load goes on for the others).
    func value<Value: Sendable>(for key: Key, ttl: Duration, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = timeSource.now()
        let lookup: Lookup = state.withLock { state in
            if var entry = state.entries[key], entry.expiresAt > now {
                state.useCounter += 1
                entry.lastUse = state.useCounter
                state.entries[key] = entry
                state.hits += 1
                return .hit(entry.value)
            }
            state.misses += 1
            if let running = state.inFlight[key] { return .wait(running.work) }
            let generation = state.generations[key.group, default: 0]
            state.loadCounter += 1
            let id = state.loadCounter
            let work = SharedWork<any Sendable>(in: tasks) {
                do {
                    let value = try await load()
                    self.store(value, for: key, ttl: ttl, generation: generation, load: id)
                    return value
                } catch {
                    self.state.withLock { state in
                        if state.inFlight[key]?.id == id { state.inFlight.removeValue(forKey: key) }
                    }
                    throw error
                }
            }
            state.inFlight[key] = Load(id: id, work: work)
            return .wait(work)
        }
        switch lookup {
        case .hit(let value):
            return value as! Value
        case .wait(let work):
            return try await work.value() as! Value
        }
    }

    private func store(_ value: any Sendable, for key: Key, ttl: Duration, generation: UInt64, load: UInt64) {
        let expiresAt = timeSource.now() + ttl
        state.withLock { state in
            if state.inFlight[key]?.id == load { state.inFlight.removeValue(forKey: key) }
            guard state.generations[key.group, default: 0] == generation else { return }
            state.useCounter += 1
            state.entries[key] = Entry(value: value, expiresAt: expiresAt, lastUse: state.useCounter)
            if state.entries.count > maxEntries, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries.removeValue(forKey: oldest)
                state.evictions += 1
            }
        }
    }

    /// Drops every entry of `groups` (all entries when `groups` is empty); loads already running
    /// for them will not be stored, and later reads start loads of their own.
    func invalidate(_ groups: Set<CacheGroup>) {
        state.withLock { state in
            let affected = groups.isEmpty ? Set(CacheGroup.allCases) : groups
            for group in affected { state.generations[group, default: 0] += 1 }
            state.entries = state.entries.filter { !affected.contains($0.key.group) }
            state.inFlight = state.inFlight.filter { !affected.contains($0.key.group) }
        }
    }

    var statistics: CacheStatistics {
        state.withLock { CacheStatistics(hits: $0.hits, misses: $0.misses, evictions: $0.evictions, entries: $0.entries.count) }
    }
}

/// The families of cached reads, invalidated together.
public enum CacheGroup: String, Sendable, Hashable, CaseIterable {
    /// `assistants()`.
    case assistants
    /// `models()`.
    case models
    /// `threads(…)` pages (cached only when ``Configuration/Cache/threadsTTL`` is set).
    case threads
}

/// How the response cache has done since the client was created.
public struct CacheStatistics: Sendable, Hashable {
    /// Calls answered from the cache.
    public var hits: Int
    /// Calls that had to ask the service (or wait for a request already asking it).
    public var misses: Int
    /// Entries dropped to respect ``Configuration/Cache/maxEntries``.
    public var evictions: Int
    /// Entries held now.
    public var entries: Int
}
