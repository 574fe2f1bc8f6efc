import Foundation

/// Folds the chunks of a stream into the completion they make so far: text, reasoning, tool
/// calls, finish reasons and usage, as a non-streamed answer would carry them. ``ChatCompletionStream/collect()``
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
/// (as some backends do for parallel calls) starts a new call. Text and arguments are appended
/// where they lie, so assembling an answer costs time in proportion to its size, whatever the
/// number of pieces it arrives in.
///
/// Whatever the server sends, the accumulator holds at most ``maxBytes`` of strings (every string
/// it keeps counts: text, reasoning, ids, names, types, roles, finish reasons, arguments), ``maxChoices``
/// choices and ``maxToolCallsPerChoice`` calls per choice — also when one chunk names the same
/// choice many times.
public struct ChatCompletionAccumulator: Sendable {
    /// The most distinct choices assembled.
    public static let maxChoices = 256
    /// The most tool calls assembled for one choice.
    public static let maxToolCallsPerChoice = 128
    /// The most strings held, in UTF-8 bytes: text, reasoning, arguments, ids, names, types, roles
    /// and finish reasons together.
    public let maxBytes: Int

    /// UTF-8 bytes of every string held now.
    private var bytes = 0
    private var id: String?
    private var model: String?
    private var created: Date?
    private var usage: ChatCompletion.Usage?
    /// The choices in order of arrival.
    private var choices: [ChoiceState] = []
    /// The position in `choices` of each wire index.
    private var positions: [Int: Int] = [:]
    /// The position of the choice with the lowest index (what ``text`` and friends read).
    private var firstPosition: Int?
    /// The most tool calls one choice holds.
    private var mostCalls = 0

    private struct ChoiceState: Sendable {
        let index: Int
        var role: ChatRole = .assistant
        /// Whether `role` came from the wire (the default is not a held string).
        var roleFromWire = false
        var text = ""
        var sawContent = false
        var reasoning = ""
        var sawReasoning = false
        var finishReason: String?
        var toolCalls: [ToolCall] = []
        /// The position in `toolCalls` of the call each wire index currently means.
        var toolPositions: [Int: Int] = [:]

        init(index: Int) { self.index = index }

        /// The id of the call wire index `toolIndex` currently means, `nil` when there is none.
        func currentCallID(_ toolIndex: Int) -> String? {
            toolPositions[toolIndex].map { toolCalls[$0].id }
        }

        /// Applies one choice's part of a chunk in place; returns the change in bytes held.
        mutating func apply(_ choice: ChatCompletionChunk.Choice) -> Int {
            var change = 0
            if let role = choice.delta.role {
                change += role.rawValue.utf8.count - (roleFromWire ? self.role.rawValue.utf8.count : 0)
                self.role = role
                roleFromWire = true
            }
            if let content = choice.delta.content {
                text.append(content)
                change += content.utf8.count
                sawContent = true
            }
            if let piece = choice.delta.reasoning {
                reasoning.append(piece)
                change += piece.utf8.count
                sawReasoning = true
            }
            for piece in choice.delta.toolCalls { change += merge(piece) }
            if let reason = choice.finishReason {
                change += reason.utf8.count - (finishReason?.utf8.count ?? 0)
                finishReason = reason
            }
            return change
        }

        /// Joins `piece` to the call its index means, or starts a new call; returns the change in
        /// bytes held.
        private mutating func merge(_ piece: ChatCompletionChunk.ToolCallDelta) -> Int {
            if let position = toolPositions[piece.index], !ChatCompletionAccumulator.startsAnother(piece, after: toolCalls[position].id) {
                var change = 0
                if toolCalls[position].id.isEmpty, let id = piece.id {
                    toolCalls[position].id = id
                    change += id.utf8.count
                }
                if let type = piece.type, !type.isEmpty {
                    change += type.utf8.count - toolCalls[position].type.utf8.count
                    toolCalls[position].type = type
                }
                if toolCalls[position].name.isEmpty, let name = piece.name {
                    toolCalls[position].name = name
                    change += name.utf8.count
                }
                if let arguments = piece.arguments {
                    toolCalls[position].arguments.append(arguments)
                    change += arguments.utf8.count
                }
                return change
            }
            toolPositions[piece.index] = toolCalls.count
            toolCalls.append(ToolCall(piece: piece))
            // A type the server did not send is the default "function", counted like a sent one
            // so that replacing it later balances.
            let type = piece.type.map { $0.utf8.count } ?? ToolCall.defaultType.utf8.count
            return (piece.id?.utf8.count ?? 0) + type + (piece.name?.utf8.count ?? 0) + (piece.arguments?.utf8.count ?? 0)
        }
    }

