import AIYou
import ArgumentParser
import Foundation

/// `aiyou assistants`: the user's assistants.
struct AssistantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assistants", abstract: "List your assistants.")

    @ParentCommand var root: AIYouCommand

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let assistants = try await client.assistants()
            if global.json { return Terminal.printJSON(assistants.map(\.jsonObject)) }
            for assistant in assistants {
                print("\(assistant.id)\t\(assistant.name ?? "-")\t\(assistant.model ?? assistant.modelAI ?? "-")")
            }
        }
    }
}

/// `aiyou models`: the model catalogue.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the available models.")

    @ParentCommand var root: AIYouCommand

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            let list = try await client.models()
            if global.json {
                return Terminal.printJSON(["models": list.models.map(\.jsonObject), "total": list.total] as [String: Any])
            }
            for model in list.models {
                print("\(model.name)\t\(model.provider ?? "-")\t\(model.contextWindow.map(String.init) ?? "-")")
            }
        }
    }
}

/// `aiyou threads`: a page of threads, or all of them.
struct ThreadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "threads", abstract: "List your saved threads.")

    @ParentCommand var root: AIYouCommand

    @Option(name: .long, help: "Page number, from 1.")
    var page = 1

    @Option(name: .customLong("per-page"), help: "Threads per page, 1…50.")
    var perPage = 10

    @Option(name: .long, help: "Only threads matching this term.")
    var search: String?

    @Flag(name: .long, help: "Every page, one after the other.")
    var all = false

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            var threads: [ConversationThread] = []
            var total: Int
            if all {
                for try await thread in try client.allThreads(search: search, pageSize: min(max(perPage, 50), 50)) { threads.append(thread) }
                total = threads.count
            } else {
                let result = try await client.threads(page: page, itemsPerPage: perPage, search: search)
                threads = result.threads
                total = result.totalItems
            }
            if global.json {
                return Terminal.printJSON(["threads": threads.map(\.jsonObject), "totalItems": total] as [String: Any])
            }
            for thread in threads { print(ThreadCommand.line(for: thread)) }
            Terminal.note("\(threads.count) shown, \(total) in all")
        }
    }
}

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
            if global.json { return Terminal.printJSON(thread.jsonObject) }
            print(Self.line(for: thread))
            if let content = thread.content, !content.isEmpty { print(content) }
        }
    }

    static func line(for thread: ConversationThread) -> String {
        let date = thread.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
        return "\(thread.id)\t\(date)\t\(thread.assistantName ?? "-")\t\(thread.firstMessage ?? "")"
    }
}

/// `aiyou delete-thread ID`.
struct DeleteThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete-thread", abstract: "Delete a thread.")

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The thread's id.")
    var id: String

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            try await client.deleteThread(id: id)
            if global.json { return Terminal.printJSON(["deleted": id]) }
            print("deleted \(id)")
        }
    }
}
