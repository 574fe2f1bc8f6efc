import PostgresNIO

/// What a ``PostgresQuotaStore`` throws when it cannot decide: switch on ``code``.
///
/// An `AIYouClient` catches it and applies the quota's `whenStoreFails` (a local limit, or a
/// refusal). The description names the kind of failure, the type of the error underneath and the
/// database's SQLSTATE code, never a host, a user, a password or a query's values.
public struct PostgresQuotaStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, as a value to compare against the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The call passed the store's `queryTimeout` (the database was slow, a row lock was held
        /// too long, or no connection could be had in time, as when nothing answers at the address).
        public static let timeout = Code("timeout")
        /// The database could not be reached or the connection broke (refused, closed, shut down,
        /// out of connections): ``PostgresQuotaStoreError/underlyingType`` names the error
        /// PostgresNIO threw.
        public static let unavailable = Code("unavailable")
        /// The database answered with an error; ``PostgresQuotaStoreError/sqlState`` says which
        /// (`42P01`: the table does not exist, ``PostgresQuotaStore/migrate()`` was not run).
        public static let databaseError = Code("databaseError")
        /// The database's answer was not the one expected (a missing row or a value of another type).
        public static let unexpectedAnswer = Code("unexpectedAnswer")
        /// An argument cannot be used: a table name that is not a plain identifier, a timeout that
        /// is not positive, a key with a NUL byte (PostgreSQL's text cannot hold one).
        public static let invalidArgument = Code("invalidArgument")

        /// The code's name, e.g. `timeout`.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The type of the error underneath (e.g. `PSQLError`, `ConnectionPoolError`), when any.
    public var underlyingType: String?
    /// The SQLSTATE code the database answered (five characters, e.g. `42P01`), when it answered.
    public var sqlState: String?
    /// A fixed explanation of the store's own making (never text from the database or the
    /// connection's configuration).
    public var detail: String

    /// An error of `code`, explained by `detail`.
    public init(code: Code, detail: String, underlyingType: String? = nil, sqlState: String? = nil) {
        self.code = code
        self.detail = detail
        self.underlyingType = underlyingType
        self.sqlState = sqlState
    }

    /// `PostgresQuotaStoreError(code): detail [underlying type, SQLSTATE]`.
    public var description: String {
        var text = "PostgresQuotaStoreError(\(code)): \(detail)"
        switch (underlyingType, sqlState) {
        case (let type?, let state?): text += " [\(type), SQLSTATE \(state)]"
        case (let type?, nil): text += " [\(type)]"
        case (nil, let state?): text += " [SQLSTATE \(state)]"
        case (nil, nil): break
        }
        return text
    }
}

extension PostgresQuotaStoreError {
    static func timeout(_ timeout: Duration) -> Self {
        Self(code: .timeout, detail: "no answer within the store's queryTimeout (\(timeout))")
    }

    static func invalidArgument(_ detail: String) -> Self {
        Self(code: .invalidArgument, detail: detail)
    }

    static func unexpectedAnswer(_ detail: String, underlying: (any Error)? = nil) -> Self {
        Self(code: .unexpectedAnswer, detail: detail, underlyingType: underlying.map { typeName($0) })
    }

    /// The store's error for `error`, thrown by PostgresNIO or by the deadline; `CancellationError`
    /// is left as it is (the caller was cancelled: the store has nothing to say).
    static func wrapping(_ error: any Error, timeout: Duration) -> any Error {
        switch error {
        case let error as PostgresQuotaStoreError:
            return error
        case is Deadline.Expired:
            return Self.timeout(timeout)
        case is CancellationError:
            return error
        case let error as PSQLError:
            return Self(psql: error, timeout: timeout)
        case is PostgresDecodingError:
            return Self.unexpectedAnswer("a value of the answer has another type", underlying: error)
        default:
            return Self(code: .unavailable, detail: "the database could not be reached", underlyingType: typeName(error))
        }
    }

    private init(psql error: PSQLError, timeout: Duration) {
        guard error.code == .server else {
            self.init(code: .unavailable, detail: "the database could not be reached (\(error.code))", underlyingType: "PSQLError")
            return
        }
        let state = Self.sqlState(error.serverInfo?[.sqlState])
        switch state {
        case "55P03", "57014":
            // lock_not_available (the statement's lock timeout) or query_canceled.
            self.init(
                code: .timeout,
                detail: "no answer within the store's queryTimeout (\(timeout))",
                underlyingType: "PSQLError",
                sqlState: state
            )
        case let state? where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state.hasPrefix("58"):
            // Connection exception, insufficient resources, shut down, system error.
            self.init(code: .unavailable, detail: "the database is unavailable", underlyingType: "PSQLError", sqlState: state)
        default:
            self.init(code: .databaseError, detail: "the database refused the statement", underlyingType: "PSQLError", sqlState: state)
        }
    }

    /// `text` when it is a SQLSTATE code (five digits or capital letters), else `nil`: only a
    /// code of that shape reaches a description.
    private static func sqlState(_ text: String?) -> String? {
        guard let text, text.utf8.count == 5 else { return nil }
        return text.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
        }
            ? text : nil
    }
}

/// The name of `error`'s type, without its module (`PSQLError`): what an error may say of
/// another error without repeating its text.
private func typeName(_ error: any Error) -> String {
    String(describing: type(of: error))
}
