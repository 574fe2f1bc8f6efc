import AIYou
import Logging
import PostgresNIO

/// A `QuotaStore` in a PostgreSQL table: every replica of a service whose clients use the same
/// database, table and key shares one quota, decided on the database's clock.
///
/// The store runs its statements through a PostgresNIO `PostgresClient` that you create, run and
/// shut down. The client leases connections only while its `run()` method runs: add it to your
/// `ServiceGroup` (it is a `Service`), or run it in a task of your own. Create the table once
/// with ``migrate()`` (idempotent: every replica may call it at start-up).
///
/// ```swift
/// import AIYou
/// import AIYouPostgres
/// import PostgresNIO
///
/// var postgres = PostgresClient.Configuration(
///     host: "db.internal",
///     username: "app",
///     password: secret,
///     database: "app",
///     tls: .disable
/// )
/// // A limiter's rows need no durable commit: the database does not wait for its disk.
/// postgres.options.additionalStartupParameters = [("synchronous_commit", "off")]
/// // A warm connection: the first reservation does not pay for connecting.
/// postgres.options.minimumConnections = 1
/// let database = PostgresClient(configuration: postgres)
///
/// let store = try PostgresQuotaStore(client: database)
/// // The quota of every replica's client (Configuration.Quota, in AIYou).
/// let quota = Configuration.Quota(
///     limits: QuotaLimits(requests: 600, requestWindow: .seconds(60), requestBurst: 20, tokens: 1_000_000, tokenWindow: .seconds(3600)),
///     store: store,
///     key: "team-a"
/// )
///
/// // Either: PostgresClient is a Service; run it with the rest of the service.
/// //   let group = ServiceGroup(services: [database, ...], logger: logger)
/// //   try await group.run()
/// // Or: run it in a task of your own while the store is used.
/// await withTaskGroup(of: Void.self) { tasks in
///     tasks.addTask { await database.run() }
///     do {
///         try await store.migrate()
///         // … use clients whose configuration has `quota` …
///     } catch {
///         logger.error("quota table: \(error)")
///     }
///     tasks.cancelAll()  // closes the PostgresClient
/// }
/// ```
///
/// **One statement per reservation.** In the steady state each ``reserve(_:key:limits:maxWait:)``
/// is one `UPDATE … RETURNING` of the key's row, which computes the GCRA step (AIYou's
/// `GCRAStep`, the arithmetic `InMemoryQuotaStore` applies) on the row under its lock, takes
/// the reservation when it fits within `maxWait` and returns the wait. The first use of a key
/// inserts its row first. No lock is held between round trips, no transaction is opened, and
/// nothing needs cleaning up. Each ``refund(_:key:limits:)`` is one `UPDATE`.
///
/// **A deadline on every call.** A call that has no answer within `queryTimeout` throws
/// ``PostgresQuotaStoreError/Code/timeout`` at the deadline, whatever the database does. Each
/// statement also sets its own `lock_timeout` to the deadline, so that a statement stuck behind a
/// row lock is ended by the database too and takes nothing later. (A statement the database had
/// already run when its answer came late may still have taken its reservation: the quota then
/// errs on the safe side.)
///
/// **The table.** `key text PRIMARY KEY, request_tat bigint, token_tat bigint, last_now bigint,
/// last_wait bigint`, with times in nanoseconds since the Unix epoch on the database's clock
/// (`clock_timestamp()`), so that the replicas' clocks do not matter; `last_now`, the time of the
/// key's last reservation, keeps a key's time from going back (a statement that waited for the
/// row's lock read the clock before it waited). By default it is
/// `UNLOGGED`: its changes are not written to the write-ahead log, which makes each reservation
/// cheaper, at the price that a crash of the database (not a clean restart) empties it and that
/// replicas and a promoted standby do not have its rows. A limiter can afford it: a quota that
/// starts afresh lets at most one burst through. Pass `unlogged: false` to keep the table across
/// crashes and failovers. The connection parameter `synchronous_commit=off`, shown above, spares
/// each reservation the wait for a disk flush (recommended; a logged table may lose its last
/// changes in a crash, as an unlogged one loses all). The table is in the schema the connection's
/// `search_path` names first.
public final class PostgresQuotaStore: QuotaStore {
    /// The table holding the quotas, one row per key.
    public let tableName: String
    /// The longest a call waits for the database before it throws ``PostgresQuotaStoreError/Code/timeout``.
    public let queryTimeout: Duration
    /// Whether ``migrate()`` creates the table `UNLOGGED`.
    public let unlogged: Bool

