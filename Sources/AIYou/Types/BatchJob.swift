import Foundation

/// A batch of requests the service runs asynchronously (LLMaaS `/v1/batches`), as
/// ``AIYouClient/createBatch(inputFileID:endpoint:completionWindow:metadata:options:)``,
/// ``AIYouClient/batch(id:options:)`` and ``AIYouClient/cancelBatch(id:options:)`` return it.
///
/// The status moves from ``Status-swift.struct/validating`` through
/// ``Status-swift.struct/inProgress`` and ``Status-swift.struct/finalizing`` to
/// ``Status-swift.struct/completed``, or ends ``Status-swift.struct/failed`` (see ``errors``),
/// ``Status-swift.struct/expired`` or ``Status-swift.struct/cancelled``. Once it has ended,
/// ``outputFileID`` holds the answers and ``errorFileID`` the requests that could not be run:
/// read them with ``AIYouClient/batchResults(of:options:)``.
public struct BatchJob: Hashable, Sendable {
    /// Where a batch is in its life. Statuses the client does not know are kept as sent
    /// (``rawValue``), so that a newer service's status is shown rather than lost.
    public struct Status: Hashable, Sendable, CustomStringConvertible {
        /// The status as the service wrote it, e.g. `in_progress`.
        public let rawValue: String

        /// A status from its wire name.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The input file is being checked.
        public static let validating = Status(rawValue: "validating")
        /// The requests are being run.
        public static let inProgress = Status(rawValue: "in_progress")
        /// The requests have run; the result files are being written.
        public static let finalizing = Status(rawValue: "finalizing")
        /// Done: the results are in ``BatchJob/outputFileID`` (and ``BatchJob/errorFileID``).
        public static let completed = Status(rawValue: "completed")
        /// The input file was refused; ``BatchJob/errors`` says why. Nothing was run.
        public static let failed = Status(rawValue: "failed")
        /// The completion window passed first; the requests that ran have results.
        public static let expired = Status(rawValue: "expired")
        /// A cancellation was asked for and is under way.
        public static let cancelling = Status(rawValue: "cancelling")
        /// Cancelled; the requests that ran before have results.
        public static let cancelled = Status(rawValue: "cancelled")

        /// The statuses the client knows.
        public static let known: [Status] = [
            .validating, .inProgress, .finalizing, .completed, .failed, .expired, .cancelling, .cancelled,
        ]

        /// `true` for the statuses a batch never leaves: completed, failed, expired, cancelled.
        /// An unknown status is not terminal.
        public var isTerminal: Bool {
            self == .completed || self == .failed || self == .expired || self == .cancelled
        }

        /// Whether the client knows this status (one of ``known``).
        public var isKnown: Bool { Self.known.contains(self) }

        /// The wire name, with control characters escaped and cut to 64 characters, so that an
        /// unknown status from the service is safe to print.
        public var description: String {
            SafeText.escapingControlCharacters(String(rawValue.prefix(64)), keepingLineBreaks: false)
        }
    }

    /// How many of the batch's requests have run.
    public struct RequestCounts: Hashable, Sendable {
        /// Requests in the input file.
        public var total: Int
        /// Requests that ran and got an answer.
        public var completed: Int
        /// Requests that failed.
        public var failed: Int

        /// Counts with the given values.
        public init(total: Int = 0, completed: Int = 0, failed: Int = 0) {
            self.total = total
            self.completed = completed
            self.failed = failed
        }
    }

    /// Why the service refused the input file (an entry of `errors.data`).
    public struct Failure: Hashable, Sendable {
        /// A machine-readable code, e.g. `invalid_json_line`, when sent.
        public var code: String?
        /// What is wrong, when sent.
        public var message: String?
        /// The field at fault, when sent.
        public var param: String?
        /// The line of the input file at fault (from 1), when sent.
        public var line: Int?

        /// A failure with the given values.
        public init(code: String? = nil, message: String? = nil, param: String? = nil, line: Int? = nil) {
            self.code = code
            self.message = message
            self.param = param
            self.line = line
        }
    }

    /// The service's id of the batch, e.g. `batch_abc123`.
    public var id: String
    /// Where the batch is.
    public var status: Status
    /// The endpoint the batch's requests go to, e.g. `/v1/chat/completions`, when sent.
    public var endpoint: String?
    /// The uploaded file of requests.
    public var inputFileID: String?
    /// The answers, once the batch has ended (`nil` before, or when no request got one).
    public var outputFileID: String?
    /// The requests that could not be run, once the batch has ended, when there are any.
    public var errorFileID: String?
    /// The time the service has to run the batch, e.g. `24h`.
    public var completionWindow: String?
    /// The request counts (all zero when the service does not send them).
    public var requestCounts: RequestCounts
    /// Why the input file was refused (for a ``Status-swift.struct/failed`` batch).
    public var errors: [Failure]
    /// The labels given at creation.
    public var metadata: [String: String]
    /// When the batch was created.
    public var createdAt: Date?
    /// When it started running.
    public var inProgressAt: Date?
    /// When it started writing its results.
    public var finalizingAt: Date?
    /// When it completed.
    public var completedAt: Date?
    /// When it failed.
    public var failedAt: Date?
    /// When it expired.
    public var expiredAt: Date?
    /// When its cancellation was asked for.
    public var cancellingAt: Date?
    /// When it was cancelled.
    public var cancelledAt: Date?
    /// When it will expire if still running.
    public var expiresAt: Date?

