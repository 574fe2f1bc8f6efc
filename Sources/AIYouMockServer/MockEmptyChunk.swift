/// The chunk ``MockFault/endlessEmptyChunks(interval:kind:)`` repeats: a well-formed stream
/// chunk that adds nothing to the answer.
public enum MockEmptyChunk: Sendable, CaseIterable {
    /// `"choices":[]`, as the usage chunk has, but without usage.
    case emptyChoices
    /// One choice with an empty delta: `{"index":0,"delta":{},"finish_reason":null}`.
    case emptyDelta
    /// One choice repeating the role: `{"index":0,"delta":{"role":"assistant"}}`.
    case roleOnly
}
