/// Splits `<think>…</think>` out of a text that arrives in pieces: what is inside the tags is
/// reasoning, the rest is text. A tag cut across two pieces is recognised (the bytes that may
/// begin a tag are held back until the next piece shows what they are), and each piece costs time
/// in proportion to its own length: nothing already split is looked at again.
///
/// Whitespace right after `<think>`, right before `</think>` and right after `</think>` is
/// dropped (models write `<think>\n…\n</think>\n\nAnswer`). Only an opening tag starts reasoning and only a closing tag
/// ends it; any other `<` is text.
struct ThinkTagSplitter: Sendable {
    private static let opening = Array("<think>".utf8)
    private static let closing = Array("</think>".utf8)

    /// Inside `<think>…</think>`.
    private(set) var inReasoning = false
    /// Bytes at the end of the last piece that may begin a tag (at most 7).
    private var pending: [UInt8] = []
    /// Leading whitespace is being dropped (just after a tag).
    private var trimming = false
    /// Whitespace inside the reasoning, held until something other than `</think>` follows it
    /// (at most ``maxHeldWhitespace`` bytes: a longer run is let through).
    private var heldWhitespace: [UInt8] = []
    private static let maxHeldWhitespace = 256

    /// The text and the reasoning `piece` holds, as far as they can be told apart yet.
    mutating func split(_ piece: String) -> (text: String, reasoning: String) {
        if pending.isEmpty, !trimming, !inReasoning, !piece.utf8.contains(UInt8(ascii: "<")) {
            return (piece, "")
        }
        var text: [UInt8] = []
        var reasoning: [UInt8] = []
        var input = pending
        pending.removeAll(keepingCapacity: true)
        input.append(contentsOf: piece.utf8)
        var position = 0
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "<") {
                let tag = inReasoning ? Self.closing : Self.opening
                let available = min(tag.count, input.count - position)
                if input[position..<(position + available)].elementsEqual(tag[0..<available]) {
                    if available < tag.count {
                        // The piece ends inside what may be a tag: wait for the next piece.
                        pending.append(contentsOf: input[position...])
                        break
                    }
                    inReasoning.toggle()
                    trimming = true
                    heldWhitespace.removeAll(keepingCapacity: true)
                    position += tag.count
                    continue
                }
            }
            let isWhitespace =
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
            if trimming, isWhitespace {
                position += 1
                continue
            }
            trimming = false
            if inReasoning {
                if isWhitespace {
                    heldWhitespace.append(byte)
                    if heldWhitespace.count > Self.maxHeldWhitespace {
                        reasoning.append(contentsOf: heldWhitespace)
                        heldWhitespace.removeAll(keepingCapacity: true)
                    }
                } else {
                    reasoning.append(contentsOf: heldWhitespace)
                    heldWhitespace.removeAll(keepingCapacity: true)
                    reasoning.append(byte)
                }
            } else {
                text.append(byte)
            }
            position += 1
        }
        return (String(decoding: text, as: UTF8.self), String(decoding: reasoning, as: UTF8.self))
    }

    /// The held-back bytes, at the end of the answer: they were not a tag after all.
    mutating func flush() -> (text: String, reasoning: String) {
        defer {
            pending.removeAll()
            heldWhitespace.removeAll()
        }
        guard inReasoning else { return (String(decoding: pending, as: UTF8.self), "") }
        return ("", String(decoding: heldWhitespace + pending, as: UTF8.self))
    }

    /// Whether bytes are held back.
    var hasPending: Bool { !pending.isEmpty || !heldWhitespace.isEmpty }
}

extension ChatCompletion {
    /// The completion with `<think>…</think>` moved from each choice's text to its reasoning
    /// (appended after any reasoning the service sent apart).
    func splittingThinkTags() -> ChatCompletion {
        var result = self
        for position in result.choices.indices {
            let content = result.choices[position].message.content
            guard content.utf8.contains(UInt8(ascii: "<")) else { continue }
            var splitter = ThinkTagSplitter()
            let split = splitter.split(content)
            let rest = splitter.flush()
            let reasoning = split.reasoning + rest.reasoning
            var message = result.choices[position].message
            message.content = split.text + rest.text
            if !message.parts.isEmpty, message.parts.allSatisfy({ $0.type == .text }) {
                message.parts = [ContentPart(type: .text, text: message.content)]
            }
            if !reasoning.isEmpty { message.reasoning = (message.reasoning ?? "") + reasoning }
            result.choices[position].message = message
        }
        return result
    }
}

/// The splitters of a stream's choices, applied to each chunk as it is decoded.
struct ThinkTagStreamSplitter: Sendable {
    /// Choices beyond this many pass through unsplit (the accumulator refuses them anyway).
    static let maxChoices = ChatCompletionAccumulator.maxChoices
    private var splitters: [Int: ThinkTagSplitter] = [:]

    /// `chunk` with each choice's content split into text and reasoning; a choice that finishes
    /// gets the bytes its splitter still held.
    mutating func apply(to chunk: ChatCompletionChunk) -> ChatCompletionChunk {
        var chunk = chunk
        for position in chunk.choices.indices {
            let index = chunk.choices[position].index
            guard splitters[index] != nil || splitters.count < Self.maxChoices else { continue }
            var delta = chunk.choices[position].delta
            let finishes = chunk.choices[position].finishReason != nil
            // Split in place in the dictionary: the splitter's held bytes are not copied per chunk.
            let (text, reasoning) = Self.split(delta.content, finishing: finishes, with: &splitters[index, default: ThinkTagSplitter()])
            if delta.content != nil || !text.isEmpty { delta.content = text.isEmpty ? nil : text }
            if !reasoning.isEmpty { delta.reasoning = (delta.reasoning ?? "") + reasoning }
            chunk.choices[position].delta = delta
        }
        return chunk
    }

    private static func split(_ content: String?, finishing: Bool, with splitter: inout ThinkTagSplitter) -> (String, String) {
        var (text, reasoning) = content.map { splitter.split($0) } ?? ("", "")
        if finishing {
            let rest = splitter.flush()
            text += rest.text
            reasoning += rest.reasoning
        }
        return (text, reasoning)
    }

    /// A chunk with what the splitters still hold, at the end of the stream; `nil` when they
    /// hold nothing.
    mutating func flush() -> ChatCompletionChunk? {
        var choices: [ChatCompletionChunk.Choice] = []
        for index in splitters.keys.sorted() where splitters[index]?.hasPending == true {
            guard let rest = splitters[index]?.flush() else { continue }
            choices.append(
                .init(
                    index: index,
                    delta: .init(content: rest.text.isEmpty ? nil : rest.text, reasoning: rest.reasoning.isEmpty ? nil : rest.reasoning)
                )
            )
        }
        return choices.isEmpty ? nil : ChatCompletionChunk(choices: choices)
    }
}
