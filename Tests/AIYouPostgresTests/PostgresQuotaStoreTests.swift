import AIYou
import AIYouPostgres
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Testing

/// The store against a real PostgreSQL server (`.ci/postgres start DIR`; CI starts one).
/// Serialized: two tests restart the server or cut every connection of the database.
@Suite(
    .serialized,
    .enabled(
        if: PostgresTestEnvironment.shouldRun,
        "needs a PostgreSQL server: set AIYOU_TEST_POSTGRES_HOST and AIYOU_TEST_POSTGRES_PORT (.ci/postgres start DIR writes them to DIR/env)"
    )
)
struct PostgresQuotaStoreTests {
    @Test(.timeLimit(.minutes(1)))
    func migrationIsIdempotentAndCreatesTheTableOnce() async throws {
        let environment = try PostgresTestEnvironment.require()
        try await environment.withClients { clients in
            // A reserved word as the table name: the store quotes it.
            let names = ["aiyou_quota_migrate_\(UInt32.random(in: 0...UInt32.max))", "user"]
            for (name, unlogged) in [(names[0], true), (names[1], false)] {
                let store = try PostgresQuotaStore(client: clients[0], tableName: name, queryTimeout: .seconds(30), unlogged: unlogged)
                try await store.migrate()
                try await store.migrate()
                // Several replicas migrating at once.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 { group.addTask { try await store.migrate() } }
                    try await group.waitForAll()
                }
                let decision = try await store.reserve(
                    QuotaCost(requests: 1, tokens: 0),
                    key: uniqueKey(),
                    limits: QuotaLimits(requests: 1),
                    maxWait: .zero
                )
                #expect(decision == .admitted(after: .zero))

                var persistence: [String] = []
                let rows = try await clients[0].query("SELECT relpersistence::text FROM pg_class WHERE relname = \(name) AND relkind = 'r'")
                for try await row in rows { persistence.append(try row.decode(String.self)) }
                #expect(persistence == [unlogged ? "u" : "p"])
                try await clients[0].query(PostgresQuery(unsafeSQL: "DROP TABLE \"\(name)\""))
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func oneHundredTasksGetExactlyTheTwentyPlacesOfTheQuota() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 20, requestWindow: .seconds(60), requestBurst: 20)
        let key = uniqueKey()
        let decisions = try await environment.withClients { clients in
            try await withStore(clients[0]) { store in
                try await reserveConcurrently(100, stores: [store], key: key, limits: limits, maxWait: .zero)
            }
        }
        #expect(decisions.filter { $0 == .admitted(after: .zero) }.count == 20)
        #expect(decisions.filter { $0.refusedRetryAfter != nil }.count == 80)
    }

