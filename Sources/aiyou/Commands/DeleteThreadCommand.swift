import AIYou
import ArgumentParser

/// `aiyou delete-thread ID [ID…]`.
struct DeleteThreadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-thread",
        abstract: "Delete one thread, or several at once (exit status 1 if any could not be deleted)."
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
                if global.json { return try Terminal.printJSON(["deleted": ids[0]]) }
                Terminal.line("deleted \(ids[0])")
                return
            }
            let result = try await client.deleteThreads(ids: ids, maxConcurrentRequests: concurrency)
            if global.json {
                let failed = result.failures.map { ["id": $0.id, "error": $0.error.description] }
                try Terminal.printJSON(["deleted": result.deleted, "failed": failed] as [String: Any])
            } else {
                for id in result.deleted { Terminal.line("deleted \(id)") }
                for failure in result.failures { Terminal.note("aiyou: \(failure.id): \(failure.error.description)") }
            }
            if !result.allSucceeded { throw ExitCode.failure }
        }
    }
}
