import AIYou
import AIYouPostgres
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing

/// The PostgreSQL server the tests use, from the environment `.ci/postgres start DIR` describes
/// (`set -a; . DIR/env; set +a`): `AIYOU_TEST_POSTGRES_HOST`, `_PORT`, `_USER`, `_DATABASE`,
/// `_PASSWORD` (optional) and, for the restart test, `_RESTART` (a command line that restarts the
/// server). Without them the tests that need a server are skipped, unless
/// `AIYOU_REQUIRE_POSTGRES=1` (CI) says they must run: then they fail.
struct PostgresTestEnvironment: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String
    /// A shell command line that restarts the server (`.ci/postgres restart DIR`), when known.
    var restartCommand: String?

    /// The server of the environment, or `nil` when the variables are missing.
    static let current: PostgresTestEnvironment? = {
        let environment = ProcessInfo.processInfo.environment
        guard let host = environment["AIYOU_TEST_POSTGRES_HOST"], !host.isEmpty,
            let port = environment["AIYOU_TEST_POSTGRES_PORT"].flatMap({ Int($0) })
        else { return nil }
        return PostgresTestEnvironment(
            host: host,
            port: port,
            username: environment["AIYOU_TEST_POSTGRES_USER"] ?? "postgres",
            password: environment["AIYOU_TEST_POSTGRES_PASSWORD"],
            database: environment["AIYOU_TEST_POSTGRES_DATABASE"] ?? "aiyou_test",
            restartCommand: environment["AIYOU_TEST_POSTGRES_RESTART"].flatMap { $0.isEmpty ? nil : $0 }
        )
    }()

    /// `AIYOU_REQUIRE_POSTGRES=1`: the tests that need a server run, and fail without one.
    static let isRequired = ProcessInfo.processInfo.environment["AIYOU_REQUIRE_POSTGRES"] == "1"

    /// Whether the tests that need a server run: it is described, or it is required.
    static let shouldRun = current != nil || isRequired

    /// Whether the restart test runs: it can restart the server, or a server is required.
    static let canRestart = current?.restartCommand != nil || isRequired

    /// The server, or a failure saying what is missing (when it is required).
    static func require(restart: Bool = false) throws -> PostgresTestEnvironment {
        let environment = try #require(
            current,
            "AIYOU_REQUIRE_POSTGRES=1 but AIYOU_TEST_POSTGRES_HOST and AIYOU_TEST_POSTGRES_PORT are not set (.ci/postgres start DIR)"
        )
        if restart {
            _ = try #require(
                environment.restartCommand,
                "AIYOU_REQUIRE_POSTGRES=1 but AIYOU_TEST_POSTGRES_RESTART is not set (.ci/postgres start DIR sets it)"
            )
        }
        return environment
    }

    /// A client configuration for this server, as the store's documentation recommends.
    func configuration(maximumConnections: Int = 20) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: .disable
        )
        configuration.options.additionalStartupParameters = [("synchronous_commit", "off")]
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Runs `body` with `count` running clients of this server, closed when it returns.
    func withClients<Result: Sendable>(
        _ count: Int = 1,
        maximumConnections: Int = 20,
        _ body: ([PostgresClient]) async throws -> Result
    ) async throws -> Result {
        let clients = (0..<count).map { _ in PostgresClient(configuration: configuration(maximumConnections: maximumConnections)) }
        return try await withRunning(clients, body)
    }

    /// A dedicated connection to this server (outside any pool), closed when `body` returns.
    func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: .disable
            ),
            id: 1,
            logger: Logger(label: "aiyou.tests.postgres")
        )
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Runs `clients` in a `ServiceGroup` (as a service would) while `body` runs, then shuts them down.
func withRunning<Result: Sendable>(
    _ clients: [PostgresClient],
    _ body: ([PostgresClient]) async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(services: clients.map { $0 as any Service }, logger: Logger(label: "aiyou.tests.postgres"))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        let result: Result
        do {
            result = try await body(clients)
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}

/// A key no other test uses.
func uniqueKey(_ name: String = #function) -> String {
    "test/\(name.prefix(while: { $0 != "(" }))/\(UUID().uuidString)"
}

/// The table the tests share (each uses keys of its own).
let sharedTable = "aiyou_quota_tests"

/// Runs `body` on a store of `client` with the shared table (migrated), and a generous deadline
/// (a debug or ThreadSanitizer build on two busy cores is slow to open its first connections).
func withStore<Result: Sendable>(
    _ client: PostgresClient,
    queryTimeout: Duration = .seconds(30),
    _ body: (PostgresQuotaStore) async throws -> Result
) async throws -> Result {
    let store = try PostgresQuotaStore(client: client, tableName: sharedTable, queryTimeout: queryTimeout)
    try await store.migrate()
    return try await body(store)
}

extension QuotaDecision {
    /// The wait of an admission, or `nil` for a refusal.
    var admittedAfter: Duration? {
        if case .admitted(let wait) = self { return wait }
        return nil
    }

    /// The `retryAfter` of a refusal, or `nil` for an admission.
    var refusedRetryAfter: Duration? {
        if case .refused(let retryAfter) = self { return retryAfter }
        return nil
    }
}
