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

    @Option(name: .long, help: "The answer format, e.g. text (LLMaaS: json only).")
    var format: String?

    @Option(name: .long, help: "LLMaaS: context or vocabulary that helps the transcription.")
    var initialPrompt: String?

    @Option(name: .long, help: "LLMaaS: transcribe (default) or translate (to English).")
    var task: String?

    func run() async throws {
        let global = root.global
        let task: TranscriptionTask? =
            switch self.task?.lowercased() {
            case nil: nil
            case "transcribe": .transcribe
            case "translate": .translate
            default: throw ValidationError("--task must be transcribe or translate")
            }
        try await global.withClient { client in
            let transcription = try await client.transcribe(
                fileAt: file,
                language: language,
                format: format,
                initialPrompt: initialPrompt,
                task: task
            )
            if global.json {
                return try Terminal.printJSON(
                    ["transcription": transcription.text, "language": transcription.language, "segments": transcription.segments.count]
                        as [String: Any?]
                )
            }
            Terminal.line(transcription.text)
        }
    }
}
