/// The events a session keeps for resumption: the most recent ones, at most ``maxEvents`` of
/// them and ``maxBytes`` of data together (the oldest are dropped first; an event larger than
/// that on its own is not kept).
struct MCPReplayBuffer: Sendable {
    /// The most events kept.
    static let maxEvents = 64
    /// The most bytes of event data kept.
    static let maxBytes = 4 * 1024 * 1024

    private var events: [MCPEvent] = []
    private var bytes = 0

    /// Keeps `event`, dropping the oldest ones beyond the bounds.
    mutating func keep(_ event: MCPEvent) {
        let size = event.data.utf8.count
        guard size <= Self.maxBytes else { return }
        self.events.append(event)
        self.bytes += size
        while self.events.count > Self.maxEvents || self.bytes > Self.maxBytes {
            self.bytes -= self.events.removeFirst().data.utf8.count
        }
    }

    /// The kept events of the stream of `lastEventID` that come after it, in order; none when
    /// the id is not of the server's form.
    func events(after lastEventID: String) -> [MCPEvent] {
        guard let position = MCPEvent.position(of: lastEventID) else { return [] }
        return self.events.filter { $0.stream == position.stream && $0.number > position.number }
    }
}
