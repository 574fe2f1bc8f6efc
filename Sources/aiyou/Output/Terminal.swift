import AIYou
import ArgumentParser
import Foundation

/// Output helpers: stdout for results, stderr for everything else. Everything printed goes
/// through ``SafeText``: text from the service (answers, names, error messages) can hold escape
/// sequences, and none of them reaches the terminal raw.
enum Terminal {
    /// Prints an error as one line to stderr, `aiyou: MESSAGE`. The caller then ends the
    /// command with `throw ExitCode.failure`.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("aiyou: \(SafeText.escapingControlCharacters(message, keepingLineBreaks: false))\n".utf8))
    }

    /// Prints to stderr.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(SafeText.escapingControlCharacters(message))\n".utf8))
    }

    /// Prints a line of results to stdout.
    static func line(_ text: String) {
        print(SafeText.escapingControlCharacters(text))
    }

    /// Flushes what `print` buffered, so a caller reading the pipe sees it now.
    static func flushStandardOutput() {
        fflush(nil)
    }

    /// Writes `text` to stdout at once (no buffering), for streamed answers.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(SafeText.escapingControlCharacters(text).utf8))
    }

    /// Prints a JSON value (made of dictionaries, arrays, strings, numbers, booleans and NSNull).
    ///
    /// - Throws: `ExitCode.failure` when the value cannot be encoded, once the error is reported.
    static func printJSON(_ value: Any) throws {
        let sanitized = JSONSanitizer.sanitize(value)
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: sanitized,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            )
        else {
            error("could not encode the result as JSON")
            throw ExitCode.failure
        }
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
