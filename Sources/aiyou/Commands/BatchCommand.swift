import AIYou
import ArgumentParser
import Foundation

/// `aiyou batch submit|status|results|cancel|list` (LLMaaS): requests run asynchronously,
/// within 24 h, at half the price.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "LLMaaS: run a JSONL file of requests as a batch (within 24 h, half price).",
        discussion: """
            Each line of the file is {"custom_id":…,"method":"POST","url":"/v1/chat/completions","body":{…}}.
            With --mock the embedded server runs batches in-process (they advance at each status read), and
            has two demo batches: batch_demo (completed) and batch_demo_running (cancel it).
            Examples: aiyou --mock --api llmaas batch submit requests.jsonl --wait
                      aiyou --mock --api llmaas batch results batch_demo
            """,
        subcommands: [Submit.self, Status.self, Results.self, Cancel.self, List.self]
    )

    /// `batch submit FILE.jsonl`.
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Upload a JSONL file of requests and start a batch over it (--wait: until it ends)."
        )

        @ParentCommand var root: AIYouCommand

        @Argument(help: "The JSONL file of requests.")
        var file: String

        @Option(name: .long, help: "Where the requests go: chat (default), embeddings, or a path such as /v1/chat/completions.")
        var endpoint = "chat"

        @Flag(name: .long, help: "Poll the batch until it ends, then print it (exit status 1 unless it completed).")
        var wait = false

        @Flag(name: .long, help: "With --wait: then print the results, as `batch results` does.")
        var results = false

        @Option(name: .long, help: "With --wait: seconds before the first poll again (doubling up to 60).")
        var pollInterval: Double = 1

        @Option(name: .long, help: "With --wait: seconds to wait at most.")
        var timeout: Double = 25 * 3600

        func validate() throws {
            _ = try batchEndpoint()
            if results, !wait { throw ValidationError("--results needs --wait") }
            guard pollInterval > 0, pollInterval.isFinite, timeout > 0, timeout.isFinite else {
                throw ValidationError("--poll-interval and --timeout must be positive numbers of seconds")
            }
        }

        func batchEndpoint() throws -> BatchEndpoint {
            switch endpoint.lowercased() {
            case "chat", "chat/completions", "chat-completions": return .chatCompletions
            case "embeddings": return .embeddings
            case let path where path.hasPrefix("/v1/"): return BatchEndpoint(path: endpoint)
            default: throw ValidationError("--endpoint must be chat, embeddings, or a path starting with /v1/")
            }
        }

        func run() async throws {
            let global = root.global
            let endpoint = try batchEndpoint()
            let polling = BatchPolling(
                interval: .milliseconds(Int64(pollInterval * 1000)),
                maxInterval: .seconds(max(60, pollInterval)),
                timeout: .milliseconds(Int64(min(timeout, 1e12) * 1000))
            )
            try await global.withClient { client in
                let uploaded = try await client.uploadBatchFile(at: file)
                Terminal.note("uploaded \(BatchJob.shown(uploaded.filename ?? file)) as \(BatchJob.shown(uploaded.id))")
                var job = try await client.createBatch(inputFileID: uploaded.id, endpoint: endpoint)
                if wait {
                    var last = job.status
                    Terminal.note(job.statusLine)
                    job = try await client.waitForBatch(id: job.id, polling: polling) { update in
                        if update.status != last { Terminal.note(update.statusLine) }
                        last = update.status
                    }
                }
                // With the results, --json prints JSON lines only: the batch first, then each result.
                if results, global.json {
                    try Terminal.printJSONLine(job.jsonObject)
                } else {
                    try BatchCommand.show(job, json: global.json)
                }
                if results { try await BatchCommand.printResults(try await client.batchResults(of: job), json: global.json) }
                if wait, job.status != .completed {
                    Terminal.error("batch \(BatchJob.shown(job.id)) ended \(job.status)")
                    throw ExitCode.failure
                }
            }
        }
    }

    /// `batch status ID`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a batch's status and counts.")

        @ParentCommand var root: AIYouCommand

        @Argument(help: "The batch id.")
        var id: String

        func run() async throws {
            let global = root.global
            try await global.withClient { client in
                try BatchCommand.show(try await client.batch(id: id), json: global.json)
            }
        }
    }

    /// `batch results ID` (or `--file FILE_ID`).
    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "results",
            abstract: "Print an ended batch's results, one line each: CUSTOM_ID, ok or error, the answer or the error (--json: JSON lines)."
        )

        @ParentCommand var root: AIYouCommand

        @Argument(help: "The batch id.")
        var id: String?

        @Option(name: .long, help: "Read this results file instead of a batch's (its output_file_id or error_file_id).")
        var file: String?

        func validate() throws {
            guard (id == nil) != (file == nil) else { throw ValidationError("give a batch id or --file FILE_ID, not both") }
        }

        func run() async throws {
            let global = root.global
            try await global.withClient { client in
                if let file {
                    return try await BatchCommand.printResults(try await client.batchResults(fileID: file), json: global.json)
                }
                let job = try await client.batch(id: id ?? "")
                try await BatchCommand.printResults(try await client.batchResults(of: job), json: global.json)
            }
        }
    }

    /// `batch cancel ID`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a batch that has not ended.")

        @ParentCommand var root: AIYouCommand

        @Argument(help: "The batch id.")
        var id: String

        func run() async throws {
            let global = root.global
            try await global.withClient { client in
                try BatchCommand.show(try await client.cancelBatch(id: id), json: global.json)
            }
        }
    }

    /// `batch list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the batches, most recent first.")

        @ParentCommand var root: AIYouCommand

        @Option(name: .long, help: "How many, 1 to 100.")
        var limit = 20

        func run() async throws {
            let global = root.global
            try await global.withClient { client in
                let page = try await client.batches(limit: limit)
                if global.json {
                    return try Terminal.printJSON(["batches": page.batches.map(\.jsonObject), "has_more": page.hasMore] as [String: Any])
                }
                for job in page.batches { Terminal.line(job.statusLine) }
            }
        }
    }

    /// Prints results as they download, one line each, then their counts on stderr.
    static func printResults(_ results: BatchResults, json: Bool) async throws {
        var counts = (answers: 0, errors: 0)
        for try await item in results {
            if item.error == nil { counts.answers += 1 } else { counts.errors += 1 }
            if json {
                try Terminal.printJSONLine(item.jsonObject)
            } else {
                Terminal.line(item.line)
            }
        }
        Terminal.note("\(counts.answers) answer(s), \(counts.errors) error(s)")
    }

    /// Prints a batch: its status line and refusals, or its JSON.
    static func show(_ job: BatchJob, json: Bool) throws {
        if json { return try Terminal.printJSON(job.jsonObject) }
        Terminal.line(job.statusLine)
        for line in job.errorLines { Terminal.line(line) }
    }
}
