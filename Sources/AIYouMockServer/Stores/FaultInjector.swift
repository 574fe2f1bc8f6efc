import NIOConcurrencyHelpers

/// Decides which fault, if any, a request meets: first the faults queued for its route, then
/// the route's persistent fault, then the random failure rate (never applied to login).
final class FaultInjector: Sendable {
    private struct RandomFailure {
        var rate: Double
        var status: Int
        var generator: SplitMix64
    }

    private struct State {
        var queues: [MockRoute: [MockFault]] = [:]
        var persistent: [MockRoute: MockFault] = [:]
        var randomFailure: RandomFailure?
    }

    private let state = NIOLockedValueBox(State())

    /// Appends faults to the queue of `route`.
    func enqueue(_ faults: [MockFault], for route: MockRoute) {
        guard !faults.isEmpty else { return }
        self.state.withLockedValue { $0.queues[route, default: []].append(contentsOf: faults) }
    }

    /// Sets the fault every request to `route` meets once its queue is empty; `nil` clears it.
    func setPersistent(_ fault: MockFault?, for route: MockRoute) {
        self.state.withLockedValue { $0.persistent[route] = fault }
    }

    /// Answers `rate` of the requests to every route but login with `status`; a rate of zero
    /// turns random failures off.
    func setRandomFailureRate(_ rate: Double, status: Int, seed: UInt64) {
        let clamped = rate.isFinite ? min(max(rate, 0), 1) : 0
        self.state.withLockedValue { state in
            state.randomFailure = clamped > 0 ? RandomFailure(rate: clamped, status: status, generator: SplitMix64(seed: seed)) : nil
        }
    }

    /// The fault the next request to `route` meets, consuming it if it was queued.
    func nextFault(for route: MockRoute) -> MockFault? {
        self.state.withLockedValue { state in
            if var queue = state.queues[route], !queue.isEmpty {
                let fault = queue.removeFirst()
                state.queues[route] = queue.isEmpty ? nil : queue
                return fault
            }
            if let fault = state.persistent[route] {
                return fault
            }
            guard route != .login, var random = state.randomFailure else { return nil }
            let draw = Double.random(in: 0..<1, using: &random.generator)
            state.randomFailure = random
            return draw < random.rate ? .status(random.status) : nil
        }
    }
}
