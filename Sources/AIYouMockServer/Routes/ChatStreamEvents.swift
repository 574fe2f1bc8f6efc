/// The events of one streamed chat answer, for the ``ChatStreamWriter``: content events made
/// one at a time (so memory stays flat however many are asked for), then a few closing events.
protocol ChatStreamEvents: Sendable {
    /// The number of content events: the ones ``MockFault/dropStreamAfter(events:)`` counts.
    var contentEventCount: Int { get }
    /// The content event at `index`, from 0.
    func contentEvent(at index: Int) -> JSONValue
    /// What follows the content events (before the stream's terminator).
    var closingEvents: [JSONValue] { get }
}

/// Splits `characters` into `count` consecutive pieces of nearly equal length (some empty when
/// there are more pieces than characters) and returns piece `index`.
func piece(_ index: Int, of count: Int, in characters: [Character]) -> String {
    let start = index * characters.count / count
    let end = (index + 1) * characters.count / count
    return String(characters[start..<end])
}