    /// An empty accumulator that refuses to hold more than `maxBytes` of strings (by default what
    /// a non-streamed answer may hold, ``Configuration/Limits/maxResponseBodyBytes``).
    public init(maxBytes: Int = Configuration.Limits().maxResponseBodyBytes) {
        self.maxBytes = maxBytes
    }

    /// Adds one chunk.
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/limitExceeded`` when the chunk could
    ///   take the accumulator beyond one of its bounds (it is then left as it was).
    public mutating func add(_ chunk: ChatCompletionChunk) throws(AIYouError) {
        try add(chunk, operation: .chatStream)
    }

    mutating func add(_ chunk: ChatCompletionChunk, operation: AIYouOperation) throws(AIYouError) {
        try check(chunk, operation: operation)
        if id == nil, let chunkID = chunk.id {
            id = chunkID
            bytes = WireValue.sum(bytes, chunkID.utf8.count)
        }
        if model == nil, let chunkModel = chunk.model {
            model = chunkModel
            bytes = WireValue.sum(bytes, chunkModel.utf8.count)
        }
        created = created ?? chunk.created
        if let chunkUsage = chunk.usage { usage = chunkUsage }
        for choice in chunk.choices {
            let position = position(for: choice.index)
            bytes = WireValue.sum(bytes, choices[position].apply(choice))
            if !choice.delta.toolCalls.isEmpty { mostCalls = max(mostCalls, choices[position].toolCalls.count) }
        }
    }

    /// Throws when adding `chunk` could exceed a bound; changes nothing.
    private func check(_ chunk: ChatCompletionChunk, operation: AIYouOperation) throws(AIYouError) {
        // What the chunk can add at most: every string in it, as if all were kept.
        var incoming = 0
        if id == nil { incoming = WireValue.sum(incoming, chunk.id?.utf8.count ?? 0) }
        if model == nil { incoming = WireValue.sum(incoming, chunk.model?.utf8.count ?? 0) }
        var pieces = 0
        for choice in chunk.choices {
            incoming = WireValue.sum(incoming, Self.size(of: choice))
            pieces = WireValue.sum(pieces, choice.delta.toolCalls.count)
        }
        guard WireValue.sum(bytes, incoming) <= maxBytes else {
            throw AIYouError(
                .limitExceeded,
                "the streamed answer is larger than \(maxBytes) bytes (limits.maxResponseBodyBytes)",
                operation: operation
            )
        }
        if choices.count + chunk.choices.count > Self.maxChoices {
            var new = Set<Int>()
            for choice in chunk.choices where positions[choice.index] == nil { new.insert(choice.index) }
            guard choices.count + new.count <= Self.maxChoices else {
                throw AIYouError(.limitExceeded, "the streamed answer has more than \(Self.maxChoices) choices", operation: operation)
            }
        }
        // Each piece starts at most one call: only when the pieces could take a choice beyond the
        // bound are they followed exactly.
        guard pieces > 0, WireValue.sum(pieces, mostCalls) > Self.maxToolCallsPerChoice else { return }
        guard staysWithinCalls(chunk) else {
            throw AIYouError(
                .limitExceeded,
                "the streamed answer has more than \(Self.maxToolCallsPerChoice) tool calls in one choice",
                operation: operation
            )
        }
    }

