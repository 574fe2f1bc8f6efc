extension FastJSON {
    /// `tool_calls` of a stream delta (`readsIndex`) or of a message, read as `JSONDecoder` reads
    /// them with ``ChatCompletionChunk/ToolCallDelta/init(from:)`` and ``ToolCall/init(from:)``:
    /// null is no calls; each call an object whose `id`, `type`, `function.name` are strings (or
    /// integers, or null) and whose `function.arguments` is a string or null. Anything else
    /// (arguments as an object, elements that are not objects, repeated keys) is `nil`: the
    /// caller gives up and `JSONDecoder` decides.
    static func toolCallPieces(_ scanner: inout JSONScanner, readsIndex: Bool) -> [ChatCompletionChunk.ToolCallDelta]? {
        if scanner.consumeNull() { return [] }
        var pieces: [ChatCompletionChunk.ToolCallDelta] = []
        let read = scanner.readArray { scanner in
            guard let piece = toolCallPiece(&scanner, readsIndex: readsIndex) else { return false }
            pieces.append(piece)
            return true
        }
        return read ? pieces : nil
    }

    private static func toolCallPiece(_ scanner: inout JSONScanner, readsIndex: Bool) -> ChatCompletionChunk.ToolCallDelta? {
        var piece = ChatCompletionChunk.ToolCallDelta()
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "index"):
                guard readsIndex else { return scanner.skipValue() }
                guard seen.insert(0), let index = optionalInteger(&scanner) else { return false }
                piece.index = index ?? 0
            case _ where FastJSON.matches(key, "id"):
                guard seen.insert(1), let id = lenientString(&scanner) else { return false }
                piece.id = id
            case _ where FastJSON.matches(key, "type"):
                guard seen.insert(2), let type = lenientString(&scanner) else { return false }
                piece.type = type
            case _ where FastJSON.matches(key, "function"):
                guard seen.insert(3) else { return false }
                if scanner.consumeNull() { return true }
                var function = SeenFields()
                return scanner.readObject { key, scanner in
                    switch key {
                    case _ where FastJSON.matches(key, "name"):
                        guard function.insert(0), let name = lenientString(&scanner) else { return false }
                        piece.name = name
                    case _ where FastJSON.matches(key, "arguments"):
                        guard function.insert(1), let arguments = optionalString(&scanner) else { return false }
                        piece.arguments = arguments
                    default:
                        return scanner.skipValue()
                    }
                    return true
                }
            default:
                return scanner.skipValue()
            }
            return true
        }
        return read ? piece : nil
    }
}

extension ToolCall {
    /// A whole call read by the fast path, with ``init(from:)``'s defaults for what is missing.
    init(piece: ChatCompletionChunk.ToolCallDelta) {
        self.init(id: piece.id ?? "", type: piece.type ?? ToolCall.defaultType, name: piece.name ?? "", arguments: piece.arguments ?? "")
    }
}
