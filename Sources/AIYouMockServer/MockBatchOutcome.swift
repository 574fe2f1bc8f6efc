/// How a batch created on the server ends (see <doc:LLMaaSRoutes>): queue outcomes with
/// ``MockAIYouServer/enqueueBatchOutcomes(_:)``; each `POST /v1/batches` takes the next one, and
/// a batch created with none queued ends ``completed``.
///
/// Whatever the outcome, a batch only moves when it is read: each `GET /v1/batches/{id}` moves
/// it one step (``MockAIYouServer/batchReadsPerStep`` reads per step), so a test decides when it
/// ends without waiting.
public enum MockBatchOutcome: Sendable, Equatable {
    /// `validating` → `in_progress` → `finalizing` → `completed`; every request is run.
    case completed
    /// `validating` → `failed`, with the error `{"code":"mock_failure","message":"Injected failure."}`
    /// in `errors.data`; nothing is run and there are no result files. (An input file the server
    /// refuses fails the same way, with its own errors, whatever the outcome.)
    case failed
    /// `validating` → `in_progress` → `expired`: the first half of the requests (rounded down)
    /// have results in the output file; the others are in the error file, each with the error
    /// `{"code":"batch_expired","message":…}`, and are counted as failed.
    case expired
    /// `validating` → `in_progress` → `cancelling` → `cancelled`, as if someone else had
    /// cancelled it: the first half of the requests (rounded down) have results, the others none.
    case cancelled
    /// Like ``completed``, but line `line` of the output file (from 1) is cut in the middle of
    /// its JSON; a line number beyond the file changes nothing.
    case malformedLine(Int)
}
