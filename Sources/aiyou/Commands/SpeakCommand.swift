import AIYou
import ArgumentParser
import Foundation

/// `aiyou speak TEXT --voice V [--format F] --output FILE` (LLMaaS): text to speech, written to a
/// file as it arrives.
struct SpeakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speak",
        abstract: "LLMaaS: read a text aloud into an audio file (written as it arrives)."
    )

    /// The text-to-speech model of the embedded server, used with `--mock` when none is given.
    static let mockModel = "kokoro:82m"

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The text to read.")
    var text: String

    @Option(name: .long, help: "The voice, as the model names it (e.g. alloy).")
    var voice: String

    @Option(name: .long, help: "The audio format: mp3, opus, aac, flac, wav or pcm.")
    var format = "mp3"

    @Option(name: .long, help: "The audio file to write (replaced if it exists).")
    var output: String

    @Option(name: .long, help: "The text-to-speech model (with --mock: \(mockModel) when not given).")
    var model: String?

    @Option(name: .long, help: "Reading speed, 0.25 to 4 (1 is normal).")
    var speed: Double?

    @Option(name: .long, help: "The most bytes of audio to accept (default: the client's response limit, 32 MiB).")
    var maxBytes: Int?

    func run() async throws {
        let global = root.global
        let format: SpeechFormat
        do {
            format = try SpeechFormat(name: self.format)
        } catch {
            throw ValidationError("--format: \(error.message)")
        }
        guard let model = model ?? (global.mock ? Self.mockModel : nil) else {
            throw ValidationError("--model is required: a text-to-speech model of the service")
        }
        let request = SpeechRequest(model: model, input: text, voice: voice, format: format, speed: speed)
        try await global.withClient { client in
            let file = try await client.speech(request, toFileAt: output, maxBytes: maxBytes)
            if global.json {
                return try Terminal.printJSON(["file": file.path, "bytes": file.byteCount, "content_type": file.contentType])
            }
            Terminal.line("\(file.path)\t\(file.byteCount) bytes\t\(file.contentType.isEmpty ? "no content type" : file.contentType)")
        }
    }
}
