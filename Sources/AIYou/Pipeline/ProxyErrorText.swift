/// What OpenAI-compatible proxies (LiteLLM, FastAPI wrappers, vLLM and Ollama behind a gateway)
/// put in their error bodies, made readable: the inner message of a printed Python dict
/// (`{'error': {'message': '…'}}`), the last line of a Python traceback, placeholders such as
/// `"None"` for a missing `type`, and the phrasings of an unknown model.
///
/// Everything here reads the text once or a few times over (at most ``maxRounds`` unwrappings):
/// linear in the size of the error body, which is already capped by
/// ``Configuration/Limits/maxErrorBodyBytes``.
enum ProxyErrorText {
    /// The most dicts and tracebacks unwrapped inside one another.
    static let maxRounds = 4

    /// `message` with printed dicts and tracebacks unwrapped, whitespace runs (line breaks
    /// included) turned into one space, and trimmed.
    static func clarify(_ message: String) -> String {
        var text = message
        for _ in 0..<maxRounds {
            if let line = tracebackLastLine(text) {
                text = line
            } else if let inner = innerMessage(in: text) {
                text = inner
            } else {
                break
            }
        }
        return oneLine(text)
    }

    /// `nil` for the values proxies write where they have none: `None`, `null`, `NoneType`,
    /// empty or blank; else the value.
    static func meaningful(_ value: String?) -> String? {
        guard let value else { return nil }
        switch value.trimmingWhitespace().lowercased() {
        case "", "none", "null", "nonetype", "nil", "undefined": return nil
        default: return value
        }
    }

    /// Whether `code` is an HTTP status repeated (`"400"`, `404`) rather than a word such as
    /// `model_not_found`.
    static func isNumeric(_ code: String) -> Bool {
        !code.isEmpty && code.utf8.count <= 8 && code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Whether `message` says that the model asked for does not exist, in the words servers
    /// use: "model … not found" (Ollama), "The model `x` does not exist" (OpenAI, vLLM),
    /// "Invalid model name passed in model=x" (LiteLLM), "Invalid model", "unknown model",
    /// "x is not a valid model ID".
    static func saysUnknownModel(_ message: String) -> Bool {
        let lower = message.lowercased()
        guard lower.contains("model") else { return false }
        if lower.contains("model_not_found") || lower.contains("does not exist") || lower.contains("doesn't exist")
            || lower.contains("not found") || lower.contains("unknown model") || lower.contains("no such model")
            || lower.contains("not a valid model")
        {
            return true
        }
        // "Invalid model", "Invalid model name …", "Invalid model: x", "Invalid model 'x'", but
        // not "invalid model parameters".
        var rest = lower[...]
        while let found = rest.range(of: "invalid model") {
            let after = rest[found.upperBound...]
            if after.isEmpty || after.hasPrefix(" name") || after.hasPrefix(" id") {
                return true
            }
            if let next = after.first,
                ":'\"`.,;)=".contains(next) || (next == " " && after.dropFirst().first.map { "'\"`".contains($0) } == true)
            {
                return true
            }
            rest = after
        }
        return false
    }

    /// The last non-blank line of a Python traceback, `nil` when `text` is not one.
    private static func tracebackLastLine(_ text: String) -> String? {
        guard text.contains("Traceback (most recent call last)") else { return nil }
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last { !$0.allSatisfy(\.isWhitespace) }
        guard let line, !line.contains("Traceback (most recent call last)") else { return nil }
        return String(line)
    }

    /// The message inside a printed dict (Python's `repr`, or JSON inside a string): the string
    /// under the first `message` key, else the string under `error`, `detail` or `msg`; `nil`
    /// when there is no such dict.
    private static func innerMessage(in text: String) -> String? {
        guard text.contains("{'") || text.contains("{\"") else { return nil }
        for key in ["message", "error", "detail", "msg"] {
            for quote in ["'", "\""] {
                if let value = stringValue(of: quote + key + quote, in: text), !value.allSatisfy(\.isWhitespace) {
                    return value
                }
            }
        }
        return nil
    }

    /// The string literal after the first `key:` in `text` whose value is a string (not a dict).
    private static func stringValue(of key: String, in text: String) -> String? {
        var rest = text[...]
        while let found = rest.range(of: key) {
            var index = found.upperBound
            skipSpaces(in: rest, at: &index)
            if index < rest.endIndex, rest[index] == ":" {
                index = rest.index(after: index)
                skipSpaces(in: rest, at: &index)
                if index < rest.endIndex, rest[index] == "'" || rest[index] == "\"" {
                    return literal(in: rest, openingAt: index)
                }
            }
            rest = rest[found.upperBound...]
        }
        return nil
    }

    private static func skipSpaces(in text: Substring, at index: inout Substring.Index) {
        while index < text.endIndex, text[index] == " " { index = text.index(after: index) }
    }

    /// The string literal (Python or JSON) opened by the quote at `start`, unescaped; runs to the
    /// end of `text` when it is not closed (a body cut at its limit).
    private static func literal(in text: Substring, openingAt start: Substring.Index) -> String {
        let quote = text[start]
        var result = ""
        var index = text.index(after: start)
        while index < text.endIndex {
            let character = text[index]
            if character == quote { break }
            index = text.index(after: index)
            guard character == "\\", index < text.endIndex else {
                result.append(character)
                continue
            }
            let escaped = text[index]
            index = text.index(after: index)
            switch escaped {
            case "n", "r", "t": result.append(" ")
            case "x", "u":
                let digits = escaped == "x" ? 2 : 4
                let end = text.index(index, offsetBy: digits, limitedBy: text.endIndex) ?? text.endIndex
                if let value = UInt32(text[index..<end], radix: 16), let scalar = Unicode.Scalar(value),
                    text.distance(from: index, to: end) == digits
                {
                    result.unicodeScalars.append(scalar)
                    index = end
                } else {
                    result.append("\\")
                    result.append(escaped)
                }
            case "\\", "'", "\"", "/": result.append(escaped)
            default:
                result.append("\\")
                result.append(escaped)
            }
        }
        return result
    }

    /// `text` on one line: every run of whitespace (line breaks included) as one space, trimmed.
    private static func oneLine(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    /// The text without leading and trailing whitespace (line breaks included).
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
