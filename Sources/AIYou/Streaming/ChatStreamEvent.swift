/// One thing a streamed answer says, told apart by kind: what ``ChatCompletionStream/events``
/// yields. Reasoning and text never mix, so a user interface can show the model's thinking apart
/// from its answer, and tool-call pieces are not mistaken for either.
///
/// ```swift
/// for try await event in try await client.chatCompletionStream(request).events {
///     switch event {
///     case .reasoning(let piece, _): print("[thinking]", piece)
///     case .text(let piece, _): print(piece, terminator: "")
///     case .toolCall(let piece, _): print("tool call piece for call", piece.index)
///     case .finished(let reason, _): print("\n(finished: \(reason))")
///     case .usage(let usage): print("tokens:", usage.totalTokens)
///     }
/// }
/// ```
public enum ChatStreamEvent: Sendable, Hashable {
    /// A piece of the reasoning of choice `choice` (`reasoning_content`, `reasoning`, or the
    /// inside of `<think>` tags when ``Configuration/splitsThinkTags`` is on).
    case reasoning(String, choice: Int)
    /// A piece of the answer's text of choice `choice`.
    case text(String, choice: Int)
    /// A piece of a tool call of choice `choice` (see ``ChatCompletionAccumulator`` to put the
    /// pieces together).
    case toolCall(ChatCompletionChunk.ToolCallDelta, choice: Int)
    /// Choice `choice` is complete, for `reason` (`stop`, `length`, `tool_calls`, …).
    case finished(reason: String, choice: Int)
    /// The token usage of the call (on LLMaaS, sent at the end when asked for: see
    /// ``Configuration/LLMaaSSettings/streamUsage``).
    case usage(ChatCompletion.Usage)
}

extension ChatStreamEvent {
    /// The events one chunk carries, in the order a reader expects them: per choice, reasoning,
    /// text, tool-call pieces, then the finish; the usage last. Empty pieces are left out.
    static func events(of chunk: ChatCompletionChunk, into events: inout [ChatStreamEvent]) {
        for choice in chunk.choices {
            let delta = choice.delta
            if let reasoning = delta.reasoning, !reasoning.isEmpty { events.append(.reasoning(reasoning, choice: choice.index)) }
            if let text = delta.content, !text.isEmpty { events.append(.text(text, choice: choice.index)) }
            for call in delta.toolCalls { events.append(.toolCall(call, choice: choice.index)) }
            if let reason = choice.finishReason { events.append(.finished(reason: reason, choice: choice.index)) }
        }
        if let usage = chunk.usage { events.append(.usage(usage)) }
    }
}

extension ChatCompletionStream {
    /// The stream as typed events that tell reasoning, text, tool-call pieces, finishes and
    /// usage apart (``ChatStreamEvent``). Iterate it instead of the stream itself, once.
    public var events: Events { Events(stream: self) }

    /// The events of a ``ChatCompletionStream``.
    public struct Events: AsyncSequence, Sendable {
        /// Each element is one event.
        public typealias Element = ChatStreamEvent
        let stream: ChatCompletionStream

        /// Starts reading the underlying stream.
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }

        /// Reads events one at a time.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: ChatCompletionStream.AsyncIterator
            private var pending: [ChatStreamEvent] = []
            private var nextPending = 0

            init(base: ChatCompletionStream.AsyncIterator) {
                self.base = base
            }

            /// The next event, or `nil` at the end. Throws ``AIYouError`` as the stream does.
            public mutating func next() async throws -> ChatStreamEvent? {
                while nextPending == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    nextPending = 0
                    guard let chunk = try await base.next() else { return nil }
                    ChatStreamEvent.events(of: chunk, into: &pending)
                }
                defer { nextPending += 1 }
                return pending[nextPending]
            }
        }
    }
}
