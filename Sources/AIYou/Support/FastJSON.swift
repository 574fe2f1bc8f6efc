import Foundation

/// Which fields of an object were read, to leave duplicates to `JSONDecoder`.
struct SeenFields {
    private var bits: UInt32 = 0

    /// Marks field `number`; `false` when it was already marked.
    mutating func insert(_ number: Int) -> Bool {
        let bit: UInt32 = 1 << UInt32(number)
        guard bits & bit == 0 else { return false }
        bits |= bit
        return true
    }

    func contains(_ number: Int) -> Bool { bits & (1 << UInt32(number)) != 0 }
}

/// A message's or a delta's reasoning as the fast paths read it: `reasoning_content`, else
/// `reasoning` (newer vLLM), each a string or null — the rule of
/// `KeyedDecodingContainer.reasoning(_:_:)`.
struct ReasoningFields {
    private var content: String?
    private var reasoning: String?
    private var seen = SeenFields()

    /// The reasoning read.
    var value: String? { content ?? reasoning }

    /// Reads the value of `key` when it is one of the two reasoning keys: `nil` for another key,
    /// `false` when the value is outside the subset or the key came twice.
    mutating func read(_ key: UnsafeRawBufferPointer, _ scanner: inout JSONScanner) -> Bool? {
        if FastJSON.matches(key, "reasoning_content") {
            guard seen.insert(0), let text = FastJSON.optionalString(&scanner) else { return false }
            content = text
            return true
        }
        if FastJSON.matches(key, "reasoning") {
            guard seen.insert(1), let text = FastJSON.optionalString(&scanner) else { return false }
            reasoning = text
            return true
        }
        return nil
    }
}

/// Field readers on ``JSONScanner`` with the lenient rules of `Types/LenientDecoding.swift`, for
/// the values the fast paths accept. The outer optional is `nil` when the value is outside the
/// subset (fall back); the inner one is JSON `null`.
enum FastJSON {
    static func matches(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { nameBytes in
            for offset in 0..<key.count where key[offset] != nameBytes[offset] { return false }
            return true
        }
    }

    /// A string or null.
    static func optionalString(_ scanner: inout JSONScanner, reusing reuse: String? = nil) -> String?? {
        if scanner.consumeNull() { return .some(nil) }
        guard let value = scanner.readString(reusing: reuse) else { return nil }
        return .some(value)
    }

    /// `lenientString`: a string, an integer written as text, or null.
    static func lenientString(_ scanner: inout JSONScanner, reusing reuse: String? = nil) -> String?? {
        // A string that fails part-way (a raw control character) must not be read again from
        // where it failed as a number: `"\n 42` is invalid, not 42.
        let start = scanner
        if let value = optionalString(&scanner, reusing: reuse) { return value }
        scanner = start
        guard let number = scanner.readInteger() else { return nil }
        return .some(String(number))
    }

    /// `lenientInt`: an integer or null.
    static func optionalInteger(_ scanner: inout JSONScanner) -> Int?? {
        if scanner.consumeNull() { return .some(nil) }
        guard let value = scanner.readInteger() else { return nil }
        return .some(value)
    }

    /// `lenientDate` for Unix seconds (or milliseconds) as an integer, or null.
    static func date(_ scanner: inout JSONScanner) -> Date?? {
        if scanner.consumeNull() { return .some(nil) }
        guard let value = scanner.readInteger() else { return nil }
        let seconds = Double(value)
        return .some(WireValue.date(unixSeconds: seconds > 1e11 ? seconds / 1000 : seconds))
    }

    /// ``ChatCompletion/Usage`` from integer counts, or null.
    static func usage(_ scanner: inout JSONScanner) -> ChatCompletion.Usage?? {
        if scanner.consumeNull() { return .some(nil) }
        var prompt: Int?
        var completion: Int?
        var total: Int?
        var reasoning: Int?
        var detailedReasoning: Int?
        var seen = SeenFields()
        let read = scanner.readObject { key, scanner in
            switch key {
            case _ where matches(key, "reasoning_tokens"):
                guard seen.insert(3), let value = optionalInteger(&scanner) else { return false }
                reasoning = value
            case _ where matches(key, "completion_tokens_details"):
                guard seen.insert(4) else { return false }
                if scanner.consumeNull() { return true }
                var seenDetail = false
                return scanner.readObject { key, scanner in
                    guard matches(key, "reasoning_tokens") else { return scanner.skipValue() }
                    guard !seenDetail, let value = optionalInteger(&scanner) else { return false }
                    seenDetail = true
                    detailedReasoning = value
                    return true
                }
            case _ where matches(key, "prompt_tokens"):
                guard seen.insert(0), let value = optionalInteger(&scanner) else { return false }
                prompt = value
            case _ where matches(key, "completion_tokens"):
                guard seen.insert(1), let value = optionalInteger(&scanner) else { return false }
                completion = value
            case _ where matches(key, "total_tokens"):
                guard seen.insert(2), let value = optionalInteger(&scanner) else { return false }
                total = value
            default:
                return scanner.skipValue()
            }
            return true
        }
        guard read else { return nil }
        let promptTokens = prompt ?? 0
        let completionTokens = completion ?? 0
        return .some(
            ChatCompletion.Usage(
                promptTokens: promptTokens,
                completionTokens: completionTokens,
                totalTokens: total ?? WireValue.sum(promptTokens, completionTokens),
                reasoningTokens: reasoning ?? detailedReasoning
            )
        )
    }
}
