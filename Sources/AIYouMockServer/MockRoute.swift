/// One endpoint of the mock server, used to count, record and fault requests.
public struct MockRoute: Hashable, Sendable, CustomStringConvertible {
    /// The HTTP method, e.g. `"POST"`.
    public let method: String
    /// The path pattern, e.g. `"/api/v1/threads/{id}"`.
    public let path: String

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    /// `METHOD path`, e.g. `POST /api/login`.
    public var description: String { "\(self.method) \(self.path)" }

    /// Whether the route needs `Authorization: Bearer <token>`.
    var requiresAuthentication: Bool { self != .login }

    /// `POST /api/login`.
    public static let login = MockRoute(method: "POST", path: "/api/login")
    /// `POST /api/v1/chat/completions`.
    public static let chatCompletions = MockRoute(method: "POST", path: "/api/v1/chat/completions")
    /// `GET /api/v1/user/assistants`.
    public static let assistants = MockRoute(method: "GET", path: "/api/v1/user/assistants")
    /// `GET /api/v1/models`.
    public static let listModels = MockRoute(method: "GET", path: "/api/v1/models")
    /// `POST /api/v1/models` (catalogue with `{}`, creation with a `name`).
    public static let createModel = MockRoute(method: "POST", path: "/api/v1/models")
    /// `POST /api/v1/save`.
    public static let save = MockRoute(method: "POST", path: "/api/v1/save")
    /// `GET /api/v1/user/threads`.
    public static let threads = MockRoute(method: "GET", path: "/api/v1/user/threads")
    /// `DELETE /api/v1/threads/{id}`.
    public static let deleteThread = MockRoute(method: "DELETE", path: "/api/v1/threads/{id}")
    /// `POST /api/v1/audio/transcriptions`.
    public static let transcriptions = MockRoute(method: "POST", path: "/api/v1/audio/transcriptions")

    /// Every route the server answers.
    public static let allCases: [MockRoute] = [
        .login, .chatCompletions, .assistants, .listModels, .createModel,
        .save, .threads, .deleteThread, .transcriptions,
    ]
}
