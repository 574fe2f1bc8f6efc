/// The specialised decoder of an embeddings answer (``EmbeddingResult``): the vectors are read
/// straight from the bytes into `[Float]` (``JSONFloat``), without `JSONDecoder`'s containers
/// and without a `Double` per number; a base64 vector is decoded straight into its `[Float]`
/// (``Base64``). Like ``ChatCompletionDecoder`` it reads the common shape
/// only and returns `nil` for anything else — numbers as text, `null`s, duplicate fields, integers
/// written with a fraction or an exponent, an answer the checks refuse — and `JSONDecoder`
/// decides then (and throws the error the caller sees). `EmbeddingsDecodingTests` checks that both
/// paths agree, bit for bit, on generated and mutated answers.
@_spi(Benchmarks)
public enum EmbeddingsDecoder {
    /// The result when `bytes` holds the common shape, `nil` when `JSONDecoder` must decide.
    public static func decodeCommonShape(_ bytes: UnsafeRawBufferPointer) -> EmbeddingResult? {
        var scanner = JSONScanner(bytes)
        var seen = SeenFields()
        var model: String?
        var usage = EmbeddingResult.Usage(wirePrompt: nil, wireTotal: nil)
        var items: [(Int, [Float])] = []
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "model"):
                guard seen.insert(0), let value = FastJSON.lenientString(&scanner) else { return false }
                model = value
            case _ where FastJSON.matches(key, "data"):
                guard seen.insert(1), let value = self.items(&scanner) else { return false }
                items = value
            case _ where FastJSON.matches(key, "usage"):
                guard seen.insert(2), let value = self.usage(&scanner) else { return false }
                usage = value ?? usage
            default:
                return scanner.skipValue()
            }
            return true
        }
        // `data` is required: without it JSONDecoder throws.
        guard read, seen.contains(1), scanner.isAtEnd() else { return nil }
        return try? EmbeddingResult.assemble(items, count: items.count, model: model, usage: usage)
    }

    /// `[{"index": n, "embedding": [...]}, ...]`. Each vector after the first reserves the first
    /// one's length, never more than the bytes left could hold: nothing is sized by a count the
    /// service claims.
    private static func items(_ scanner: inout JSONScanner) -> [(Int, [Float])]? {
        var items: [(Int, [Float])] = []
        var expectedLength = 0
        let read = scanner.readArray { scanner in
            var index: Int?
            var vector: [Float] = []
            var seen = SeenFields()
            let read = scanner.readObject { key, scanner in
                switch key {
                case _ where FastJSON.matches(key, "index"):
                    guard seen.insert(0), let value = scanner.readInteger() else { return false }
                    index = value
                case _ where FastJSON.matches(key, "embedding"):
                    guard seen.insert(1) else { return false }
                    // Base64 (`encoding_format: "base64"`): little-endian float32 bytes, decoded
                    // from the body straight into the vector's storage.
                    if let text = scanner.readRawString() {
                        guard let decoded = try? Base64.floats(text) else { return false }
                        vector = decoded
                        return true
                    }
                    // At least two bytes per number ("0,").
                    vector.reserveCapacity(min(expectedLength, scanner.remainingByteCount / 2))
                    return scanner.readFloats(into: &vector)
                default:
                    return scanner.skipValue()
                }
                return true
            }
            guard read, let index, seen.contains(1) else { return false }
            if expectedLength == 0 { expectedLength = vector.count }
            items.append((index, vector))
            return true
        }
        return read ? items : nil
    }

    /// `usage` as an object of integer counts, or null (`.some(nil)`); `nil` for anything else.
    private static func usage(_ scanner: inout JSONScanner) -> EmbeddingResult.Usage?? {
        if scanner.consumeNull() { return .some(nil) }
        var prompt: Int?
        var total: Int?
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where FastJSON.matches(key, "prompt_tokens"):
                guard seen.insert(0), let value = FastJSON.optionalInteger(&scanner) else { return false }
                prompt = value
            case _ where FastJSON.matches(key, "total_tokens"):
                guard seen.insert(1), let value = FastJSON.optionalInteger(&scanner) else { return false }
                total = value
            default:
                return scanner.skipValue()
            }
            return true
        }
        return read ? .some(EmbeddingResult.Usage(wirePrompt: prompt, wireTotal: total)) : nil
    }
}
