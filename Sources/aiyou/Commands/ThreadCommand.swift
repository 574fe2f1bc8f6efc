import AIYou
import ArgumentParser
import Foundation

/// `aiyou thread ID`: one thread.
struct ThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "thread", abstract: "Show one thread.")

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The thread's id.")
    var id: String

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let thread = try await client.thread(id: id)
            if global.json { return try Terminal.printJSON(thread.jsonObject) }
            Terminal.line(Self.line(for: thread))
            if let content = thread.content, !content.isEmpty { Terminal.line(content) }
        }
    }

    static func line(for thread: ConversationThread) -> String {
        let date = thread.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
        return "\(thread.id)\t\(date)\t\(thread.assistantName ?? "-")\t\(thread.firstMessage ?? "")"
    }
}
