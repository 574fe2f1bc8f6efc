import NIOCore

/// Tells a long-running response writer when to stop: once its client has gone (closed the
/// connection or its sending side) or the server has begun to stop.
struct ClientWatch: Sendable {
    let state: MockServerState
    /// The connection the response is written to.
    let channel: any Channel

    /// `true` once the client went away or the server is stopping.
    var isAbandoned: Bool {
        self.state.isStopping.load(ordering: .relaxed) || self.isClientGone
    }

    /// `true` once the client went away (closed the connection or its sending side).
    var isClientGone: Bool {
        self.state.connections.isGone(self.channel)
    }

    /// Sleeps for `duration` in slices of ``ConnectionControl/pollInterval``.
    ///
    /// - Parameters:
    ///   - duration: How long to sleep.
    ///   - endsWhenStopping: `true` (endless and held answers) to stop as soon as the response is
    ///     abandoned; `false` (finite answers, which a graceful stop lets finish) to stop only
    ///     when the client has gone.
    /// - Throws: ``ConnectionDroppedError`` as soon as the response is abandoned (or, with
    ///   `endsWhenStopping` false, its client has gone), or `CancellationError` when the task is
    ///   cancelled.
    func pause(_ duration: Duration, endsWhenStopping: Bool = true) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            if endsWhenStopping ? self.isAbandoned : self.isClientGone { throw ConnectionDroppedError() }
            try await Task.sleep(for: min(ConnectionControl.pollInterval, deadline - ContinuousClock.now))
        }
    }

    /// Runs `body` while a companion task closes the connection as soon as the response is
    /// abandoned, so that a write held up by a client that stopped reading fails at once
    /// instead of waiting forever (and holding up the server's shutdown).
    func guarding(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.closeWhenAbandoned() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    private func closeWhenAbandoned() async {
        while !Task.isCancelled {
            if self.isAbandoned {
                try? await self.channel.close()
                return
            }
            try? await Task.sleep(for: ConnectionControl.pollInterval)
        }
    }
}
