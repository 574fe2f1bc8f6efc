import AIYou
import AIYouMockServer
import ArgumentParser
import Foundation
import Logging

/// Options every command shares; give them before the command name (`aiyou --mock models`).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The service: aiyou or llmaas (env AIYOU_API; default aiyou).", valueName: "api"))
    var api: String?

    @Option(name: .long, help: ArgumentHelp("Service URL (env AIYOU_BASE_URL; default: the chosen service's).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("Account e-mail (env AIYOU_EMAIL).", valueName: "email"))
    var email: String?

    @Option(name: .long, help: ArgumentHelp("Account password (env AIYOU_PASSWORD).", valueName: "password"))
    var password: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Bearer token / API key (env AIYOU_TOKEN, or LLMAAS_API_KEY with --api llmaas).", valueName: "token")
    )
    var token: String?

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    /// Read before parsing, from the raw arguments (``ExecutorTakeover``); declared here so that
    /// the parser accepts it and `--help` shows it.
    @Flag(
        name: .customLong("no-executor-takeover"),
        help: "Run tasks on Swift's cooperative pool instead of NIO's event loops (env AIYOU_EXECUTOR_TAKEOVER=0)."
    )
    var noExecutorTakeover = false

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    @Flag(name: .long, help: "Run against an embedded AI.YOU-compatible server started in-process (no account needed).")
    var mock = false

    @Option(
        name: .customLong("mock-quota-requests"),
        help: "With --mock: requests the embedded server admits per window, all callers together."
    )
    var mockQuotaRequests: Int?

    @Option(
        name: .customLong("mock-quota-tokens"),
        help: "With --mock: output tokens the embedded server admits per window, all callers together."
    )
    var mockQuotaTokens: Int?

    @Option(name: .customLong("mock-quota-window"), help: "With --mock: the quota's window, in seconds (default 1).")
    var mockQuotaWindow: Double?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        _ = try serviceAPI()
        try SharedQuotaOption.validate(
            requests: mockQuotaRequests,
            tokens: mockQuotaTokens,
            windowSeconds: mockQuotaWindow,
            prefix: "mock-quota"
        )
        if !mock, mockSharedQuota != nil {
            throw ValidationError("--mock-quota-requests and --mock-quota-tokens need --mock")
        }
    }

    /// The embedded server's shared quota of `--mock-quota-requests`, `--mock-quota-tokens` and
    /// `--mock-quota-window`; `nil` when neither limit is given. `withClient` applies it; a
    /// command that builds its own `MockServerConfiguration` sets it as its `sharedQuota`.
    var mockSharedQuota: MockSharedQuota? {
        SharedQuotaOption.quota(requests: mockQuotaRequests, tokens: mockQuotaTokens, windowSeconds: mockQuotaWindow)
    }

    /// The service chosen by `--api` or `AIYOU_API`.
    func serviceAPI() throws -> ServiceAPI {
        switch (api ?? environment["AIYOU_API"] ?? "aiyou").lowercased() {
        case "aiyou", "ai.you": return .aiyou
        case "llmaas": return .llmaas
        default: throw ValidationError("--api (or AIYOU_API) must be aiyou or llmaas")
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
        configure: (inout Configuration) -> Void = { _ in },
        _ body: (AIYouClient) async throws -> Void
    ) async throws {
        do {
            if mock {
                var serverConfiguration = MockServerConfiguration()
                serverConfiguration.streamChunkInterval = .milliseconds(30)
                serverConfiguration.sharedQuota = mockSharedQuota
                adjust(&serverConfiguration)
                let api = try serviceAPI()
                try await MockAIYouServer.withRunning(configuration: serverConfiguration) { server in
                    // The embedded server speaks both dialects: an account for AI.YOU, its API key for LLMaaS.
                    let credentials: Credentials =
                        api == .llmaas
                        ? .apiKey(MockAccount.demoAPIKey)
                        : .emailPassword(email: MockAccount.demo.email, password: MockAccount.demo.password)
                    var configuration = Configuration(api: api, baseURL: server.baseURL, credentials: credentials)
                    configuration.logger = logger
                    configure(&configuration)
                    try await withAIYouClient(configuration) { client in try await body(client) }
                }
            } else {
                let api = try serviceAPI()
                var configuration = Configuration(
                    api: api,
                    baseURL: baseURL ?? environment["AIYOU_BASE_URL"],
                    credentials: try credentials(for: api)
                )
                configuration.logger = logger
                configure(&configuration)
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

    private func credentials(for api: ServiceAPI) throws -> Credentials {
        if let token = token ?? environment["AIYOU_TOKEN"], !token.isEmpty {
            return .bearerToken(token)
        }
        if api == .llmaas {
            if let key = environment["LLMAAS_API_KEY"], !key.isEmpty { return .apiKey(key) }
            throw ValidationError("no API key: pass --token (or set LLMAAS_API_KEY or AIYOU_TOKEN), or use --mock")
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
