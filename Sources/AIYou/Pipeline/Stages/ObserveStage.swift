import Tracing

/// The outermost stage: starts the call's observer (``Telemetry/begin(_:_:)``), makes its trace
/// context current while the call runs (so the spans of its attempts and of a login it triggers
/// are children of the call's span), and reports the outcome. Every ``AIYouError`` that leaves
/// it names the call (``AIYouError/operation``), unless a stage below named a more precise one
/// (a login that failed inside a chat call is the login's error).
struct ObserveStage: Sendable {
    let telemetry: Telemetry
    /// The client's quota, when one is configured: a call that reserves output tokens gets an
    /// observer that settles them when it ends.
    var quota: QuotaGate? = nil

    /// The call's observer: telemetry's (`nil` without metrics or spans), wrapped to settle the
    /// quota's token reservations when the call reserves tokens.
    private func begin(_ operation: AIYouOperation, _ call: CallDescription?) -> (any CallObserver)? {
        let observer = telemetry.begin(operation, call)
        guard let quota, quota.tokens(for: call) > 0 else { return observer }
        return QuotaSettlingObserver(inner: observer, gate: quota)
    }

    /// Runs a call whose outcome is known when `work` returns. `describe`, when given, says what
    /// the answer was for the observer (the pipeline decodes any type and never looks inside).
    func run<Output: Sendable>(
        _ operation: AIYouOperation,
        _ call: CallDescription?,
        describe: ((Output) -> CallAnswer)? = nil,
        _ work: ((any CallObserver)?) async throws -> Output
    ) async throws -> Output {
        guard let observer = begin(operation, call) else {
            do { return try await work(nil) } catch { throw Self.naming(error, operation) }
        }
        do {
            let output = try await Self.withContext(of: observer) { try await work(observer) }
            if let describe { observer.answered(describe(output)) }
            observer.finish(error: nil)
            return output
        } catch {
            let error = Self.naming(error, operation)
            observer.finish(error: error)
            throw error
        }
    }

    /// Opens a call whose outcome comes later (a stream, audio): `open` hands the observer to
    /// what it returns, which reports the end; only a failure to open is reported here.
    func open<Output: Sendable>(
        _ operation: AIYouOperation,
        _ call: CallDescription?,
        _ open: ((any CallObserver)?) async throws -> Output
    ) async throws -> Output {
        guard let observer = begin(operation, call) else {
            do { return try await open(nil) } catch { throw Self.naming(error, operation) }
        }
        do {
            return try await Self.withContext(of: observer) { try await open(observer) }
        } catch {
            let error = Self.naming(error, operation)
            observer.finish(error: error)
            throw error
        }
    }

    /// `error` with `operation` as its ``AIYouError/operation`` when it names none.
    static func naming(_ error: any Error, _ operation: AIYouOperation) -> any Error {
        (error as? AIYouError)?.naming(operation) ?? error
    }

    private static func withContext<Output: Sendable>(
        of observer: any CallObserver,
        _ work: () async throws -> Output
    ) async throws -> Output {
        guard let context = observer.context else { return try await work() }
        return try await ServiceContext.withValue(context) { try await work() }
    }
}
