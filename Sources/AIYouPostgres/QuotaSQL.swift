/// The SQL texts of a ``PostgresQuotaStore``, built once from its table name (the only text that
/// is not a bound parameter: a validated identifier, quoted).
///
/// Times are nanoseconds since the Unix epoch on the database's clock, so that every replica
/// reads one clock. The statements apply `GCRAStep.apply` (AIYou's `QuotaStore.swift`):
///
///     newTAT = max(TAT, now) + increment
///     wait   = max(newRequestTAT - requestTolerance, newTokenTAT - tokenTolerance, now) - now
///
/// In an `UPDATE`, every expression of `SET` and the `CASE` see the row as it was, so the wait is
/// computed on the old TATs in each place it is needed; ``wait`` writes it once for all of them.
///
/// **A clock that never goes back for a key.** The clock is read once per statement, before the
/// statement waits for the key's row lock; a statement that waited may so carry an older time
/// than the one that held the lock before it, and GCRA on a time that goes back gives waits that
/// are not there (a key with no token limit keeps its token TAT at the last `now`: an older `now`
/// would find it ahead, and refuse). So each row keeps the time of its last reservation
/// (`last_now`), and a reservation decides at ``now``: the later of the clock and that time, the
/// latter trusted up to the lock timeout ahead of the clock (the longest a statement waits), so
/// that a clock stepped back by more than that does not freeze the key.
struct QuotaSQL: Sendable {
    /// `CREATE … TABLE IF NOT EXISTS`.
    let create: String
    /// The first use of a key: a row with both TATs at 0 (the distant past). `$1` key.
    let insert: String
    /// One reservation: returns the wait, taken when it is ≤ `$6`. No row: the key is new.
    /// `$1` key, `$2` request increment, `$3` request tolerance, `$4` token increment,
    /// `$5` token tolerance, `$6` max wait, `$7` lock timeout (`"250ms"`), `$8` lock timeout in
    /// nanoseconds.
    let reserve: String
    /// Gives a cost back. `$1` key, `$2` request increment, `$3` token increment, `$4` lock timeout.
    let refund: String

    /// The database's clock, in nanoseconds since the Unix epoch (`EXTRACT` gives an exact
    /// `numeric` of microseconds). `clock_timestamp()`, not `now()`: the time of the reading,
    /// not of the transaction's start.
    static let clock = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000000)::bigint"

    /// The latest TAT stored (4·10¹⁸ ns: the year 2096). With it, and increments and tolerances
    /// within ±`Int64.max / 4` (`QuotaLimits.gcraStep` saturates there), no sum below leaves
    /// `bigint`'s range: an absurd cost saturates instead of breaking the key with an overflow.
    static let ceiling = "4000000000000000000"

    /// The time a reservation decides at: the clock (`n.now`), or the row's `last_now` when that
    /// is later, by at most `$8` (the lock timeout).
    static let now = "GREATEST(n.now, LEAST(q.last_now, n.now + $8))"

    /// The wait of a reservation, on the row's old TATs: `q` is the row.
    static let wait = "GREATEST(GREATEST(GREATEST(q.request_tat, \(now)) + $2 - $3, GREATEST(q.token_tat, \(now)) + $4 - $5) - \(now), 0)"

    init(table: String, unlogged: Bool) {
        // A validated identifier ([a-z_][a-z0-9_]{0,62}), quoted so that a reserved word works.
        let table = "\"\(table)\""
        let now = Self.now
        let wait = Self.wait
        let ceiling = Self.ceiling
        // The statement's own lock timeout (is_local: it ends with the statement's implicit
        // transaction), set in the FROM list, which is read before any row is locked.
        func lockTimeout(_ parameter: String) -> String { "set_config('lock_timeout', \(parameter), true) AS lock_timeout" }

        create = """
            CREATE \(unlogged ? "UNLOGGED " : "")TABLE IF NOT EXISTS \(table) (\
            key text PRIMARY KEY, \
            request_tat bigint NOT NULL, \
            token_tat bigint NOT NULL, \
            last_now bigint NOT NULL DEFAULT 0, \
            last_wait bigint NOT NULL DEFAULT 0\
            ) WITH (fillfactor = 70)
            """
        insert = "INSERT INTO \(table) (key, request_tat, token_tat) VALUES ($1, 0, 0) ON CONFLICT (key) DO NOTHING"
        reserve = """
            UPDATE \(table) AS q SET \
            request_tat = CASE WHEN \(wait) <= $6 THEN LEAST(GREATEST(q.request_tat, \(now)) + $2, \(ceiling)) ELSE q.request_tat END, \
            token_tat = CASE WHEN \(wait) <= $6 THEN LEAST(GREATEST(q.token_tat, \(now)) + $4, \(ceiling)) ELSE q.token_tat END, \
            last_now = \(now), \
            last_wait = \(wait) \
            FROM (SELECT \(Self.clock) AS now, \(lockTimeout("$7"))) AS n \
            WHERE q.key = $1 \
            RETURNING q.last_wait
            """
        refund = """
            UPDATE \(table) AS q SET \
            request_tat = LEAST(GREATEST(q.request_tat - $2, 0), \(ceiling)), \
            token_tat = LEAST(GREATEST(q.token_tat - $3, 0), \(ceiling)) \
            FROM (SELECT \(lockTimeout("$4"))) AS n \
            WHERE q.key = $1
            """
    }

    /// Whether `name` is a table name the store accepts: `[a-z_][a-z0-9_]{0,62}` (a plain
    /// PostgreSQL identifier, at most 63 bytes, that needs no case folding).
    static func isValidTableName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_") }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return isLetter(first) && bytes.dropFirst().allSatisfy { isLetter($0) || isDigit($0) }
    }
}
