// The example of PostgresQuotaStore's documentation, compiled (not run: it needs a database at
// the address it names). Keep it identical to the doc comment's block.

import AIYou
import AIYouPostgres
import Logging
import PostgresNIO
import ServiceLifecycle

func postgresQuotaStoreDocumentationExample(secret: String, logger: Logger) async throws {
    var postgres = PostgresClient.Configuration(
        host: "db.internal",
        username: "app",
        password: secret,
        database: "app",
        tls: .disable
    )
    // A limiter's rows need no durable commit: the database does not wait for its disk.
    postgres.options.additionalStartupParameters = [("synchronous_commit", "off")]
    // A warm connection: the first reservation does not pay for connecting.
    postgres.options.minimumConnections = 1
    let database = PostgresClient(configuration: postgres)

    let store = try PostgresQuotaStore(client: database)
    // The quota of every replica's client (Configuration.Quota, in AIYou).
    let quota = Configuration.Quota(
        limits: QuotaLimits(requests: 600, requestWindow: .seconds(60), requestBurst: 20, tokens: 1_000_000, tokenWindow: .seconds(3600)),
        store: store,
        key: "team-a"
    )

    // Either: PostgresClient is a Service; run it with the rest of the service.
    //   let group = ServiceGroup(services: [database, ...], logger: logger)
    //   try await group.run()
    // Or: run it in a task of your own while the store is used.
    await withTaskGroup(of: Void.self) { tasks in
        tasks.addTask { await database.run() }
        do {
            try await store.migrate()
            // … use clients whose configuration has `quota` …
        } catch {
            logger.error("quota table: \(error)")
        }
        tasks.cancelAll()  // closes the PostgresClient
    }
    _ = quota
}
