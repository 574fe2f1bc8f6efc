import Hummingbird
import NIOCore

/// Thrown out of a response body writer after the connection was closed on purpose, so that
/// Hummingbird stops writing to it.
struct ConnectionDroppedError: Error {}

/// Drops and holds connections for the faults that need it.
struct ConnectionControl: Sendable {
    let state: MockServerState

    /// How often a held request checks whether it may let go.
    static let pollInterval: Duration = .milliseconds(5)

    /// Closes the connection without a response. The returned response is never written: the
    /// write fails on the closed channel and Hummingbird drops the connection.
    func drop(_ channel: any Channel) async -> Response {
        try? await channel.close()
        return Response(status: .ok)
    }

    /// Holds the request until its client goes away or the server begins to stop, then closes
    /// the connection without a response.
    func hang(_ channel: any Channel) async -> Response {
        while !self.state.isStopping.load(ordering: .relaxed), !self.state.connections.isGone(channel) {
            do {
                try await Task.sleep(for: Self.pollInterval)
            } catch {
                break
            }
        }
        return await self.drop(channel)
    }
}
