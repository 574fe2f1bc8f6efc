/// Waits on the client's behalf (a retry's backoff, a poll's interval) on the configured clock,
/// and knows whether the client was shut down: a wait ends at once with
/// ``AIYouError/Code/clientShutdown`` when it is, and with ``AIYouError/Code/cancelled`` when the
/// task is cancelled.
struct Backoff: Sendable {
    let timeSource: TimeSource
    let shutdownSignal: ShutdownSignal

    /// Whether the client was shut down.
    var isShutDown: Bool { shutdownSignal.isFired }

    /// Waits `delay`. `purpose` ends the errors' "while waiting to …"; `underlying` is the error
    /// they wrap, if any.
    func pause(_ delay: Duration, operation: AIYouOperation, waitingTo purpose: String, underlying: AIYouError? = nil) async throws {
        enum Wake: Sendable {
            case slept
            case shutDown
            case cancelled
        }
        let time = timeSource
        let signal = shutdownSignal
        let wake: Wake = await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await time.sleep(delay)
                    return .slept
                } catch {
                    return .cancelled
                }
            }
            group.addTask { await signal.wait() ? .shutDown : .cancelled }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        switch wake {
        case .slept:
            return
        case .shutDown:
            throw AIYouError(
                .clientShutdown,
                "the client was shut down while the call waited to \(purpose)",
                underlying: underlying,
                operation: operation
            )
        case .cancelled:
            throw AIYouError(.cancelled, "cancelled while waiting to \(purpose)", underlying: underlying, operation: operation)
        }
    }
}
