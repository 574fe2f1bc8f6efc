import ArgumentParser

/// `aiyou bench --coordination`: how the `--instances` clients share the account's quota.
enum BenchCoordination: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Each instance knows only its own calls (today's limiter: pauses on 429s).
    case none
    /// Adaptive pacing from the service's rate-limit headers and 429s (`Configuration.adaptivePacing`).
    case adaptive
    /// One `InMemoryQuotaStore` shared by the instances (what one process can do).
    case memory
    /// A `PostgresQuotaStore` shared by the instances (`--postgres-url`).
    case postgres
}
