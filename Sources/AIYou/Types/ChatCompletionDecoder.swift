import Foundation

/// The specialised decoder for a non-streamed ``ChatCompletion``, in both shapes (wrapped in
/// `{"response": …}` and bare, content as a string or as text parts), with the same rules and the
/// same fallback as ``ChatCompletionChunkDecoder``: the common shapes are read by ``JSONScanner``;
/// image-URL objects, dates as text, duplicate fields and anything else return `nil`, and
/// `JSONDecoder` decides.
/// `FastDecodingTests` checks both paths agree on generated and mutated completions.
@_spi(Benchmarks)
public enum ChatCompletionDecoder {
    /// The completion when `bytes` holds the common shape, `nil` when `JSONDecoder` must decide.
    public static func decodeCommonShape(_ bytes: UnsafeRawBufferPointer) -> ChatCompletion? {
        var scanner = JSONScanner(bytes)
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        var outer = Fields()
        var wrapped: ChatCompletion?
        var sawResponse = false
        if !scanner.consume(UInt8(ascii: "}")) {
            while true {
                guard let key = scanner.readKey() else { return nil }
                if FastJSON.matches(key, "response") {
                    // `JSONDecoder` reads only the wrapped completion then; the rest is skipped.
                    guard !sawResponse, let inner = completion(&scanner) else { return nil }
                    sawResponse = true
                    wrapped = inner
                } else {
                    guard outer.read(key, &scanner) else { return nil }
                }
                guard let more = scanner.nextMember() else { return nil }
                if !more { break }
            }
        }
        guard scanner.isAtEnd() else { return nil }
        return sawResponse ? wrapped : outer.completion
    }

    /// A bare completion object.
    private static func completion(_ scanner: inout JSONScanner) -> ChatCompletion? {
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        var fields = Fields()
        if scanner.consume(UInt8(ascii: "}")) { return nil }  // no `choices`: JSONDecoder throws
        while true {
            guard let key = scanner.readKey(), fields.read(key, &scanner) else { return nil }
            guard let more = scanner.nextMember() else { return nil }
            if !more { return fields.completion }
        }
    }

    /// The members of one completion object, read one at a time.
    private struct Fields {
        private var value = ChatCompletion(id: nil, object: nil, model: nil, created: nil, choices: [], usage: nil)
        private var seen = SeenFields()

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
                return scanner.skipValue()
            }
            return true
        }

        /// The completion, or `nil` without `choices` (JSONDecoder throws then).
        var completion: ChatCompletion? { seen.contains(4) ? value : nil }
    }

    private static func choices(_ scanner: inout JSONScanner) -> [ChatChoice]? {
        guard scanner.consume(UInt8(ascii: "[")) else { return nil }
        var choices: [ChatChoice] = []
        if scanner.consume(UInt8(ascii: "]")) { return choices }
        while true {
            guard let choice = choice(&scanner) else { return nil }
            choices.append(choice)
            if scanner.consume(UInt8(ascii: ",")) { continue }
            return scanner.consume(UInt8(ascii: "]")) ? choices : nil
        }
    }

    private static func choice(_ scanner: inout JSONScanner) -> ChatChoice? {
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        var index = 0
        var message: AssistantMessage?
        var finishReason: String?
        var seen = SeenFields()
        if scanner.consume(UInt8(ascii: "}")) { return nil }  // `message` is required
        while true {
            guard let key = scanner.readKey() else { return nil }
            switch key {
            case _ where FastJSON.matches(key, "index"):
                guard seen.insert(0), let value = FastJSON.optionalInteger(&scanner) else { return nil }
                index = value ?? 0
            case _ where FastJSON.matches(key, "message"):
                guard seen.insert(1), let value = assistantMessage(&scanner) else { return nil }
                message = value
            case _ where FastJSON.matches(key, "finish_reason"):
                guard seen.insert(2), let value = FastJSON.lenientString(&scanner) else { return nil }
                finishReason = value
            default:
                guard scanner.skipValue() else { return nil }
            }
            guard let more = scanner.nextMember() else { return nil }
            if !more { break }
        }
        guard let message else { return nil }
        return ChatChoice(index: index, message: message, finishReason: finishReason)
    }

    private static func assistantMessage(_ scanner: inout JSONScanner) -> AssistantMessage? {
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        var role: String?
        var refusal: String?
        var content: String?
        var parts: [ContentPart]?
        var seen = SeenFields()
        if !scanner.consume(UInt8(ascii: "}")) {
            while true {
                guard let key = scanner.readKey() else { return nil }
                switch key {
                case _ where FastJSON.matches(key, "role"):
                    guard seen.insert(0), let value = FastJSON.lenientString(&scanner) else { return nil }
                    role = value
                case _ where FastJSON.matches(key, "refusal"):
                    guard seen.insert(1), let value = FastJSON.lenientString(&scanner) else { return nil }
                    refusal = value
                case _ where FastJSON.matches(key, "content"):
                    guard seen.insert(2) else { return nil }
                    if let value = FastJSON.optionalString(&scanner) {
                        content = value
                    } else {
                        guard let value = contentParts(&scanner) else { return nil }
                        parts = value
                    }
                default:
                    guard scanner.skipValue() else { return nil }
                }
                guard let more = scanner.nextMember() else { return nil }
                if !more { break }
            }
        }
        var message = AssistantMessage(role: ChatRole(rawValue: role ?? "assistant"), content: content ?? "", refusal: refusal)
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
        guard scanner.consume(UInt8(ascii: "[")) else { return nil }
        var parts: [ContentPart] = []
        if scanner.consume(UInt8(ascii: "]")) { return parts }
        while true {
            guard scanner.consume(UInt8(ascii: "{")), !scanner.consume(UInt8(ascii: "}")) else { return nil }
            var type: String?
            var text: String?
            var seen = SeenFields()
            while true {
                guard let key = scanner.readKey() else { return nil }
                switch key {
                case _ where FastJSON.matches(key, "type"):
                    guard seen.insert(0), let value = FastJSON.lenientString(&scanner) else { return nil }
                    type = value
                case _ where FastJSON.matches(key, "text"):
                    guard seen.insert(1), let value = FastJSON.lenientString(&scanner) else { return nil }
                    text = value
                case _ where FastJSON.matches(key, "image_url"):
                    return nil
                default:
                    guard scanner.skipValue() else { return nil }
                }
                guard let more = scanner.nextMember() else { return nil }
                if !more { break }
            }
            guard let text else { return nil }
            let kind = type ?? "text"
            parts.append(ContentPart(type: .init(rawValue: kind == "image_url" ? "image" : kind), text: text))
            if scanner.consume(UInt8(ascii: ",")) { continue }
            return scanner.consume(UInt8(ascii: "]")) ? parts : nil
        }
    }
}
