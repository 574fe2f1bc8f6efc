import AIYou
import ArgumentParser

/// `aiyou transcribe FILE`.
struct TranscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe an .mp3, .wav or .m4a file (up to 25 MiB)."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The audio file.")
    var file: String

    @Option(name: .long, help: "The spoken language, e.g. fr.")
    var language: String?

    @Option(name: .long, help: "The answer format, e.g. text.")
    var format: String?

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let transcription = try await client.transcribe(fileAt: file, language: language, format: format)
            if global.json { return try Terminal.printJSON(["transcription": transcription.text]) }
            Terminal.line(transcription.text)
        }
    }
}
