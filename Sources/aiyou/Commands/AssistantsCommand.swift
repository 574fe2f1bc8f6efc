import AIYou
import ArgumentParser

/// `aiyou assistants`: the user's assistants.
struct AssistantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assistants", abstract: "List your assistants.")

    @ParentCommand var root: AIYouCommand

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let assistants = try await client.assistants()
            if global.json { return try Terminal.printJSON(assistants.map(\.jsonObject)) }
            for assistant in assistants {
                Terminal.line("\(assistant.id)\t\(assistant.name ?? "-")\t\(assistant.model ?? assistant.modelAI ?? "-")")
            }
        }
    }
}
