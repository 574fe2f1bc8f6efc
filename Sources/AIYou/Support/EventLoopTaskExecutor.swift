import NIOCore
import Synchronization

/// A task executor that runs a task's jobs on one of the client's event loops: the thread that
/// also does the task's network I/O.
///
/// A call made from a task that prefers this executor never changes threads: the request is sent,
/// its answer read, decoded and returned on the same event loop, instead of hopping from the
/// caller's thread to the event loop and back for every call (two thread wake-ups). That is worth
/// it for a caller that makes calls one after another and wants the lowest latency and CPU per
/// call. It is not for CPU-heavy work between calls, which would hold up the loop's I/O, nor for
/// many concurrent callers, which share the cooperative pool's threads better. A process that
/// wants every task on the loops installs NIO's executor takeover instead (the DocC article
/// "Performance tuning").
///
/// ```swift
/// let executor = client.eventLoopExecutor()
/// let answer = try await Task(executorPreference: executor) {
///     try await client.chatCompletion(request)
/// }.value
/// ```
/// Any code can prefer it: cancellation, task-local values and structured concurrency work as
/// with any task executor. It runs jobs for as long as its event loop runs: with a client that
/// borrows an `HTTPClient`, do not use it after that client's event loop group was shut down.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    let eventLoop: any EventLoop
    /// Calls from off the client's loops that are delivered on this one and not answered yet
    /// (``HTTPClientTransport`` sends the next such call to the least busy loop).
    let callsInFlight = Atomic<Int>(0)

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