    /// A batch with the given values.
    public init(
        id: String,
        status: Status,
        endpoint: String? = nil,
        inputFileID: String? = nil,
        outputFileID: String? = nil,
        errorFileID: String? = nil,
        completionWindow: String? = nil,
        requestCounts: RequestCounts = RequestCounts(),
        errors: [Failure] = [],
        metadata: [String: String] = [:],
        createdAt: Date? = nil
    ) {
        self.id = id
        self.status = status
        self.endpoint = endpoint
        self.inputFileID = inputFileID
        self.outputFileID = outputFileID
        self.errorFileID = errorFileID
        self.completionWindow = completionWindow
        self.requestCounts = requestCounts
        self.errors = errors
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

extension BatchJob: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id, status, endpoint, errors, metadata, data
        case inputFileID = "input_file_id"
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case completionWindow = "completion_window"
        case requestCounts = "request_counts"
        case createdAt = "created_at"
        case inProgressAt = "in_progress_at"
        case finalizingAt = "finalizing_at"
        case completedAt = "completed_at"
        case failedAt = "failed_at"
        case expiredAt = "expired_at"
        case cancellingAt = "cancelling_at"
        case cancelledAt = "cancelled_at"
        case expiresAt = "expires_at"
    }

    /// Decodes the OpenAI batch object. `id` and `status` are required (strings, or numbers
    /// taken as text); everything else is read leniently: a missing or unreadable field is `nil`
    /// (or empty, or zero for a count), `errors` is read as `{"data":[…]}` or as a bare array,
    /// an unreadable failure entry is skipped, and negative counts are taken as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.requiredLenientString(.id)
        status = Status(rawValue: try container.requiredLenientString(.status))
        endpoint = container.lenientString(.endpoint)
        inputFileID = container.lenientString(.inputFileID)
        outputFileID = container.lenientString(.outputFileID)
        errorFileID = container.lenientString(.errorFileID)
        completionWindow = container.lenientString(.completionWindow)
        if let counts = try? container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .requestCounts) {
            requestCounts = RequestCounts(
                total: max(0, counts.lenientInt(AnyCodingKey("total")) ?? 0),
                completed: max(0, counts.lenientInt(AnyCodingKey("completed")) ?? 0),
                failed: max(0, counts.lenientInt(AnyCodingKey("failed")) ?? 0)
            )
        } else {
            requestCounts = RequestCounts()
        }
        if let list = try? container.nestedContainer(keyedBy: CodingKeys.self, forKey: .errors) {
            errors = list.lenientArray(.data, of: Failure.self)
        } else {
            errors = container.lenientArray(.errors, of: Failure.self)
        }
        if let labels = try? container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .metadata) {
            var metadata: [String: String] = [:]
            for key in labels.allKeys {
                if let value = labels.lenientString(key) { metadata[key.stringValue] = value }
            }
            self.metadata = metadata
        } else {
            metadata = [:]
        }
        createdAt = container.lenientDate(.createdAt)
        inProgressAt = container.lenientDate(.inProgressAt)
        finalizingAt = container.lenientDate(.finalizingAt)
        completedAt = container.lenientDate(.completedAt)
        failedAt = container.lenientDate(.failedAt)
        expiredAt = container.lenientDate(.expiredAt)
        cancellingAt = container.lenientDate(.cancellingAt)
        cancelledAt = container.lenientDate(.cancelledAt)
        expiresAt = container.lenientDate(.expiresAt)
    }
}

extension BatchJob.Failure: Decodable {
    private enum CodingKeys: String, CodingKey {
        case code, message, param, line
    }

    /// Decodes `{"code","message","param","line"}`, each field optional and read leniently.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = container.lenientString(.code)
        message = container.lenientString(.message)
        param = container.lenientString(.param)
        line = container.lenientInt(.line)
    }
}

/// One page of batches, most recent first, as ``AIYouClient/batches(limit:after:options:)``
/// returns it (`{"object":"list","data":[…],"first_id","last_id","has_more"}`).
public struct BatchPage: Hashable, Sendable {
    /// The batches of the page.
    public var batches: [BatchJob]
    /// Whether the service has more after this page (ask with `after:` ``lastID``); `false`
    /// when it does not say.
    public var hasMore: Bool
    /// The id of the first batch of the page, when sent.
    public var firstID: String?
    /// The id of the last batch of the page, when sent (else the last batch's id).
    public var lastID: String?

    /// A page with the given values.
    public init(batches: [BatchJob], hasMore: Bool = false, firstID: String? = nil, lastID: String? = nil) {
        self.batches = batches
        self.hasMore = hasMore
        self.firstID = firstID
        self.lastID = lastID
    }
}

extension BatchPage: Decodable {
    private enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case firstID = "first_id"
        case lastID = "last_id"
    }

    /// Decodes the OpenAI list: `data` is required; an entry that is not a batch is skipped.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.data) else {
            throw DecodingError.keyNotFound(CodingKeys.data, .init(codingPath: [], debugDescription: "a list of batches has \"data\""))
        }
        batches = container.lenientArray(.data, of: BatchJob.self)
        hasMore = container.lenientBool(.hasMore) ?? false
        firstID = container.lenientString(.firstID) ?? batches.first?.id
        lastID = container.lenientString(.lastID) ?? batches.last?.id
    }
}
