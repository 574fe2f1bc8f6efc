import AIYou
import ArgumentParser

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
                    search: search,
                    itemsPerPage: ThreadQuery.maxItemsPerPage,
                    maxConcurrentRequests: concurrency
                )
                total = threads.count
            } else {
                let result = try await client.threads(page: page, itemsPerPage: perPage, search: search)
                threads = result.threads
                total = result.totalItems
            }
            if global.json {
                return try Terminal.printJSON(["threads": threads.map(\.jsonObject), "totalItems": total] as [String: Any])
            }
            for thread in threads { Terminal.line(ThreadCommand.line(for: thread)) }
            Terminal.note("\(threads.count) shown, \(total) in all")
        }
    }
}
