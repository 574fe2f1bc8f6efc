import AIYou
import ArgumentParser

/// `aiyou`: talk to AI.YOU from the terminal, or to the embedded server with `--mock`.
struct AIYouCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aiyou",
        abstract: "Use Cloud Temple's AI.YOU or LLMaaS from the command line.",
        discussion: """
            --api aiyou (default) or --api llmaas (or AIYOU_API) chooses the service.
            AI.YOU credentials come from --token, or --email and --password (or AIYOU_TOKEN, AIYOU_EMAIL, AIYOU_PASSWORD);
            LLMaaS takes an API key from --token (or LLMAAS_API_KEY).
            With --mock, an embedded server speaking both runs in-process and is used instead: no account needed.
            Examples: aiyou --mock chat "Bonjour"
                      aiyou --mock --api llmaas chat --model gpt-oss:120b --tool-demo "Weather in Lyon?"
            """,
        subcommands: [
            ChatCommand.self, AssistantsCommand.self, ModelsCommand.self, ThreadsCommand.self, ThreadCommand.self,
            DeleteThreadCommand.self, SaveCommand.self, TranscribeCommand.self, EmbedCommand.self, RerankCommand.self, ServeCommand.self,
            BenchCommand.self, SpeakCommand.self, ImageCommand.self, BatchCommand.self, MCPCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
