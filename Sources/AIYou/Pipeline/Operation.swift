import NIOHTTP1

/// What a request does, as a typed fact the pipeline decides on (never a string comparison).
///
/// This is the one table of what the client knows about each operation: its name in logs,
/// errors, spans and metrics, its HTTP method, whether sending it twice is harmless, and its path
/// on each service (``facts``). Endpoints build their requests from it
/// (``APIRequest/init(_:on:suffix:query:body:accept:)``) and never write a path themselves.
enum Operation: String, Sendable, Hashable, CaseIterable {
    case login = "login"
    case chatCompletion = "chat.completion"
    case chatStream = "chat.stream"
    case assistants = "assistants"
    case models = "models"
    case createModel = "models.create"
    case saveConversation = "conversations.save"
    case threads = "threads"
    case deleteThread = "threads.delete"
    case transcription = "audio.transcription"
    case embeddings = "embeddings"
    case rerank = "rerank"
    case rerankV2 = "rerank.v2"
    case speech = "audio.speech"
    case imageGeneration = "images.generation"
    case uploadFile = "files.upload"
    case fileInfo = "files.get"
    case fileContent = "files.content"
    case createBatch = "batches.create"
    case batch = "batches.get"
    case batches = "batches.list"
    case cancelBatch = "batches.cancel"

    /// One row of the table.
    struct Facts: Sendable {
        var method: HTTPMethod
        /// `true` when a second identical request changes nothing the first did not.
        var isIdempotent: Bool
        /// The path below the base URL on AI.YOU; `nil` when AI.YOU does not offer the operation.
        var aiyouPath: String?
        /// The path below the base URL on LLMaaS; `nil` when LLMaaS does not offer the operation.
        var llmaasPath: String?
    }

    /// The table. Idempotent: reads, deletions, and the login (a second session token harms
    /// nothing); embeddings and rerank create nothing and give the same answer again; cancelling a
    /// batch twice ends where cancelling once does. Not idempotent: everything that creates or
    /// generates something (a billed completion, a thread, a model, a transcription, audio, images,
    /// a stored file, a started batch).
    var facts: Facts {
        switch self {
        case .login: Facts(method: .POST, isIdempotent: true, aiyouPath: "/api/login")
        case .chatCompletion, .chatStream:
            Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/chat/completions", llmaasPath: "/v1/chat/completions")
        case .assistants: Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/user/assistants")
        // AI.YOU answers a GET on some deployments only; the endpoint falls back to POST.
        case .models: Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/models", llmaasPath: "/v1/models")
        case .createModel: Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/models")
        case .saveConversation: Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/save")
        case .threads: Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/user/threads")
        case .deleteThread: Facts(method: .DELETE, isIdempotent: true, aiyouPath: "/api/v1/threads")
        case .transcription:
            Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/audio/transcriptions", llmaasPath: "/v1/audio/transcriptions")
        case .embeddings: Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/embeddings")
        case .rerank: Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/rerank")
        case .rerankV2: Facts(method: .POST, isIdempotent: true, llmaasPath: "/v2/rerank")
        case .speech: Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/audio/speech")
        case .imageGeneration: Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/images/generations")
        case .uploadFile: Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/files")
        case .fileInfo, .fileContent: Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/files")
        case .createBatch: Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/batches")
        case .batch, .batches: Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/batches")
        case .cancelBatch: Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/batches")
        }
    }

    /// The short name used in log metadata and error messages, e.g. `chat.completion`.
    var name: String { rawValue }

    /// `true` when a second identical request changes nothing the first did not (``facts``).
    var isIdempotent: Bool { facts.isIdempotent }
}
