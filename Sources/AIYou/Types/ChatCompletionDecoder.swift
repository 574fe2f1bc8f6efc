import Foundation

/// The specialised decoder for a non-streamed ``ChatCompletion``, in both shapes (wrapped in
/// `{"response": …}` and bare, content as a string or as text parts), with the same rules and the
/// same fallback as ``ChatCompletionChunkDecoder``: the common shapes are read by ``JSONScanner``;
/// image-URL objects, dates as text, duplicate fields and anything else return `nil`, and
/// `JSONDecoder` decides.
/// `FastDecodingTests` checks both paths agree on generated and mutated completions.
@_spi(Benchmarks)
public enum ChatCompletionDecoder {
    /// Keys of the completion types' `CodingKeys` this decoder does not read (none today); see
    /// ``ChatCompletionChunkDecoder``.
    static let keysLeftToJSONDecoder: Set<String> = []

    /// The completion when `bytes` holds the common shape, `nil` when `JSONDecoder` must decide.
    public static func decodeCommonShape(_ bytes: UnsafeRawBufferPointer) -> ChatCompletion? {
        var scanner = JSONScanner(bytes)
        var outer = Fields()
        var wrapped: Fields?
        let read = scanner.readObject { key, scanner in
            guard FastJSON.matches(key, "response") else { return outer.read(key, &scanner) }
            // `JSONDecoder` reads only the wrapped completion then; the rest is skipped.
            guard wrapped == nil else { return false }
            var inner = Fields()
            guard scanner.readObject({ key, scanner in inner.read(key, &scanner) }) else { return false }
            wrapped = inner
            return true
        }
        guard read, scanner.isAtEnd() else { return nil }
        return (wrapped ?? outer).completion
    }

    /// The members of one completion object, read one at a time.
    private struct Fields {
        private var value = ChatCompletion(id: nil, object: nil, model: nil, created: nil, choices: [], usage: nil)
        private var seen = SeenFields()

        /// The completion, or `nil` without `choices` (JSONDecoder throws then).
        var completion: ChatCompletion? { seen.contains(4) ? value : nil }

        /// Reads the value of `key`; `false` to fall back.
        mutating func read(_ key: UnsafeRawBufferPointer, _ scanner: inout JSONScanner) -> Bool {
            switch key {
            case _ where FastJSON.matches(key, "id"):
                guard seen.insert(0), let id = FastJSON.lenientString(&scanner) else { return false }
                value.id = id
            case _ where FastJSON.matches(key, "object"):
                guard seen.insert(1), let object = FastJSON.lenientString(&scanner) else { return false }
                value.object = object
            case _ where FastJSON.matches(key, "model"):
                guard seen.insert(2), let model = FastJSON.lenientString(&scanner) else { return false }
                value.model = model
            case _ where FastJSON.matches(key, "created"):
                guard seen.insert(3), let created = FastJSON.date(&scanner) else { return false }
                value.created = created
            case _ where FastJSON.matches(key, "choices"):
                guard seen.insert(4), let choices = ChatCompletionDecoder.choices(&scanner) else { return false }
                value.choices = choices
            case _ where FastJSON.matches(key, "usage"):
                guard seen.insert(5), let usage = FastJSON.usage(&scanner) else { return false }
                value.usage = usage
            default:
                guard let raw = scanner.skipValueReturningText() else { return false }
                value.unmodeledFields.keep(String(decoding: key, as: UTF8.self), raw: raw)
            }
            return true
        }
    }

    private static func choices(_ scanner: inout JSONScanner) -> [ChatCompletion.Choice]? {
        var choices: [ChatCompletion.Choice] = []
        let read = scanner.readArray { scanner in
            guard let choice = choice(&scanner) else { return false }
            choices.append(choice)
            return true
        }
        return read ? choices : nil
    }

    private static func choice(_ scanner: inout JSONScanner) -> ChatCompletion.Choice? {
        var index = 0
        var message: AssistantMessage?
        var finishReason: String?
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "index"):
                guard seen.insert(0), let value = FastJSON.optionalInteger(&scanner) else { return false }
                index = value ?? 0
            case _ where FastJSON.matches(key, "message"):
                guard seen.insert(1), let value = assistantMessage(&scanner) else { return false }
                message = value
            case _ where FastJSON.matches(key, "finish_reason"):
                guard seen.insert(2), let value = FastJSON.lenientString(&scanner) else { return false }
                finishReason = value
            default:
                return scanner.skipValue()
            }
            return true
        }
        // `message` is required: without it JSONDecoder throws.
        guard read, let message else { return nil }
        return ChatCompletion.Choice(index: index, message: message, finishReason: finishReason)
    }

    private static func assistantMessage(_ scanner: inout JSONScanner) -> AssistantMessage? {
        var role: String?
        var refusal: String?
        var content: String?
        var parts: [ContentPart]?
        var toolCalls: [ToolCall] = []
        var reasoning = ReasoningFields()
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "role"):
                guard seen.insert(0), let value = FastJSON.lenientString(&scanner) else { return false }
                role = value
            case _ where FastJSON.matches(key, "refusal"):
                guard seen.insert(1), let value = FastJSON.lenientString(&scanner) else { return false }
                refusal = value
            case _ where FastJSON.matches(key, "content"):
                guard seen.insert(2) else { return false }
                if let value = FastJSON.optionalString(&scanner) {
                    content = value
                } else {
                    guard let value = contentParts(&scanner) else { return false }
                    parts = value
                }
            case _ where FastJSON.matches(key, "tool_calls"):
                guard seen.insert(3), let pieces = FastJSON.toolCallPieces(&scanner, readsIndex: false) else { return false }
                toolCalls = pieces.map(ToolCall.init(piece:))
            default:
                return reasoning.read(key, &scanner) ?? scanner.skipValue()
            }
            return true
        }
        guard read else { return nil }
        var message = AssistantMessage(
            role: ChatRole(rawValue: role ?? "assistant"),
            content: content ?? "",
            refusal: refusal,
            toolCalls: toolCalls,
            reasoning: reasoning.value
        )
        if content == nil {
            // Parts, or none for a null or absent content, as `AssistantMessage.init(from:)` reads them.
            message.parts = parts ?? []
            message.content = message.parts.lazy.filter { $0.type == .text }.map(\.text).joined()
        }
        return message
    }

    /// Content as `[{"type": …, "text": …}, …]`; parts in other forms (an image URL object, a
    /// missing text) are left to `JSONDecoder`.
    private static func contentParts(_ scanner: inout JSONScanner) -> [ContentPart]? {
        var parts: [ContentPart] = []
        let read = scanner.readArray { scanner in
            var type: String?
            var text: String?
            var seen = SeenFields()
            let read = scanner.readObject { key, scanner in
                switch key {
                case _ where FastJSON.matches(key, "type"):
                    guard seen.insert(0), let value = FastJSON.lenientString(&scanner) else { return false }
                    type = value
                case _ where FastJSON.matches(key, "text"):
                    guard seen.insert(1), let value = FastJSON.lenientString(&scanner) else { return false }
                    text = value
                case _ where FastJSON.matches(key, "image_url"):
                    return false
                default:
                    return scanner.skipValue()
                }
                return true
            }
            guard read, let text else { return false }
            let kind = type ?? "text"
            parts.append(ContentPart(type: .init(rawValue: kind == "image_url" ? "image" : kind), text: text))
            return true
        }
        return read ? parts : nil
    }
}
