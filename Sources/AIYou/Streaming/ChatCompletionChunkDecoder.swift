import Foundation

/// Decodes stream chunks, the hot path of streaming.
///
/// The shape every chunk of a stream has — `id`, `model`, `created` as numbers or strings,
/// `choices` with `index`, `delta.role`, `delta.content` and `finish_reason`, an optional `usage`
/// — is read by ``JSONScanner`` straight from the event's bytes. Anything else (content as parts,
/// `message` instead of `delta`, dates as text, numbers with exponents, escapes in keys,
/// duplicate fields, invalid JSON) goes to `JSONDecoder` and ``ChatCompletionChunk/init(from:)``.
/// Both paths give the same chunk or the same failure; `FastDecodingTests` checks that on
/// thousands of generated and mutated chunks.
///
/// One decoder lives per stream and remembers the last `id` and `model`, so that the same value
/// repeated on every chunk is one shared string instead of one allocation per event.
struct ChatCompletionChunkDecoder: Sendable {
    private var lastID: String?
    private var lastModel: String?

    /// Keys of the chunk types' `CodingKeys` this decoder does not read: it returns `nil` when one
    /// is present, and `JSONDecoder` applies the type's rule (`FastPathCoverageTests` holds both
    /// lists to the types' keys).
    static let keysLeftToJSONDecoder: Set<String> = ["message"]

    init() {}

    /// The most JSON values a chunk may hold: far more than any real chunk (a delta with 128 tool
    /// calls holds about a thousand), few enough that `JSONDecoder`'s map of one stays small.
    static func valueBudget(forBytes count: Int) -> Int {
        max(1 << 16, count / 32)
    }

    /// The chunk in `bytes` (one event's data). Throws what `JSONDecoder` throws for it.
    mutating func decode(_ bytes: UnsafeRawBufferPointer) throws -> ChatCompletionChunk {
        if let chunk = decodeCommonShape(bytes) { return chunk }
        return try JSONCoding.decode(ChatCompletionChunk.self, from: bytes, maxValues: Self.valueBudget(forBytes: bytes.count))
    }

    /// The chunk when `bytes` holds the common shape, `nil` when `JSONDecoder` must decide.
    mutating func decodeCommonShape(_ bytes: UnsafeRawBufferPointer) -> ChatCompletionChunk? {
        var scanner = JSONScanner(bytes)
        var chunk = ChatCompletionChunk(choices: [])
        var seen = SeenFields()
        var lastID = self.lastID
        var lastModel = self.lastModel
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "id"):
                guard seen.insert(0), let value = FastJSON.lenientString(&scanner, reusing: lastID) else { return false }
                chunk.id = value
                lastID = value ?? lastID
            case _ where FastJSON.matches(key, "model"):
                guard seen.insert(1), let value = FastJSON.lenientString(&scanner, reusing: lastModel) else { return false }
                chunk.model = value
                lastModel = value ?? lastModel
            case _ where FastJSON.matches(key, "created"):
                guard seen.insert(2), let value = FastJSON.date(&scanner) else { return false }
                chunk.created = value
            case _ where FastJSON.matches(key, "choices"):
                guard seen.insert(3), let choices = Self.choices(&scanner) else { return false }
                chunk.choices = choices
            case _ where FastJSON.matches(key, "usage"):
                guard seen.insert(4), let usage = FastJSON.usage(&scanner) else { return false }
                chunk.usage = usage
            default:
                return scanner.skipValue()
            }
            return true
        }
        self.lastID = lastID
        self.lastModel = lastModel
        // A chunk needs `choices` or `usage`; without them JSONDecoder produces the error.
        guard read, scanner.isAtEnd(), seen.contains(3) || seen.contains(4) else { return nil }
        return chunk
    }

    private static func choices(_ scanner: inout JSONScanner) -> [ChatCompletionChunk.Choice]? {
        var choices: [ChatCompletionChunk.Choice] = []
        let read = scanner.readArray { scanner in
            guard let choice = Self.choice(&scanner) else { return false }
            choices.append(choice)
            return true
        }
        return read ? choices : nil
    }

    private static func choice(_ scanner: inout JSONScanner) -> ChatCompletionChunk.Choice? {
        var choice = ChatCompletionChunk.Choice(delta: .init())
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "index"):
                guard seen.insert(0), let index = FastJSON.optionalInteger(&scanner) else { return false }
                choice.index = index ?? 0
            case _ where FastJSON.matches(key, "delta"):
                guard seen.insert(1) else { return false }
                if !scanner.consumeNull() {
                    guard let delta = Self.delta(&scanner) else { return false }
                    choice.delta = delta
                }
            case _ where FastJSON.matches(key, "finish_reason"):
                guard seen.insert(2), let reason = FastJSON.lenientString(&scanner) else { return false }
                choice.finishReason = reason
            case _ where FastJSON.matches(key, "message"):
                return false  // the `delta`-or-`message` rule is JSONDecoder's to apply
            default:
                return scanner.skipValue()
            }
            return true
        }
        return read ? choice : nil
    }

    private static func delta(_ scanner: inout JSONScanner) -> ChatCompletionChunk.Delta? {
        var delta = ChatCompletionChunk.Delta()
        var reasoning = ReasoningFields()
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "role"):
                guard seen.insert(0), let role = FastJSON.lenientString(&scanner) else { return false }
                delta.role = role.map(ChatRole.init(rawValue:))
            case _ where FastJSON.matches(key, "content"):
                // Text parts (an array) are JSONDecoder's; a string or null is read here.
                guard seen.insert(1), let content = FastJSON.optionalString(&scanner) else { return false }
                delta.content = content
            case _ where FastJSON.matches(key, "tool_calls"):
                guard seen.insert(2), let pieces = FastJSON.toolCallPieces(&scanner, readsIndex: true) else { return false }
                delta.toolCalls = pieces
            default:
                return reasoning.read(key, &scanner) ?? scanner.skipValue()
            }
            return true
        }
        delta.reasoning = reasoning.value
        return read ? delta : nil
    }
}
