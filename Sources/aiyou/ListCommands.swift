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
                Terminal.line("\(assistant.id)\t\(assistant.name ?? "-")\t\(assistant.model ?? assistant.modelAI ?? "-")")
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
                Terminal.line("\(model.name)\t\(model.provider ?? "-")\t\(model.contextWindow.map(String.init) ?? "-")")
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

    @Flag(name: .long, help: "Every page: page 1, then the others concurrently.")
    var all = false

    @Option(name: .long, help: "With --all, pages requested at once.")
    var concurrency = 4

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            var threads: [ConversationThread] = []
            var total: Int
            if all {
                threads = try await client.fetchAllThreads(
                    search: search, pageSize: ThreadQuery.maxItemsPerPage, maxConcurrentRequests: concurrency
                )
                total = threads.count
            } else {
                let result = try await client.threads(page: page, itemsPerPage: perPage, search: search)
                threads = result.threads
                total = result.totalItems
            }
            if global.json {
                return Terminal.printJSON(["threads": threads.map(\.jsonObject), "totalItems": total] as [String: Any])
            }
            for thread in threads { Terminal.line(ThreadCommand.line(for: thread)) }
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
            Terminal.line(Self.line(for: thread))
            if let content = thread.content, !content.isEmpty { Terminal.line(content) }
        }
    }

    static func line(for thread: ConversationThread) -> String {
        let date = thread.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
        return "\(thread.id)\t\(date)\t\(thread.assistantName ?? "-")\t\(thread.firstMessage ?? "")"
    }
}

/// `aiyou delete-thread ID [ID…]`.
struct DeleteThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-thread", abstract: "Delete one thread, or several at once (exit status 1 if any could not be deleted)."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The threads' ids.")
    var ids: [String]

    @Option(name: .long, help: "Deletions sent at once, with several ids.")
    var concurrency = 4

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one thread id") }
    }

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            if ids.count == 1 {
                try await client.deleteThread(id: ids[0])
                if global.json { return Terminal.printJSON(["deleted": ids[0]]) }
                Terminal.line("deleted \(ids[0])")
                return
            }
            let result = try await client.deleteThreads(ids: ids, maxConcurrentRequests: concurrency)
            if global.json {
                let failed = result.failures.map { ["id": $0.id, "error": $0.error.description] }
                Terminal.printJSON(["deleted": result.deleted, "failed": failed] as [String: Any])
            } else {
                for id in result.deleted { Terminal.line("deleted \(id)") }
                for failure in result.failures { Terminal.note("aiyou: \(failure.id): \(failure.error.description)") }
            }
            if !result.allSucceeded { throw ExitCode.failure }
        }
    }
}
