/// Tells the chunks that move a streamed answer forward from those that add nothing, for the
/// stream's idle timeout (``Configuration/Timeouts/streamIdle``): a server that sends empty
/// `choices`, empty deltas or the same role again and again forever is as idle as a silent one.
///
/// Progress is text, reasoning, a piece of tool-call arguments, a tool call with an id not seen just before,
/// or the first finish reason or usage of the stream. Repeating a finish reason, a usage or the
/// same call id is not progress.
struct StreamProgress: Sendable {
    private var sawFinishReason = false
    private var sawUsage = false
    /// The id of the last call started; a server repeating it starts nothing.
    private var lastCallID: String?

    /// Whether `chunk` moves the answer forward (and remembers what it saw).
    mutating func advances(with chunk: ChatCompletionChunk) -> Bool {
        var advances = false
        if chunk.usage != nil, !sawUsage {
            sawUsage = true
            advances = true
        }
        for choice in chunk.choices {
            if let content = choice.delta.content, !content.isEmpty { advances = true }
            if let reasoning = choice.delta.reasoning, !reasoning.isEmpty { advances = true }
            if choice.finishReason != nil, !sawFinishReason {
                sawFinishReason = true
                advances = true
            }
            for piece in choice.delta.toolCalls {
                if let arguments = piece.arguments, !arguments.isEmpty { advances = true }
                if let id = piece.id, !id.isEmpty, id != lastCallID {
                    lastCallID = id
                    advances = true
                }
            }
        }
        return advances
    }
}
