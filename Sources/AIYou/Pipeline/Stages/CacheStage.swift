/// Answers a cacheable read from the ``ResponseCache`` when it holds a fresh entry (concurrent
/// misses share one fetch), and makes the cached families a successful write changes stale.
/// A call with extra body fields asks something else than the cached answer answered: it
/// bypasses the cache.
struct CacheStage: Sendable {
    /// `nil` when caching is off.
    let cache: ResponseCache?
    let settings: Configuration.Cache
    /// Part of every key, so that entries can never cross credentials.
    let credentialIdentity: Int

    func run<Output: Sendable>(
        _ request: APIRequest,
        options: RequestOptions,
        observer: (any CallObserver)?,
        fetch: @escaping @Sendable () async throws -> Output
    ) async throws -> Output {
        guard let group = request.cacheGroup, options.extraBodyFields.isEmpty, let cache, let ttl = settings.ttl(for: group) else {
            let output = try await fetch()
            if !request.invalidates.isEmpty { cache?.invalidate(request.invalidates) }
            return output
        }
        let key = ResponseCache.Key(group: group, identity: credentialIdentity, target: request.method.rawValue + " " + request.target)
        let loaded = observer.map { _ in Locked(false) }
        do {
            let value = try await cache.value(for: key, ttl: ttl) {
                loaded?.withLock { $0 = true }
                return try await fetch()
            }
            observer?.cacheAnswered(hit: loaded?.withLock { $0 } == false, group: group)
            return value
        } catch is CancellationError {
            throw AIYouError(.cancelled, "cancelled", operation: request.operation)
        }
    }
}
