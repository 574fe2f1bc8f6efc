import AIYou
import ArgumentParser
import Foundation

/// `aiyou embed TEXT…` (LLMaaS): one vector per text.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "LLMaaS: embed texts; prints each vector's size, norm and first values (--json: the vectors)."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The texts, one vector each.")
    var texts: [String]

    @Option(name: .long, help: "The embedding model, e.g. bge-m3:567m.")
    var model: String

    @Option(name: .long, help: "Texts per request; more are split into batches sent concurrently.")
    var batchSize = 64

    @Option(name: .long, help: "Batches in flight at once.")
    var concurrency = 4

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let result = try await client.embeddings(model: model, input: texts, batchSize: batchSize, maxConcurrentRequests: concurrency)
            if global.json {
                return try Terminal.printJSON(result.jsonObject)
            }
            for (index, vector) in result.vectors.enumerated() {
                let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                let head = vector.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: ", ")
                Terminal.line(
                    "#\(index)\t\(vector.count) dims\tnorm \(String(format: "%.3f", norm))\t[\(head)\(vector.count > 4 ? ", …" : "")]"
                )
            }
            Terminal.note("\(result.model ?? model): \(result.usage.totalTokens) tokens")
        }
    }
}