    private let client: PostgresClient
    private let logger: Logger
    private let sql: QuotaSQL
    /// `queryTimeout` as the statements' `lock_timeout`, rounded up to whole milliseconds (`"250ms"`).
    private let lockTimeout: String
    /// The same, in nanoseconds.
    private let lockTimeoutNanoseconds: Int64

    /// A store on `client`, in the table `tableName`.
    ///
    /// - Parameters:
    ///   - client: The PostgresNIO client the statements go through. Run it (`run()`, or a
    ///     `ServiceGroup`) for as long as the store is used; the store does not close it.
    ///   - tableName: The table, in the schema of the connection's `search_path`:
    ///     `[a-z_][a-z0-9_]{0,62}` (lower-case letters, digits and underscores, not starting
    ///     with a digit). Default `aiyou_quota`.
    ///   - queryTimeout: The longest a call waits for the database (a reservation that must
    ///     first connect, or insert a new key's row, included). Default 250 ms.
    ///   - unlogged: Whether ``migrate()`` creates the table `UNLOGGED` (faster; emptied by a crash
    ///     of the database). Default `true`. An existing table is left as it is.
    ///   - logger: Where the store's statements and failures are logged (debug level).
    /// - Throws: ``PostgresQuotaStoreError`` with ``PostgresQuotaStoreError/Code/invalidArgument``
    ///   when the table name is not such an identifier or the timeout is not positive.
    public init(
        client: PostgresClient,
        tableName: String = "aiyou_quota",
        queryTimeout: Duration = .milliseconds(250),
        unlogged: Bool = true,
        logger: Logger = Logger(label: "aiyou.quota.postgres")
    ) throws(PostgresQuotaStoreError) {
        guard QuotaSQL.isValidTableName(tableName) else {
            throw .invalidArgument("tableName must match [a-z_][a-z0-9_]{0,62}")
        }
        guard queryTimeout > .zero else { throw .invalidArgument("queryTimeout must be positive") }
        self.client = client
        self.tableName = tableName
        self.queryTimeout = queryTimeout
        self.unlogged = unlogged
        self.logger = logger
        self.sql = QuotaSQL(table: tableName, unlogged: unlogged)
        // Whole milliseconds, rounded up, within PostgreSQL's range for the setting (2³¹ - 1 ms).
        let nanoseconds = queryTimeout.wholeNanoseconds
        let milliseconds = min(max(nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1), 1), Int64(Int32.max))
        self.lockTimeout = "\(milliseconds)ms"
        self.lockTimeoutNanoseconds = milliseconds * 1_000_000
    }

    /// Creates the store's table when it does not exist (`CREATE [UNLOGGED] TABLE IF NOT EXISTS`);
    /// does nothing when it does. Every replica may call it at start-up, at the same time.
    ///
    /// Its deadline is `queryTimeout` or 10 seconds, whichever is longer.
    ///
    /// - Throws: ``PostgresQuotaStoreError``: ``PostgresQuotaStoreError/Code/timeout``,
    ///   ``PostgresQuotaStoreError/Code/unavailable``, or ``PostgresQuotaStoreError/Code/databaseError``
    ///   (e.g. `42501`: the user may not create tables); `CancellationError` when the calling task
    ///   is cancelled.
    public func migrate() async throws {
        let create = PostgresQuery(unsafeSQL: sql.create)
        try await withDeadline(max(queryTimeout, .seconds(10)), call: "migrate") { [self] in
            do {
                try await execute(create)
            } catch let error as PSQLError where ["23505", "42P07"].contains(error.serverInfo?[.sqlState] ?? "") {
                // Another replica created the table at the same time (the catalog's unique index
                // or "already exists"): it exists now.
                try await execute(create)
            }
        }
    }

    /// Takes `cost` from the quota of `key` when it can be sent within `maxWait`, in one statement
    /// on the key's row (see `QuotaStore.reserve(_:key:limits:maxWait:)`).
    ///
    /// - Returns: `QuotaDecision.admitted(after:)` with the wait before sending (the cost is
    ///   taken), or `QuotaDecision.refused(retryAfter:)` (nothing is taken).
    /// - Throws: ``PostgresQuotaStoreError``: ``PostgresQuotaStoreError/Code/timeout`` when no
    ///   answer came within `queryTimeout`, ``PostgresQuotaStoreError/Code/unavailable`` when the
    ///   database cannot be reached, ``PostgresQuotaStoreError/Code/databaseError`` when it
    ///   refuses the statement (`42P01`: ``migrate()`` was not run), or
    ///   ``PostgresQuotaStoreError/Code/invalidArgument`` for a key with a NUL byte;
    ///   `CancellationError` when the calling task is cancelled.
    public func reserve(_ cost: QuotaCost, key: String, limits: QuotaLimits, maxWait: Duration) async throws -> QuotaDecision {
        try Self.check(key)
        let step = limits.gcraStep(for: cost)
        let maxWait = maxWait.wholeNanoseconds
        var binds = PostgresBindings(capacity: 8)
        binds.append(key)
        binds.append(step.requestIncrement)
        binds.append(step.requestTolerance)
        binds.append(step.tokenIncrement)
        binds.append(step.tokenTolerance)
        binds.append(maxWait)
        binds.append(lockTimeout)
        binds.append(lockTimeoutNanoseconds)
        let reserve = PostgresQuery(unsafeSQL: sql.reserve, binds: binds)

        let wait = try await withDeadline(queryTimeout, call: "reserve") { [self] in
            if let wait = try await waitReturned(by: reserve) { return wait }
            // No row: the key's first use. Insert it (a concurrent first use may win: nothing
            // then), and reserve again.
            var keyOnly = PostgresBindings(capacity: 1)
            keyOnly.append(key)
            try await execute(PostgresQuery(unsafeSQL: sql.insert, binds: keyOnly))
            guard let wait = try await waitReturned(by: reserve) else {
                throw PostgresQuotaStoreError.unexpectedAnswer("the key's row was deleted while reserving")
            }
            return wait
        }
        return wait <= maxWait ? .admitted(after: .nanoseconds(wait)) : .refused(retryAfter: .nanoseconds(wait))
    }

    /// Gives `cost` back to the quota of `key`, in one statement (see
    /// `QuotaStore.refund(_:key:limits:)`). A key that was never reserved is left alone.
    ///
    /// - Throws: ``PostgresQuotaStoreError`` (as ``reserve(_:key:limits:maxWait:)``);
    ///   `CancellationError` when the calling task is cancelled.
    public func refund(_ cost: QuotaCost, key: String, limits: QuotaLimits) async throws {
        try Self.check(key)
        let step = limits.gcraStep(for: cost)
        var binds = PostgresBindings(capacity: 4)
        binds.append(key)
        binds.append(step.requestIncrement)
        binds.append(step.tokenIncrement)
        binds.append(lockTimeout)
        let refund = PostgresQuery(unsafeSQL: sql.refund, binds: binds)
        try await withDeadline(queryTimeout, call: "refund") { [self] in
            try await execute(refund)
        }
    }

    // MARK: - Statements

    private static func check(_ key: String) throws(PostgresQuotaStoreError) {
        if key.utf8.contains(0) { throw .invalidArgument("a key cannot hold a NUL byte") }
    }

    /// Runs `query` and reads its answer to the end (which gives the connection back).
    private func execute(_ query: PostgresQuery) async throws {
        for try await _ in try await client.query(query, logger: logger) {}
    }

    /// The wait `query` (the reservation) returned, or `nil` when it updated no row.
    private func waitReturned(by query: PostgresQuery) async throws -> Int64? {
        var wait: Int64?
        for try await row in try await client.query(query, logger: logger) {
            guard wait == nil else { throw PostgresQuotaStoreError.unexpectedAnswer("more than one row for a key") }
            wait = try row.decode(Int64.self)
        }
        if let wait, wait < 0 { throw PostgresQuotaStoreError.unexpectedAnswer("a negative wait") }
        return wait
    }

    /// Runs `operation` under a deadline of `timeout`; every error it throws becomes a
    /// ``PostgresQuotaStoreError`` (but `CancellationError`), logged at debug level.
    private func withDeadline<Value: Sendable>(
        _ timeout: Duration,
        call: String,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        do {
            return try await Deadline.run(timeout: timeout, operation)
        } catch {
            let error = PostgresQuotaStoreError.wrapping(error, timeout: timeout)
            if let error = error as? PostgresQuotaStoreError {
                logger.debug("quota store call failed", metadata: ["call": "\(call)", "error": "\(error)"])
            }
            throw error
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (rounded toward zero), saturating at `Int64`'s bounds.
    fileprivate var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? (seconds < 0 ? .min : .max) : sum
    }
}