    @Test(.timeLimit(.minutes(2)))
    func fourClientsShareOneQuotaExactly() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 20, requestWindow: .seconds(60), requestBurst: 20)
        let key = uniqueKey()
        let decisions = try await environment.withClients(4, maximumConnections: 8) { clients in
            var stores: [PostgresQuotaStore] = []
            for client in clients {
                let store = try PostgresQuotaStore(client: client, tableName: sharedTable, queryTimeout: .seconds(30))
                try await store.migrate()
                stores.append(store)
            }
            return try await reserveConcurrently(160, stores: stores, key: key, limits: limits, maxWait: .zero)
        }
        #expect(decisions.filter { $0 == .admitted(after: .zero) }.count == 20)
        #expect(decisions.filter { $0.refusedRetryAfter != nil }.count == 140)
    }

    /// Statements that waited for the row's lock read the clock before they waited: without the
    /// row's `last_now`, the key's time would go back, and a key with no token limit (its token
    /// TAT is the last reservation's time) would refuse with a wait of a few microseconds.
    @Test(.timeLimit(.minutes(2)))
    func concurrentReservationsWithinTheBurstNeverWait() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 100_000, requestWindow: .seconds(1), requestBurst: 100_000)
        let key = uniqueKey()
        let decisions = try await environment.withClients(4, maximumConnections: 8) { clients in
            var stores: [PostgresQuotaStore] = []
            for client in clients {
                let store = try PostgresQuotaStore(client: client, tableName: sharedTable, queryTimeout: .seconds(30))
                try await store.migrate()
                stores.append(store)
            }
            var decisions: [QuotaDecision] = []
            for _ in 0..<5 {
                decisions += try await reserveConcurrently(64, stores: stores, key: key, limits: limits, maxWait: .zero)
            }
            return decisions
        }
        #expect(decisions.count == 320)
        #expect(decisions.allSatisfy { $0 == .admitted(after: .zero) }, "\(decisions.filter { $0 != .admitted(after: .zero) })")
    }

    @Test(.timeLimit(.minutes(1)))
    func reservationsAheadAreSpacedByTheInterval() async throws {
        let environment = try PostgresTestEnvironment.require()
        // 10 per second, no burst: a place every 100 ms; callers wait up to 1 s.
        let limits = QuotaLimits(requests: 10, requestWindow: .seconds(1), requestBurst: 1)
        let key = uniqueKey()
        let clock = ContinuousClock()
        let interval = Duration.milliseconds(100)
        // One by one, until the first refusal: each decision with the local time its call started
        // and ended (the database's clock advanced at most that much between two calls). Then
        // thirty at once: a slow machine, whose calls one by one take the interval, cannot keep
        // the quota from filling up.
        let (calls, burst) = try await environment.withClients { clients in
            try await withStore(clients[0]) { store in
                var calls: [(decision: QuotaDecision, started: ContinuousClock.Instant, ended: ContinuousClock.Instant)] = []
                while calls.count < 15, calls.last?.decision.refusedRetryAfter == nil {
                    let started = clock.now
                    let decision = try await store.reserve(
                        QuotaCost(requests: 1, tokens: 0),
                        key: key,
                        limits: limits,
                        maxWait: .seconds(1)
                    )
                    calls.append((decision, started, clock.now))
                }
                let burst = try await reserveConcurrently(30, stores: [store], key: key, limits: limits, maxWait: .seconds(1))
                return (calls, burst)
            }
        }
        let admitted = calls.prefix { $0.decision.admittedAfter != nil }
        #expect(admitted.first?.decision == .admitted(after: .zero))
        // Eleven places fit within a second when the calls take no time; fewer cannot.
        #expect(admitted.count >= 11)
        for (previous, next) in zip(admitted, admitted.dropFirst()) {
            let waits = (try #require(previous.decision.admittedAfter), try #require(next.decision.admittedAfter))
            let spacing = waits.1 - waits.0
            // The next place is one interval after the previous one, less the time that passed
            // on the database's clock, at most from the start of one call to the end of the next.
            #expect(spacing <= interval)
            #expect(spacing >= interval - (next.ended - previous.started))
            #expect(waits.1 <= .seconds(1))
        }
        // Beyond a second of places taken, callers are refused, with the time a place comes.
        let refusals = (calls.map(\.decision) + burst).compactMap(\.refusedRetryAfter)
        #expect(!refusals.isEmpty)
        for retryAfter in refusals {
            #expect(retryAfter > .seconds(1))
            #expect(retryAfter <= .seconds(1) + interval)
        }
        #expect(burst.compactMap(\.admittedAfter).allSatisfy { $0 <= .seconds(1) })
    }

    @Test(.timeLimit(.minutes(1)))
    func tokensAreReservedRefusedAndRefunded() async throws {
        let environment = try PostgresTestEnvironment.require()
        // (`QuotaLimits(tokens: 1000, tokenWindow: .seconds(3600))` does not compile: the first `per`,
        // the request window's, takes the label.)
        var limits = QuotaLimits(tokens: 1000)
        limits.tokenWindow = .seconds(3600)
        let key = uniqueKey()
        try await environment.withClients { clients in
            try await withStore(clients[0]) { store in
                let first = try await store.reserve(QuotaCost(requests: 1, tokens: 600), key: key, limits: limits, maxWait: .zero)
                #expect(first == .admitted(after: .zero))
                // 1,200 tokens of 1,000: 200 more refill in 720 s (3.6 s a token).
                let second = try await store.reserve(QuotaCost(requests: 1, tokens: 600), key: key, limits: limits, maxWait: .zero)
                let retryAfter = try #require(second.refusedRetryAfter)
                #expect(retryAfter <= .seconds(720))
                #expect(retryAfter > .seconds(710))
                // The refusal took nothing; 400 given back make room for 600.
                try await store.refund(QuotaCost(requests: 0, tokens: 400), key: key, limits: limits)
                let third = try await store.reserve(QuotaCost(requests: 1, tokens: 600), key: key, limits: limits, maxWait: .zero)
                #expect(third == .admitted(after: .zero))
                // Negative tokens charge more: 200 more than the budget now.
                try await store.refund(QuotaCost(requests: 0, tokens: -200), key: key, limits: limits)
                let fourth = try await store.reserve(QuotaCost(requests: 1, tokens: 1), key: key, limits: limits, maxWait: .zero)
                #expect(fourth.refusedRetryAfter != nil)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requestsAreRefunded() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 2, requestWindow: .seconds(60), requestBurst: 2)
        let key = uniqueKey()
        let one = QuotaCost(requests: 1, tokens: 0)
        try await environment.withClients { clients in
            try await withStore(clients[0]) { store in
                // A refund for a key never reserved changes nothing (and creates nothing).
                try await store.refund(one, key: key, limits: limits)
                #expect(try await store.reserve(one, key: key, limits: limits, maxWait: .zero) == .admitted(after: .zero))
                #expect(try await store.reserve(one, key: key, limits: limits, maxWait: .zero) == .admitted(after: .zero))
                #expect(try await store.reserve(one, key: key, limits: limits, maxWait: .zero).refusedRetryAfter != nil)
                try await store.refund(one, key: key, limits: limits)
                #expect(try await store.reserve(one, key: key, limits: limits, maxWait: .zero) == .admitted(after: .zero))
                #expect(try await store.reserve(one, key: key, limits: limits, maxWait: .zero).refusedRetryAfter != nil)
            }
        }
    }

    @Test(
        .timeLimit(.minutes(2)),
        .enabled(
            if: PostgresTestEnvironment.canRestart,
            "needs AIYOU_TEST_POSTGRES_RESTART, a command line that restarts the server (.ci/postgres start DIR sets it)"
        )
    )
    func theStoreRecoversAfterTheDatabaseRestarts() async throws {
        let environment = try PostgresTestEnvironment.require(restart: true)
        let restart = try #require(environment.restartCommand)
        let limits = QuotaLimits(requests: 1000, requestWindow: .seconds(1), requestBurst: 1000)
        let key = uniqueKey()
        try await environment.withClients { clients in
            // A deadline shorter than the outage: calls fail while the database is down (with a
            // longer one they would wait for the pool to reconnect, and succeed).
            let store = try PostgresQuotaStore(client: clients[0], tableName: sharedTable, queryTimeout: .milliseconds(200))
            let relaxed = try PostgresQuotaStore(client: clients[0], tableName: sharedTable, queryTimeout: .seconds(30))
            try await relaxed.migrate()
            let one = QuotaCost(requests: 1, tokens: 0)
            #expect(try await relaxed.reserve(one, key: key, limits: limits, maxWait: .zero) == .admitted(after: .zero))

            // Down for a second, as after a crash (the unlogged table comes back empty).
            async let restarted = runShell("\(restart) 1")
            var failuresWhileRestarting = 0
            var calls = 0
            while calls < 200 {
                calls += 1
                do {
                    _ = try await store.reserve(one, key: key, limits: limits, maxWait: .zero)
                } catch let error as PostgresQuotaStoreError {
                    #expect([.timeout, .unavailable].contains(error.code), "\(error)")
                    failuresWhileRestarting += 1
                }
                if failuresWhileRestarting > 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await restarted == 0)
            #expect(failuresWhileRestarting > 0, "no call failed while the database was down")

            // The pool reconnects (its back-off is short after a few failures).
            let recovered = try await eventuallySucceeds(attempts: 80, pause: .milliseconds(250)) {
                try await store.reserve(one, key: key, limits: limits, maxWait: .zero)
            }
            #expect(recovered?.admittedAfter != nil)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func theStoreRecoversAfterItsConnectionsAreTerminated() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 1000, requestWindow: .seconds(1), requestBurst: 1000)
        let key = uniqueKey()
        let one = QuotaCost(requests: 1, tokens: 0)
        try await environment.withClients { clients in
            try await withStore(clients[0], queryTimeout: .seconds(2)) { store in
                // Several connections open in the pool.
                let warm = try await reserveConcurrently(10, stores: [store], key: key, limits: limits, maxWait: .zero)
                #expect(warm.allSatisfy { $0 == .admitted(after: .zero) }, "\(warm)")

                let terminated = try await environment.withConnection { connection in
                    var count = 0
                    let rows = try await connection.query(
                        """
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                        WHERE datname = current_database() AND pid <> pg_backend_pid()
                        """,
                        logger: Logger(label: "aiyou.tests.postgres")
                    )
                    for try await row in rows where try row.decode(Bool.self) { count += 1 }
                    return count
                }
                #expect(terminated >= 1)

                let recovered = try await eventuallySucceeds(attempts: 50, pause: .milliseconds(100)) {
                    try await store.reserve(one, key: key, limits: limits, maxWait: .zero)
                }
                #expect(recovered?.admittedAfter != nil)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aRowLockHeldElsewhereEndsTheCallAtItsDeadline() async throws {
        let environment = try PostgresTestEnvironment.require()
        let limits = QuotaLimits(requests: 10, requestWindow: .seconds(3600), requestBurst: 10)
        let key = uniqueKey()
        let one = QuotaCost(requests: 1, tokens: 0)
        let logger = Logger(label: "aiyou.tests.postgres")
        try await environment.withClients { clients in
            // The store under test, and one with a deadline generous enough for a slow build.
            let store = try PostgresQuotaStore(client: clients[0], tableName: sharedTable, queryTimeout: .milliseconds(300))
            let relaxed = try PostgresQuotaStore(client: clients[0], tableName: sharedTable, queryTimeout: .seconds(30))
            try await relaxed.migrate()
            // The first place, and the key's row.
            #expect(try await relaxed.reserve(one, key: key, limits: limits, maxWait: .zero) == .admitted(after: .zero))

            try await environment.withConnection { connection in
                _ = try await connection.query("BEGIN", logger: logger)
                let locked = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT key FROM \(sharedTable) WHERE key = $1 FOR UPDATE", binds: binds(key)),
                    logger: logger
                )
                for try await _ in locked {}

                await #expect(throws: PostgresQuotaStoreError.self) {
                    do {
                        _ = try await store.reserve(one, key: key, limits: limits, maxWait: .zero)
                    } catch let error as PostgresQuotaStoreError {
                        #expect(error.code == .timeout, "\(error)")
                        throw error
                    }
                }
                // The statement's own lock timeout ends it in the database too: once nothing
                // waits for the lock, releasing it lets no late reservation through.
                try await Task.sleep(for: .milliseconds(300))
                let waiting = try await eventuallySucceeds(attempts: 50, pause: .milliseconds(100)) {
                    let count = try await lockWaiters(connection: connection, logger: logger)
                    if count > 0 { throw LockStillAwaited() }
                    return count
                }
                #expect(waiting == 0)
                _ = try await connection.query("ROLLBACK", logger: logger)
            }

            // Works again; the timed-out call took nothing: 9 of the 10 places remain.
            var admitted = 0
            for _ in 0..<12 {
                let decision = try await relaxed.reserve(one, key: key, limits: limits, maxWait: .zero)
                if decision == .admitted(after: .zero) { admitted += 1 }
            }
            #expect(admitted == 9)
        }
    }
}

/// The store where nothing listens, or no database: needs no server.
@Suite struct PostgresQuotaStoreUnreachableTests {
    @Test(.timeLimit(.minutes(1)))
    func anUnreachableDatabaseThrowsATypedErrorThatTellsNoSecret() async throws {
        let port = try await unusedPort()
        let password = "hunter2-not-a-real-password"
        var configuration = PostgresClient.Configuration(
            host: "127.0.0.1",
            port: port,
            username: "quota_user",
            password: password,
            database: "quota_db",
            tls: .disable
        )
        configuration.options.connectTimeout = .seconds(1)
        let client = PostgresClient(configuration: configuration)
        try await withRunning([client]) { clients in
            let store = try PostgresQuotaStore(client: clients[0], queryTimeout: .milliseconds(300))
            // (migrate() would throw alike, after its own deadline of 10 s.)
            for _ in 0..<3 {
                let error = await #expect(throws: PostgresQuotaStoreError.self) {
                    _ = try await store.reserve(
                        QuotaCost(requests: 1, tokens: 0),
                        key: "k",
                        limits: QuotaLimits(requests: 1),
                        maxWait: .zero
                    )
                }
                let code = try #require(error).code
                #expect(code == .timeout || code == .unavailable)
                for text in [String(describing: error), String(reflecting: error)] {
                    #expect(!text.contains(password))
                    #expect(!text.contains("quota_user"))
                    #expect(!text.contains("\(port)"))
                }
            }
            // A refund too.
            await #expect(throws: PostgresQuotaStoreError.self) {
                try await store.refund(QuotaCost(requests: 1, tokens: 0), key: "k", limits: QuotaLimits(requests: 1))
            }
        }
    }

    @Test func invalidArgumentsAreRefusedBeforeAnythingIsSent() async throws {
        let client = PostgresClient(
            configuration: PostgresClient.Configuration(host: "127.0.0.1", username: "u", password: nil, database: nil, tls: .disable)
        )
        for name in ["", "Quota", "1quota", "quota-table", "quota;drop table x", "quota table", "é", String(repeating: "a", count: 64)] {
            #expect(throws: PostgresQuotaStoreError.self, "\(name)") { try PostgresQuotaStore(client: client, tableName: name) }
        }
        for name in ["_", "aiyou_quota", "q1", "select", String(repeating: "a", count: 63)] {
            let store = try PostgresQuotaStore(client: client, tableName: name)
            #expect(store.tableName == name)
        }
        for timeout in [Duration.zero, .milliseconds(-1)] {
            let error = #expect(throws: PostgresQuotaStoreError.self) { try PostgresQuotaStore(client: client, queryTimeout: timeout) }
            #expect(error?.code == .invalidArgument)
        }
        // A NUL byte cannot be stored in PostgreSQL's text: refused before the client is used
        // (it does not even run here).
        let store = try PostgresQuotaStore(client: client)
        let error = await #expect(throws: PostgresQuotaStoreError.self) {
            try await store.reserve(QuotaCost(requests: 1, tokens: 0), key: "a\u{0}b", limits: QuotaLimits(requests: 1), maxWait: .zero)
        }
        #expect(error?.code == .invalidArgument)
        #expect(store.unlogged)
        #expect(store.queryTimeout == .milliseconds(250))
    }

    @Test func descriptionsNameTheCodeTheTypeAndTheSQLState() {
        let error = PostgresQuotaStoreError(
            code: .databaseError,
            detail: "the database refused the statement",
            underlyingType: "PSQLError",
            sqlState: "42P01"
        )
        #expect(
            error.description == "PostgresQuotaStoreError(databaseError): the database refused the statement [PSQLError, SQLSTATE 42P01]"
        )
        #expect(PostgresQuotaStoreError.Code.timeout.description == "timeout")
        #expect(PostgresQuotaStoreError.Code.timeout != .unavailable)
    }
}

