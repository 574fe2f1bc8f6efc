import AIYou
import AIYouPostgres
import ArgumentParser
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL side of `aiyou bench --coordination postgres`: a `PostgresClient` for
/// `--postgres-url`, run for the length of the bench, and the store on it.
final class BenchPostgres: Sendable {
    let store: PostgresQuotaStore
    private let running: Task<Void, Never>

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`, plain TCP: a bench
    /// runs beside its database).
    init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty, let user = components.user
        else {
            throw ValidationError("--postgres-url must look like postgres://user[:password]@host[:port]/database")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user,
            password: components.password,
            database: database.isEmpty ? nil : database,
            tls: .disable
        )
        // A limiter's table does not need each change flushed to disk before it answers.
        configuration.options.additionalStartupParameters = [("synchronous_commit", "off")]
        configuration.options.maximumConnections = 32
        let client = PostgresClient(configuration: configuration)
        self.running = Task { await client.run() }
        self.store = try PostgresQuotaStore(client: client, queryTimeout: .seconds(2))
    }

    /// Creates the table if needed.
    func prepare() async throws {
        try await store.migrate()
    }

    /// Stops the client.
    func stop() {
        running.cancel()
    }
}
