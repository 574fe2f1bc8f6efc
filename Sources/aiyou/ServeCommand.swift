import AIYouMockServer
import ArgumentParser
import Foundation

/// `aiyou serve`: run the embedded AI.YOU-compatible server in the foreground.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the embedded AI.YOU-compatible server until interrupted (Ctrl-C)."
    )

    @ParentCommand var root: AIYouCommand

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "Response shape: primary or alternate.")
    var shape: String = MockResponseShape.primary.rawValue

    @Option(name: .long, help: "Chunks per streamed answer.")
    var chunks = 8

    @Option(name: .customLong("chunk-interval-ms"), help: "Pause between streamed chunks, in milliseconds.")
    var chunkIntervalMilliseconds = 0

    @Option(name: .customLong("token-lifetime"), help: "Lifetime of login tokens, in seconds.")
    var tokenLifetime = 3600

    @Flag(name: .customLong("require-streaming"), help: "Answer non-streamed chat requests with the 'Stream options' error.")
    var requireStreaming = false

    @Option(name: .customLong("fault"), help: ArgumentHelp(FaultOption.help, valueName: "route=spec,…"))
    var faults: [FaultOption] = []

    @Option(name: .customLong("failure-rate"), help: "Fraction (0…1) of all requests but logins answered with --failure-status.")
    var failureRate = 0.0

    @Option(name: .customLong("failure-status"), help: "Status of the random failures.")
    var failureStatus = 503

    func validate() throws {
        guard MockResponseShape(rawValue: shape) != nil else { throw ValidationError("--shape must be primary or alternate") }
        guard chunks >= 1 else { throw ValidationError("--chunks must be at least 1") }
        guard (0...86_400_000).contains(chunkIntervalMilliseconds) else { throw ValidationError("--chunk-interval-ms must be within 0…86400000") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be within 0…65535") }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be within 0…1") }
        guard (400...599).contains(failureStatus) else { throw ValidationError("--failure-status must be an error status (400…599)") }
    }

    func run() async throws {
        var configuration = MockServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.shape = MockResponseShape(rawValue: shape) ?? .primary
        configuration.streamChunkCount = chunks
        configuration.streamChunkInterval = .milliseconds(chunkIntervalMilliseconds)
        configuration.tokenLifetime = .seconds(tokenLifetime)
        configuration.requireStreaming = requireStreaming
        configuration.logger = root.global.logger
        do {
            try await MockAIYouServer.withRunning(configuration: configuration) { server in
                for fault in faults { server.enqueueFaults(fault.faults, for: fault.route) }
                if failureRate > 0 { server.setRandomFailureRate(failureRate, status: failureStatus) }
                print("AI.YOU mock server listening on \(server.baseURL)")
                for fault in faults { print("faults for \(fault.route): \(fault.faults.count) queued") }
                if failureRate > 0 { print("random failures: \(Int(failureRate * 100)) % of requests answer \(failureStatus)") }
                print("demo account: \(MockAccount.demo.email) / \(MockAccount.demo.password)   API key: \(MockAccount.demoAPIKey)")
                print("try: aiyou --base-url \(server.baseURL) --token \(MockAccount.demoAPIKey) chat \"Bonjour\"")
                Terminal.flushStandardOutput()
                // Serve until the process is interrupted or the task is cancelled.
                while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            }
        } catch is CancellationError {
            return
        } catch {
            Terminal.fail("the server stopped: \(error)")
        }
    }
}
