import AIYou
import ArgumentParser
import Foundation
import NIOPosix

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

    /// Reads one line of standard input (without its line break), `nil` at the end of the input.
    /// The blocking read runs on NIO's thread pool for blocking work: under the executor takeover
    /// a task's thread is an event loop, whose I/O (an MCP listener, connections closing) must not
    /// wait for the user's typing.
    static func readInputLine() async -> String? {
        (try? await NIOThreadPool.singleton.runIfActive { readLine(strippingNewline: true) }) ?? nil
    }

    /// All of standard input, its lines joined by `\n`, read on the same pool in one job.
    static func readAllInput() async -> String {
        let text = try? await NIOThreadPool.singleton.runIfActive {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            return lines.joined(separator: "\n")
        }
        return text ?? ""
    }

    /// Flushes what `print` buffered, so a caller reading the pipe sees it now.
    static func flushStandardOutput() {
        fflush(nil)
    }

    /// Writes `text` to stdout at once (no buffering), for streamed answers.
    static func write(_ text: String) {
        writeRaw(SafeText.escapingControlCharacters(text))
    }

    /// Prints a JSON value (made of dictionaries, arrays, strings, numbers, booleans and NSNull),
    /// with every control character escaped (``JSONOutput``).
    ///
    /// - Throws: `ExitCode.failure` when the value cannot be encoded, once the error is reported.
    static func printJSON(_ value: Any) throws {
        guard let text = JSONOutput.encode(JSONSanitizer.sanitize(value)) else {
            error("could not encode the result as JSON")
            throw ExitCode.failure
        }
        writeRaw(text + "\n")
    }

    /// Writes `text` to stderr at once (no buffering), control characters escaped: a streamed
    /// answer's reasoning, kept apart from the answer on stdout.
    static func writeToStandardError(_ text: String) {
        FileHandle.standardError.write(Data(SafeText.escapingControlCharacters(text).utf8))
    }

    /// Writes text that is already safe (escaped) to stdout at once, from the string's own bytes
    /// (no copy: this runs for every piece of a streamed answer).
    static func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = Foundation.write(STDOUT_FILENO, next, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                next += written
                remaining -= written
            }
        }
    }
}
