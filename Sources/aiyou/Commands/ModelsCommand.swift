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
                // LLMaaS gives an owner, a context length and aliases; AI.YOU a provider and a context window.
                let owner = model.provider ?? model.ownedBy ?? "-"
                let context = (model.contextWindow ?? model.maxModelLength).map(String.init) ?? "-"
                let aliases = (model.aliases ?? []).filter { $0 != model.name }
                Terminal.line(
                    "\(model.name)\t\(owner)\t\(context)" + (aliases.isEmpty ? "" : "\taliases: \(aliases.joined(separator: ", "))")
                )
            }
        }
    }
}
