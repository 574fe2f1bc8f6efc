import AIYou
import ArgumentParser
import Foundation

/// `aiyou rerank --query Q [--v2] DOCUMENT…` (LLMaaS): the documents by relevance.
struct RerankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerank",
        abstract: "LLMaaS: order documents by relevance to a query."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The documents.")
    var documents: [String]

    @Option(name: .long, help: "The rerank model, e.g. qwen3-reranker:0.6b.")
    var model: String

    @Option(name: .long, help: "The query.")
    var query: String

    @Option(name: .long, help: "Keep only the N most relevant documents.")
    var topN: Int?

    @Flag(name: .long, help: "Use Cohere v2's /v2/rerank instead of /v1/rerank.")
    var v2 = false

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let result = try await client.rerank(model: model, query: query, documents: documents, topN: topN, version: v2 ? .v2 : nil)
            if global.json {
                return try Terminal.printJSON(result.jsonObject)
            }
            for item in result.results {
                let text = item.document ?? (documents.indices.contains(item.index) ? documents[item.index] : "")
                Terminal.line("\(String(format: "%.4f", item.relevanceScore))\t#\(item.index)\t\(text)")
            }
        }
    }
}
