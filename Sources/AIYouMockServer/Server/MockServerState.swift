import Foundation
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// Everything the routes share: the stores, the live settings and the counters.
final class MockServerState: Sendable {
    let configuration: MockServerConfiguration
    let logger: Logger
    let settings: NIOLockedValueBox<LiveSettings>
    let recorder = RequestRecorder()
    let faults = FaultInjector()
    let tokens: TokenStore
    let threads: ThreadStore
    let models = ModelStore()
    let connections = ConnectionTracker()
    /// The secrets received and issued (``MockAIYouServer/secretsSeen``).
    let secrets = SecretStore()
    let lastUpload = NIOLockedValueBox<UploadRecord?>(nil)
    /// The headers of successful LLMaaS answers.
    let llmaasQuota = LLMaaSQuota()
    /// The files and batches of the LLMaaS batch routes.
    let batches = BatchStore()
    /// The quota shared by every caller (``MockSharedQuota``), if any.
    let sharedQuota: SharedQuotaLedger
    /// The embedded MCP server's sessions, tools and counters.
    let mcp: MCPState
    /// Set once shutdown begins, so that hanging requests let go.
    let isStopping = Atomic<Bool>(false)
    private let completionCounter = Atomic<Int>(0)

    init(configuration: MockServerConfiguration) {
        self.configuration = configuration
        self.logger = configuration.logger ?? Logger(label: "AIYouMockServer", factory: { _ in SwiftLogNoOpLogHandler() })
        self.settings = NIOLockedValueBox(LiveSettings(configuration: configuration))
        self.tokens = TokenStore(apiKeys: configuration.apiKeys, lifetime: configuration.tokenLifetime)
        self.threads = ThreadStore(seededCount: configuration.seededThreadCount)
        self.sharedQuota = SharedQuotaLedger(quota: configuration.sharedQuota)
        self.mcp = MCPState(configuration: configuration.mcp)
    }

    /// A snapshot of the live settings, taken once per request.
    var currentSettings: LiveSettings { self.settings.withLockedValue { $0 } }

    /// A new chat completion id.
    func nextCompletionID() -> String {
        let number = self.completionCounter.add(1, ordering: .relaxed).newValue
        return "chatcmpl-mock-\(number)"
    }

    /// The account with these credentials, if any.
    func account(email: String, password: String) -> MockAccount? {
        self.configuration.accounts.first { $0.email.lowercased() == email.lowercased() && $0.password == password }
    }
}
