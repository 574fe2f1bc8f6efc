import AIYou
import ArgumentParser
import Foundation

/// `aiyou save`: save a conversation as a thread.
struct SaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save a conversation as a thread and print its id.",
        discussion: "Without --conversation, the conversation is read from stdin."
    )

    @ParentCommand var root: AIYouCommand

    @Option(name: .long, help: "Assistant id (default: your first assistant).")
    var assistant: String?

    @Option(name: .long, help: "The conversation's text (default: read stdin).")
    var conversation: String?

    @Option(name: .long, help: "The first message (default: the conversation's first line).")
    var firstMessage: String?

    @Option(name: .customLong("thread-id"), help: "Update this thread instead of creating one.")
    var threadID: String?

    @Option(name: .customLong("model-name"), help: "The model used.")
    var modelName: String?

    func run() async throws {
        let global = root.global
        let text: String
        if let conversation { text = conversation } else { text = await Terminal.readAllInput() }
        try await global.withClient { client in
            let assistantID: String
            if let assistant {
                assistantID = assistant
            } else if let first = try await client.assistants().first {
                assistantID = first.id
            } else {
                throw AIYouError(.invalidRequest, "save: you have no assistant; pass --assistant")
            }
            let firstLine = text.split(separator: "\n").first.map(String.init)
            let saved = try await client.saveConversation(
                .init(
                    assistantID: assistantID,
                    conversation: text,
                    threadID: threadID,
                    firstMessage: firstMessage ?? firstLine,
                    modelName: modelName,
                    isNewAppThread: threadID == nil
                )
            )
            if global.json {
                return try Terminal.printJSON(["id": saved.id, "object": saved.object, "createdAt": saved.createdAt] as [String: Any?])
            }
            Terminal.line(saved.id)
        }
    }
}
