import AIYou
import ArgumentParser

/// `aiyou --json chat`'s output, written while the answer streams so that the tool never holds
/// the answer's text: a `reasoning` field first when the model reasons before answering (and the
/// reasoning is shown), then the `text` field, each string written piece by piece as deltas
/// arrive; the small fields (`choices` with their role, finish reason and tool calls, `id`,
/// `model`, `created`, `usage`) follow at the end, in the layout of ``JSONOutput``.
struct StreamedChatJSON {
    private enum Phase {
        case nothingWritten
        case inReasoning
        case inText
    }

    private var phase = Phase.nothingWritten

    /// Writes a piece of reasoning: into the `reasoning` string while the text has not begun.
    /// Returns `false` once the text has begun (the JSON string is closed): the caller shows the
    /// piece elsewhere.
    mutating func writeReasoning(_ piece: String) -> Bool {
        switch phase {
        case .nothingWritten:
            Terminal.writeRaw("{\n  \"reasoning\" : \"")
            phase = .inReasoning
        case .inReasoning:
            break
        case .inText:
            return false
        }
        Terminal.writeRaw(JSONOutput.escaped(piece))
        return true
    }

    /// Writes a piece of the answer's text, escaped.
    mutating func writeText(_ piece: String) {
        openText()
        Terminal.writeRaw(JSONOutput.escaped(piece))
    }

    private mutating func openText() {
        switch phase {
        case .nothingWritten: Terminal.writeRaw("{\n  \"text\" : \"")
        case .inReasoning: Terminal.writeRaw("\",\n  \"text\" : \"")
        case .inText: return
        }
        phase = .inText
    }

    /// Closes the `text` string and writes the other fields of `completion` (whose text and
    /// reasoning are not read) and the end of the object.
    ///
    /// - Throws: `ExitCode.failure` when a field cannot be encoded, once the error is reported.
    mutating func finish(_ completion: ChatCompletion) throws {
        openText()
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