    /// Whether merging the chunk's pieces, in order, keeps every choice within
    /// ``maxToolCallsPerChoice`` calls. Follows the merge rule on call ids alone, without copying
    /// any text.
    private func staysWithinCalls(_ chunk: ChatCompletionChunk) -> Bool {
        /// Per wire choice index: calls added, and the id each wire tool index means after the
        /// pieces seen so far.
        var added: [Int: Int] = [:]
        var current: [Int: [Int: String]] = [:]
        for choice in chunk.choices where !choice.delta.toolCalls.isEmpty {
            let state = positions[choice.index].map { choices[$0] }
            for piece in choice.delta.toolCalls {
                let callID = current[choice.index]?[piece.index] ?? state?.currentCallID(piece.index)
                if let callID, !Self.startsAnother(piece, after: callID) {
                    if callID.isEmpty, let id = piece.id { current[choice.index, default: [:]][piece.index] = id }
                    continue
                }
                current[choice.index, default: [:]][piece.index] = piece.id ?? ""
                let count = added[choice.index, default: 0] + 1
                added[choice.index] = count
                if (state?.toolCalls.count ?? 0) + count > Self.maxToolCallsPerChoice { return false }
            }
        }
        return true
    }

    /// Whether `piece` starts a new call instead of continuing the call `callID`: it carries
    /// another non-empty id.
    static func startsAnother(_ piece: ChatCompletionChunk.ToolCallDelta, after callID: String) -> Bool {
        guard let id = piece.id, !id.isEmpty, !callID.isEmpty else { return false }
        return id != callID
    }

    /// Every string in one choice's part of a chunk, in UTF-8 bytes (saturating).
    private static func size(of choice: ChatCompletionChunk.Choice) -> Int {
        var size = WireValue.sum(choice.delta.role?.rawValue.utf8.count ?? 0, choice.delta.content?.utf8.count ?? 0)
        size = WireValue.sum(size, choice.finishReason?.utf8.count ?? 0)
        size = WireValue.sum(size, choice.delta.reasoning?.utf8.count ?? 0)
        for piece in choice.delta.toolCalls {
            size = WireValue.sum(size, piece.id?.utf8.count ?? 0)
            size = WireValue.sum(size, piece.type?.utf8.count ?? ToolCall.defaultType.utf8.count)
            size = WireValue.sum(size, piece.name?.utf8.count ?? 0)
            size = WireValue.sum(size, piece.arguments?.utf8.count ?? 0)
        }
        return size
    }

    /// The position of the choice with wire index `index`, created when new.
    private mutating func position(for index: Int) -> Int {
        if let position = positions[index] { return position }
        let position = choices.count
        choices.append(ChoiceState(index: index))
        positions[index] = position
        if firstPosition.map({ choices[$0].index > index }) ?? true { firstPosition = position }
        return position
    }

    /// The completion assembled so far (choices in index order).
    public var completion: ChatCompletion {
        let assembled = choices.sorted { $0.index < $1.index }.map { state in
            var message = AssistantMessage(
                role: state.role,
                content: state.text,
                toolCalls: state.toolCalls,
                reasoning: state.sawReasoning ? state.reasoning : nil
            )
            if !state.sawContent { message.parts = [] }
            return ChatCompletion.Choice(index: state.index, message: message, finishReason: state.finishReason)
        }
        return ChatCompletion(id: id, object: "chat.completion", model: model, created: created, choices: assembled, usage: usage)
    }

    /// The text of the first choice so far.
    public var text: String { firstChoice?.text ?? "" }

    /// The reasoning of the first choice so far, `nil` when the model sent none.
    public var reasoning: String? { firstChoice.flatMap { $0.sawReasoning ? $0.reasoning : nil } }

    /// The tool calls of the first choice so far; the last one's arguments may still be growing.
    public var toolCalls: [ToolCall] { firstChoice?.toolCalls ?? [] }

    /// The first choice's finish reason, once it has arrived.
    public var finishReason: String? { firstChoice?.finishReason }

    /// The usage, once a chunk has carried it.
    public var latestUsage: ChatCompletion.Usage? { usage }

    /// How many bytes of strings the accumulator holds (what counts toward ``maxBytes``).
    public var heldBytes: Int { bytes }

    private var firstChoice: ChoiceState? { firstPosition.map { choices[$0] } }
}