// MARK: - Helpers

/// Runs `count` reservations at once, spread over `stores`.
func reserveConcurrently(
    _ count: Int,
    stores: [PostgresQuotaStore],
    key: String,
    limits: QuotaLimits,
    maxWait: Duration
) async throws -> [QuotaDecision] {
    try await withThrowingTaskGroup(of: QuotaDecision.self) { group in
        for index in 0..<count {
            let store = stores[index % stores.count]
            group.addTask { try await store.reserve(QuotaCost(requests: 1, tokens: 0), key: key, limits: limits, maxWait: maxWait) }
        }
        var decisions: [QuotaDecision] = []
        for try await decision in group { decisions.append(decision) }
        return decisions
    }
}

/// Calls `body` until it returns, at most `attempts` times with `pause` between; its value, or
/// `nil` when every attempt threw (each error must be the store's or the test's own).
func eventuallySucceeds<Value: Sendable>(
    attempts: Int,
    pause: Duration,
    _ body: () async throws -> Value
) async throws -> Value? {
    for _ in 0..<attempts {
        do {
            return try await body()
        } catch is PostgresQuotaStoreError, is LockStillAwaited {
            try await Task.sleep(for: pause)
        }
    }
    return nil
}

struct LockStillAwaited: Error {}

/// The backends of the database that wait for a lock.
func lockWaiters(connection: PostgresConnection, logger: Logger) async throws -> Int {
    let rows = try await connection.query(
        "SELECT count(*)::bigint FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        logger: logger
    )
    var count = 0
    for try await row in rows { count = Int(try row.decode(Int64.self)) }
    return count
}

func binds(_ values: String...) -> PostgresBindings {
    var binds = PostgresBindings(capacity: values.count)
    for value in values { binds.append(value) }
    return binds
}

/// Runs `command` with `/bin/sh -c`; its exit status. The waiting blocks, so it happens on a
/// thread of its own, not on the cooperative pool (as CLITests does).
func runShell(_ command: String) async throws -> Int32 {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        Thread.detachNewThread {
            continuation.resume(
                with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/sh")
                    process.arguments = ["-c", command]
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    process.waitUntilExit()
                    return process.terminationStatus
                }
            )
        }
    }
}

/// A port of 127.0.0.1 where nothing listens (bound, then closed).
func unusedPort() async throws -> Int {
    let socket = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = try #require(socket.localAddress?.port)
    try await socket.close()
    return port
}
