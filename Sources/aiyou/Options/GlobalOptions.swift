import AIYou
import AIYouMockServer
import ArgumentParser
import Foundation
import Logging

/// Options every command shares; give them before the command name (`aiyou --mock models`).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Service URL (env AIYOU_BASE_URL).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("Account e-mail (env AIYOU_EMAIL).", valueName: "email"))
    var email: String?

    @Option(name: .long, help: ArgumentHelp("Account password (env AIYOU_PASSWORD).", valueName: "password"))
    var password: String?

    @Option(name: .long, help: ArgumentHelp("Bearer token / API key (env AIYOU_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    @Flag(name: .long, help: "Run against an embedded AI.YOU-compatible server started in-process (no account needed).")
    var mock = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    var logger: Logger {
        var logger = Logger(label: "aiyou") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .warning
        return logger
    }

    /// Runs `body` with a client: for the embedded server when `--mock`, otherwise for the
    /// configured service. Errors are reported on stderr as one line and end the program with
    /// status 1.
    ///
    /// - Throws: `ExitCode.failure` once an error has been reported; a `ValidationError` (no
    ///   credentials) or an `ExitCode` thrown by `body` as they are.
    func withClient(
        mockServer adjust: (inout MockServerConfiguration) -> Void = { _ in },
        _ body: (AIYouClient) async throws -> Void
    ) async throws {
        do {
            if mock {
                var serverConfiguration = MockServerConfiguration()
                serverConfiguration.streamChunkInterval = .milliseconds(30)
                adjust(&serverConfiguration)
                try await MockAIYouServer.withRunning(configuration: serverConfiguration) { server in
                    var configuration = Configuration(
                        baseURL: server.baseURL,
                        credentials: .emailPassword(email: MockAccount.demo.email, password: MockAccount.demo.password)
                    )
                    configuration.logger = logger
                    try await withAIYouClient(configuration) { client in try await body(client) }
                }
            } else {
                var configuration = Configuration(baseURL: resolvedBaseURL, credentials: try credentials())
                configuration.logger = logger
                try await withAIYouClient(configuration) { client in try await body(client) }
            }
        } catch let error as AIYouError {
            Terminal.error(error.description)
            throw ExitCode.failure
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    private var resolvedBaseURL: String {
        baseURL ?? environment["AIYOU_BASE_URL"] ?? Configuration.defaultBaseURL
    }

    private func credentials() throws -> Credentials {
        if let token = token ?? environment["AIYOU_TOKEN"], !token.isEmpty {
            return .bearerToken(token)
        }
        let email = email ?? environment["AIYOU_EMAIL"]
        let password = password ?? environment["AIYOU_PASSWORD"]
        if let email, let password {
            return .emailPassword(email: email, password: password)
        }
        throw ValidationError(
            "no credentials: pass --token, or --email and --password (or set AIYOU_TOKEN, or AIYOU_EMAIL and AIYOU_PASSWORD), or use --mock"
        )
    }
}
