import AIYou
import ArgumentParser

/// `aiyou`: talk to AI.YOU from the terminal, or to the embedded server with `--mock`.
@main
struct AIYouCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aiyou",
        abstract: "Use Cloud Temple's AI.YOU from the command line.",
        discussion: """
            Credentials come from --token, or --email and --password (or AIYOU_TOKEN, AIYOU_EMAIL, AIYOU_PASSWORD).
            With --mock, an embedded AI.YOU-compatible server runs in-process and is used instead: no account needed.
            Example: aiyou --mock chat "Bonjour"
            """,
        subcommands: [
            ChatCommand.self, AssistantsCommand.self, ModelsCommand.self, ThreadsCommand.self, ThreadCommand.self,
            DeleteThreadCommand.self, SaveCommand.self, TranscribeCommand.self, ServeCommand.self, BenchCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
