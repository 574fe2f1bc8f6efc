import AIYou
import ArgumentParser

/// `aiyou --json chat`'s output, written while the answer streams so that the tool never holds
/// the answer's text: the `text` field comes first and its string is written piece by piece as
/// deltas arrive; the small fields (`choices` with their role, finish reason and tool calls, `id`,
/// `model`, `created`, `usage`) follow at the end, in the layout of ``JSONOutput``.
enum StreamedChatJSON {
    /// Writes the opening of the object, up to the `text` string's opening quote.
    static func begin() {
        Terminal.writeRaw("{\n  \"text\" : \"")
    }

    /// Writes a piece of the answer's text, escaped.
    static func write(_ delta: String) {
        Terminal.writeRaw(JSONOutput.escaped(delta))
    }

    /// Closes the `text` string and writes the other fields of `completion` (whose text is not
    /// read) and the end of the object.
    ///
    /// - Throws: `ExitCode.failure` when a field cannot be encoded, once the error is reported.
    static func finish(_ completion: ChatCompletion) throws {
        var tail = "\""
        let fields = JSONSanitizer.sanitize(completion.streamedJSONFields) as? [String: Any] ?? [:]
        for key in fields.keys.sorted() {
            guard let value = JSONOutput.encode(fields[key]!, level: 1) else {
                Terminal.writeRaw("\"\n}\n")
                Terminal.error("could not encode the result as JSON")
                throw ExitCode.failure
            }
            tail += ",\n  " + JSONOutput.quoted(key) + " : " + value
        }
        Terminal.writeRaw(tail + "\n}\n")
    }
}
