import AIYou
import ArgumentParser

/// `aiyou models`: the model catalogue.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the available models.")

    @ParentCommand var root: AIYouCommand

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let list = try await client.models()
            if global.json {
                return try Terminal.printJSON(["models": list.models.map(\.jsonObject), "total": list.total] as [String: Any])
            }
            for model in list.models {
                Terminal.line("\(model.name)\t\(model.provider ?? "-")\t\(model.contextWindow.map(String.init) ?? "-")")
            }
        }
    }
}
