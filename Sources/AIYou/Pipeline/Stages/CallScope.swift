import Logging
import Synchronization

/// What the stages of one call share as it goes down the pipeline: the request, the caller's
/// options, the logger with the call's metadata, the observer, the error mapping, the retry
/// policy and budget, and what the stages learned on the way (attempts sent, the token, whether
/// the call already logged in again). A value passed `inout` from stage to stage: nothing is
/// allocated for it.
struct CallScope: Sendable {
    var request: APIRequest
    let options: RequestOptions
    var logger: Logger
    /// Whether debug logs are written: log metadata is only built then.
    let logsDebug: Bool
    let observer: (any CallObserver)?
    let mapping: ErrorMapping
    let retryPolicy: RetryPolicy
    /// The call's retry budget when it sends more than this request (a stream's reopenings draw
    /// from it too); `nil` when the retry stage counts the retries itself.
    let budget: RetryBudget?
    /// HTTP attempts sent so far (a resend after a new login counts).
    var attempts = 0
    /// Whether the call already logged in again after a 401 (at most once per call).
    var reauthenticated = false
    /// The bearer token of the next attempt; `nil` for an unauthenticated request.
    var token: String?

    init(
        request: APIRequest,
        options: RequestOptions,
        defaultLogger: Logger,
        requestID: UInt64,
        observer: (any CallObserver)?,
        mapping: ErrorMapping,
        retryPolicy: RetryPolicy,
        budget: RetryBudget?
    ) {
        self.request = request
        self.options = options
        var logger = options.logger ?? defaultLogger
        self.logsDebug = logger.logLevel <= .debug
        if logsDebug {
            logger[metadataKey: AIYouLogKey.requestID] = "\(requestID)"
            logger[metadataKey: AIYouLogKey.operation] = "\(request.operation.name)"
        }
        self.logger = logger
        self.observer = observer
        self.mapping = mapping
        self.retryPolicy = options.retry.map(RetryPolicy.init) ?? retryPolicy
        self.budget = budget
    }
}

/// Numbers the requests of a client for its logs (`aiyou.request.id`).
final class RequestNumbers: Sendable {
    private let counter = Atomic<UInt64>(0)

    func next() -> UInt64 { counter.add(1, ordering: .relaxed).newValue }
}
