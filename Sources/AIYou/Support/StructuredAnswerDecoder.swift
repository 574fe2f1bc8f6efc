/// Reads a model's answer as JSON of a Swift type, as models give it: finds the JSON in the text
/// (the whole text, or the first Markdown code fence in it, after a leading `<think>…</think>`
/// block), decodes it through ``JSONCoding`` (depth and value budget bounded), and otherwise says
/// in a short phrase what is wrong, for the model to correct and for the final error.
enum StructuredAnswerDecoder {
    /// Why an answer did not decode. `reason` holds text from the wire (keys, the model's
    /// refusal): it is cleaned before anyone sees it.
    struct Problem: Error {
        var reason: String
        var underlying: (any Error)?
    }

    /// The first choice's text decoded as `Value`, or what is wrong with it.
    static func decode<Value: Decodable>(_ type: Value.Type, from completion: ChatCompletion) -> Result<Value, Problem> {
        guard let choice = completion.choices.first else { return .failure(Problem(reason: "the answer has no choices")) }
        let message = choice.message
        if message.content.allSatisfy(\.isWhitespace) {
            if !message.toolCalls.isEmpty {
                let names = message.toolCalls.prefix(4).map(\.name).joined(separator: ", ")
                return .failure(Problem(reason: "the model called tools (\(names)) instead of answering with JSON"))
            }
            if let refusal = message.refusal, !refusal.isEmpty {
                return .failure(Problem(reason: "the model refused: \(refusal.utf8Prefix(maxBytes: 512))"))
            }
            return .failure(Problem(reason: "the answer is empty"))
        }
        let result = decode(type, fromText: message.content)
        if case .failure(var problem) = result, choice.finishReason == "length" {
            problem.reason += " (the answer was cut at max_tokens: finish_reason length)"
            return .failure(problem)
        }
        return result
    }

    /// `text` decoded as `Value`: the whole text first, then the content of its first code fence.
    static func decode<Value: Decodable>(_ type: Value.Type, fromText text: String) -> Result<Value, Problem> {
        let answer = withoutLeadingThinking(text)
        let whole = trimmed(answer)
        let first = attempt(type, String(whole))
        guard case .failure = first, let fenced = fencedBlock(in: whole) else { return first }
        return attempt(type, String(fenced))
    }

    private static func attempt<Value: Decodable>(_ type: Value.Type, _ text: String) -> Result<Value, Problem> {
        if text.isEmpty { return .failure(Problem(reason: "the answer holds no JSON")) }
        do {
            return .success(try JSONCoding.decode(Value.self, from: text))
        } catch {
            return .failure(Problem(reason: describe(error), underlying: error))
        }
    }

    /// `text` without a `<think>…</think>` block at its beginning (reasoning models put their
    /// reasoning there when the server does not split it out).
    static func withoutLeadingThinking(_ text: String) -> Substring {
        let start = trimmed(text[...])
        guard start.hasPrefix("<think>"), let close = start.range(of: "</think>") else { return text[...] }
        return start[close.upperBound...]
    }

    /// The content of the first Markdown code fence: after "```" and its info string (`json`),
    /// up to the next "```" (or the end, when the fence is not closed); trimmed.
    static func fencedBlock(in text: Substring) -> Substring? {
        guard let open = text.range(of: "```") else { return nil }
        var start = open.upperBound
        // The info string: letters up to the line break (or to the JSON, on a one-line fence).
        while start < text.endIndex, text[start].isLetter { start = text.index(after: start) }
        let rest = text[start...]
        let end = rest.range(of: "```")?.lowerBound ?? rest.endIndex
        return trimmed(rest[..<end])
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }

    /// A short phrase for a decoding failure, naming the place in the value (`days[0].high`).
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "the field \(path(context.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(let type, let context):
            return "\(place(context.codingPath)) is not \(kind(of: type))"
        case DecodingError.valueNotFound(let type, let context):
            return "\(place(context.codingPath)) is null where \(kind(of: type)) is expected"
        case DecodingError.dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return "it is not valid JSON" }
            return "\(place(context.codingPath)) has an invalid value (\(context.debugDescription.utf8Prefix(maxBytes: 200)))"
        case let violation as JSONGuard.Violation:
            return violation.description
        default:
            return String(String(describing: error).utf8Prefix(maxBytes: 300))
        }
    }

    /// `the value` at the root, else `the field` and its path.
    private static func place(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the value" : "the field \(path(codingPath))"
    }

    /// `days[0].high`.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }

    /// `a string`, `an integer`, `an object`, … for the type a decoder expected.
    private static func kind(of type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String", "Substring", "Character": return "a string"
        case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64": return "an integer"
        case "Double", "Float", "Float16", "Decimal": return "a number"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer") { return "an object" }
            if name.hasPrefix("Array") || name.hasPrefix("UnkeyedDecodingContainer") { return "an array" }
            return "a \(name)"
        }
    }
}
