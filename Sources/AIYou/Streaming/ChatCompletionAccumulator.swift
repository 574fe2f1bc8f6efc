import Foundation

/// Folds the chunks of a stream into the completion they make so far: text, tool calls, finish
/// reasons and usage, as a non-streamed answer would carry them. ``ChatCompletionStream/collect()``
/// uses one; use your own to show progress while iterating:
///
/// ```swift
/// var accumulator = ChatCompletionAccumulator()
/// for try await chunk in try await client.chatCompletionStream(request) {
///     try accumulator.add(chunk)
///     print(accumulator.text.count, "characters,", accumulator.toolCalls.count, "tool calls so far")
/// }
/// let completion = accumulator.completion
/// ```
///
/// Tool-call pieces are joined by their `index`; a piece that reuses an index with a new `id`
/// (as some backends do for parallel calls) starts a new call. Whatever the server sends, the
/// accumulator holds at most ``maxBytes`` of text, ``maxChoices`` choices and
/// ``maxToolCallsPerChoice`` calls per choice.
public struct ChatCompletionAccumulator: Sendable {
    /// The most distinct choices assembled.
    public static let maxChoices = 256
    /// The most tool calls assembled for one choice.
    public static let maxToolCallsPerChoice = 128
    /// The most text (content, tool names, ids and arguments, in UTF-8 bytes) assembled.
    public let maxBytes: Int

    private var bytes = 0
    private var id: String?
    private var model: String?
    private var created: Date?
    private var usage: Usage?
    private var choices: [Int: ChoiceState] = [:]

    private struct ChoiceState: Sendable {
        var role: ChatRole = .assistant
        var text = ""
        var sawContent = false
        var finishReason: String?
        var toolCalls: [ToolCall] = []
        /// The position in `toolCalls` of the call each wire index currently means.
        var positions: [Int: Int] = [:]
    }

    /// An empty accumulator that refuses to hold more than `maxBytes` of text (by default what a
    /// non-streamed answer may hold, ``Configuration/Limits/maxResponseBodyBytes``).
    public init(maxBytes: Int = Configuration.Limits().maxResponseBodyBytes) {
        self.maxBytes = maxBytes
    }

    /// Adds one chunk.
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/limitExceeded`` when the chunk would
    ///   take the accumulator beyond one of its bounds (it is then left as it was).
    public mutating func add(_ chunk: ChatCompletionChunk) throws(AIYouError) {
        try add(chunk, operation: .chatStream)
    }

    mutating func add(_ chunk: ChatCompletionChunk, operation: Operation) throws(AIYouError) {
        var added = 0
        var newChoices = 0
        for choice in chunk.choices {
            added = WireValue.sum(added, choice.delta.content?.utf8.count ?? 0)
            for piece in choice.delta.toolCalls {
                let size = WireValue.sum(
                    piece.arguments?.utf8.count ?? 0,
                    WireValue.sum(piece.id?.utf8.count ?? 0, piece.name?.utf8.count ?? 0)
                )
                added = WireValue.sum(added, size)
            }
            let state = choices[choice.index]
            if state == nil { newChoices += 1 }
            guard
                (state?.toolCalls.count ?? 0) + choice.delta.toolCalls.count <= Self.maxToolCallsPerChoice
                    || wouldStayWithinCalls(state ?? ChoiceState(), choice.delta.toolCalls)
            else {
                throw AIYouError(
                    .limitExceeded,
                    "\(operation.name): the streamed answer has more than \(Self.maxToolCallsPerChoice) tool calls in one choice"
                )
            }
        }
        guard WireValue.sum(bytes, added) <= maxBytes else {
            throw AIYouError(
                .limitExceeded,
                "\(operation.name): the streamed answer is larger than \(maxBytes) bytes (limits.maxResponseBodyBytes)"
            )
        }
        guard choices.count + newChoices <= Self.maxChoices || chunk.choices.allSatisfy({ choices[$0.index] != nil }) else {
            throw AIYouError(.limitExceeded, "\(operation.name): the streamed answer has more than \(Self.maxChoices) choices")
        }
        bytes = WireValue.sum(bytes, added)
        id = id ?? chunk.id
        model = model ?? chunk.model
        created = created ?? chunk.created
        if let chunkUsage = chunk.usage { usage = chunkUsage }
        for choice in chunk.choices {
            var state = choices[choice.index] ?? ChoiceState()
            if let role = choice.delta.role { state.role = role }
            if let content = choice.delta.content {
                state.text += content
                state.sawContent = true
            }
            for piece in choice.delta.toolCalls { Self.merge(piece, into: &state) }
            if let reason = choice.finishReason { state.finishReason = reason }
            choices[choice.index] = state
        }
    }

    /// Whether merging `pieces` keeps the choice within ``maxToolCallsPerChoice`` calls.
    private func wouldStayWithinCalls(_ state: ChoiceState, _ pieces: [ChatCompletionChunk.ToolCallDelta]) -> Bool {
        var probe = state
        for piece in pieces {
            Self.merge(piece, into: &probe)
            if probe.toolCalls.count > Self.maxToolCallsPerChoice { return false }
        }
        return true
    }

    private static func merge(_ piece: ChatCompletionChunk.ToolCallDelta, into state: inout ChoiceState) {
        if let position = state.positions[piece.index] {
            let current = state.toolCalls[position]
            let startsAnother = piece.id.map { !$0.isEmpty && !current.id.isEmpty && $0 != current.id } ?? false
            if !startsAnother {
                var call = current
                if call.id.isEmpty, let id = piece.id { call.id = id }
                if let type = piece.type, !type.isEmpty { call.type = type }
                if call.name.isEmpty, let name = piece.name { call.name = name }
                if let arguments = piece.arguments { call.arguments += arguments }
                state.toolCalls[position] = call
                return
            }
        }
        state.positions[piece.index] = state.toolCalls.count
        state.toolCalls.append(ToolCall(piece: piece))
    }

    /// The completion assembled so far (choices in index order).
    public var completion: ChatCompletion {
        let assembled = choices.keys.sorted().map { index in
            let state = choices[index]!
            var message = AssistantMessage(role: state.role, content: state.text, toolCalls: state.toolCalls)
            if !state.sawContent { message.parts = [] }
            return ChatChoice(index: index, message: message, finishReason: state.finishReason)
        }
        return ChatCompletion(id: id, object: "chat.completion", model: model, created: created, choices: assembled, usage: usage)
    }

    /// The text of the first choice so far.
    public var text: String { firstChoice?.text ?? "" }

    /// The tool calls of the first choice so far; the last one's arguments may still be growing.
    public var toolCalls: [ToolCall] { firstChoice?.toolCalls ?? [] }

    /// The first choice's finish reason, once it has arrived.
    public var finishReason: String? { firstChoice?.finishReason }

    /// The usage, once a chunk has carried it.
    public var latestUsage: Usage? { usage }

    private var firstChoice: ChoiceState? { choices.keys.min().flatMap { choices[$0] } }
}
