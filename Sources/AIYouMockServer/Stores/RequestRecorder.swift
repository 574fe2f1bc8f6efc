import NIOConcurrencyHelpers

/// Counts requests per route and keeps the most recent ones for inspection.
final class RequestRecorder: Sendable {
    /// How many requests are kept per route.
    static let retainedPerRoute = 100

    private struct State {
        var counts: [MockRoute: Int] = [:]
        var recent: [MockRoute: [RecordedRequest]] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Counts and keeps one request.
    func record(_ request: RecordedRequest, for route: MockRoute) {
        self.state.withLockedValue { state in
            state.counts[route, default: 0] += 1
            state.recent[route, default: []].append(request)
            let overflow = state.recent[route, default: []].count - Self.retainedPerRoute
            if overflow > 0 {
                state.recent[route]?.removeFirst(overflow)
            }
        }
    }

    /// The number of requests to `route`.
    func count(for route: MockRoute) -> Int {
        self.state.withLockedValue { $0.counts[route, default: 0] }
    }

    /// The number of requests to every route.
    var total: Int {
        self.state.withLockedValue { $0.counts.values.reduce(0, +) }
    }

    /// The last requests to `route`, oldest first.
    func recent(for route: MockRoute) -> [RecordedRequest] {
        self.state.withLockedValue { $0.recent[route, default: []] }
    }

    /// Forgets every count and recorded request.
    func reset() {
        self.state.withLockedValue { $0 = State() }
    }
}
