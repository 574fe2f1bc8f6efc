import AIYou
import ArgumentParser
import Foundation

/// Sets up what `aiyou bench --coordination` asks for: nothing, adaptive pacing, or a quota
/// store shared by the instances (in memory, or PostgreSQL), and tears it down after the run.
final class BenchQuotaCoordinator: Sendable {
    let coordination: BenchCoordination
    let limits: QuotaLimits
    /// The store the instances share (memory and postgres).
    private let store: (any QuotaStore)?
    /// A key of its own for each run, so that a run never inherits a previous run's state.
    private let key = "bench-\(UUID().uuidString.prefix(8).lowercased())"
    private let postgres: BenchPostgres?

    init(coordination: BenchCoordination, limits: QuotaLimits, postgresURL: String?) async throws {
        self.coordination = coordination
        self.limits = limits
        switch coordination {
        case .none, .adaptive:
            self.store = nil
            self.postgres = nil
        case .memory:
            self.store = InMemoryQuotaStore()
            self.postgres = nil
        case .postgres:
            guard let url = postgresURL ?? ProcessInfo.processInfo.environment["AIYOU_POSTGRES_URL"] else {
                throw ValidationError("--coordination postgres needs --postgres-url (or AIYOU_POSTGRES_URL)")
            }
            let postgres = try BenchPostgres(url: url)
            self.postgres = postgres
            self.store = postgres.store
        }
    }

    /// Creates the store's table (postgres).
    func prepare() async throws {
        try await postgres?.prepare()
    }

    /// Applies the coordination to one instance's configuration.
    func configure(_ configuration: inout Configuration) {
        switch coordination {
        case .none:
            break
        case .adaptive:
            configuration.adaptivePacing = .init()
        case .memory, .postgres:
            guard let store else { return }
            // Fail closed: a store that fails shows as failed calls, not as a run without coordination.
            configuration.quota = .init(limits: limits, store: store, key: key, maxWait: .seconds(60), whenStoreFails: .refuse)
        }
    }

    /// Stops the PostgreSQL client, if any.
    func stop() {
        postgres?.stop()
    }
}
