/// A fault that lets the route answer an authenticated request, but changes, extends or
/// withholds the answer. Routes it does not apply to ignore it.
enum AnswerFault: Sendable, Equatable {
    /// A streamed chat answer stops after this many content events and the connection is
    /// closed (``MockFault/dropStreamAfter(events:)``).
    case dropStream(afterEvents: Int)
    /// A streamed chat answer goes on with endless events after its end
    /// (``MockFault/tailAfterDone``).
    case tailAfterDone
    /// The numbers the client reads are extremes (``MockFault/absurdNumbers``).
    case absurdNumbers
    /// The threads page claims `totalItems`, and with `fullPages` is always full
    /// (``MockFault/lyingPageCounts(totalItems:fullPages:)``).
    case lyingPageCounts(totalItems: Int, fullPages: Bool)
    /// The JSON answer of a request that asks for JSON is spoiled
    /// (``MockFault/flawedAnswer(_:)``).
    case flawedAnswer(MockAnswerFlaw)
    /// The embeddings are written in reverse index order (``MockFault/reversedEmbeddings``).
    case reversedEmbeddings
    /// Every base64 text is invalid (``MockFault/invalidBase64``).
    case invalidBase64
    /// Only the first half of the answer is written (``MockFault/truncatedBody``).
    case truncatedBody
    /// The connection is closed instead of the answer being sent
    /// (``MockFault/dropAfterProcessing``).
    case dropAfterAnswer
}
