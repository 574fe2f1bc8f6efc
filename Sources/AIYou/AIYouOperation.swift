import NIOHTTP1

/// A call the client makes, e.g. ``chatCompletion`` or ``embeddings``: the value an error
/// names in ``AIYouError/operation`` and the name spans, metrics and logs carry.
///
/// Compare it with the static members:
/// ```swift
/// if error.operation == .chatStream { /* the stream broke, not the call to open it */ }
/// ```
/// Inside the client it is also the one table of what is known about each call (its HTTP
/// method, whether sending it twice is harmless, and its path on each service): endpoints build
/// their requests from it and never write a path themselves. It is one byte, copied for free
/// along a call's path.
public struct AIYouOperation: Hashable, Sendable, CustomStringConvertible {
    /// The operations; the raw value is the name.
    enum Kind: String, Sendable, CaseIterable {
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
    }

    let kind: Kind

    /// The short name used in log metadata, spans and metrics, e.g. `chat.completion`.
    public var name: String { kind.rawValue }

    /// The name, e.g. `chat.completion`.
    public var description: String { name }

    /// One row of the table.
    struct Facts: Sendable {
        var method: HTTPMethod
        /// `true` when a second identical request changes nothing the first did not.
        var isIdempotent: Bool
        /// The path below the base URL on AI.YOU; `nil` when AI.YOU does not offer the operation.
        var aiyouPath: String? = nil
        /// The path below the base URL on LLMaaS; `nil` when LLMaaS does not offer the operation.
        var llmaasPath: String? = nil
    }

    /// `true` when a second identical request changes nothing the first did not (``facts``).
    var isIdempotent: Bool { facts.isIdempotent }

    /// The table. Idempotent: reads, deletions, and the login (a second session token harms
    /// nothing); embeddings and rerank create nothing and give the same answer again; cancelling a
    /// batch twice ends where cancelling once does. Not idempotent: everything that creates or
    /// generates something (a billed completion, a thread, a model, a transcription, audio, images,
    /// a stored file, a started batch). AI.YOU answers a GET on `models` on some deployments
    /// only; the endpoint falls back to POST.
    var facts: Facts {
        switch kind {
        case .login: Facts(method: .POST, isIdempotent: true, aiyouPath: "/api/login")
        case .chatCompletion, .chatStream:
            Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/chat/completions", llmaasPath: "/v1/chat/completions")
        case .assistants: Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/user/assistants")
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

    /// The AI.YOU login (`POST /api/login`), made by the client when it needs a token.
    public static var login: AIYouOperation { AIYouOperation(kind: .login) }
    /// A whole chat completion (``AIYouClient/chatCompletion(_:options:)``).
    public static var chatCompletion: AIYouOperation { AIYouOperation(kind: .chatCompletion) }
    /// A streamed chat completion (``AIYouClient/chatCompletionStream(_:options:)``), opening it
    /// or reading it.
    public static var chatStream: AIYouOperation { AIYouOperation(kind: .chatStream) }
    /// The assistants of the account (AI.YOU).
    public static var assistants: AIYouOperation { AIYouOperation(kind: .assistants) }
    /// The model catalogue. AI.YOU answers a GET on some deployments only; the endpoint falls
    /// back to POST.
    public static var models: AIYouOperation { AIYouOperation(kind: .models) }
    /// Creating a model (AI.YOU).
    public static var createModel: AIYouOperation { AIYouOperation(kind: .createModel) }
    /// Saving a conversation as a thread (AI.YOU).
    public static var saveConversation: AIYouOperation { AIYouOperation(kind: .saveConversation) }
    /// A page of the saved threads, or a walk through them (AI.YOU).
    public static var threads: AIYouOperation { AIYouOperation(kind: .threads) }
    /// Deleting a thread (AI.YOU).
    public static var deleteThread: AIYouOperation { AIYouOperation(kind: .deleteThread) }
    /// A transcription of audio to text.
    public static var transcription: AIYouOperation { AIYouOperation(kind: .transcription) }
    /// Embeddings of texts (LLMaaS).
    public static var embeddings: AIYouOperation { AIYouOperation(kind: .embeddings) }
    /// A rerank through `/v1/rerank` (LLMaaS).
    public static var rerank: AIYouOperation { AIYouOperation(kind: .rerank) }
    /// A rerank through `/v2/rerank` (LLMaaS).
    public static var rerankV2: AIYouOperation { AIYouOperation(kind: .rerankV2) }
    /// Text to speech (LLMaaS).
    public static var speech: AIYouOperation { AIYouOperation(kind: .speech) }
    /// Image generation (LLMaaS).
    public static var imageGeneration: AIYouOperation { AIYouOperation(kind: .imageGeneration) }
    /// Uploading a file, e.g. a batch's input (LLMaaS).
    public static var uploadFile: AIYouOperation { AIYouOperation(kind: .uploadFile) }
    /// A stored file's description (LLMaaS).
    public static var fileInfo: AIYouOperation { AIYouOperation(kind: .fileInfo) }
    /// A stored file's content, e.g. a batch's results (LLMaaS).
    public static var fileContent: AIYouOperation { AIYouOperation(kind: .fileContent) }
    /// Starting a batch (LLMaaS).
    public static var createBatch: AIYouOperation { AIYouOperation(kind: .createBatch) }
    /// A batch's state (LLMaaS).
    public static var batch: AIYouOperation { AIYouOperation(kind: .batch) }
    /// A page of batches (LLMaaS).
    public static var batches: AIYouOperation { AIYouOperation(kind: .batches) }
    /// Cancelling a batch (LLMaaS).
    public static var cancelBatch: AIYouOperation { AIYouOperation(kind: .cancelBatch) }

    /// Every operation, for the table's own tests.
    static var allCases: [AIYouOperation] { Kind.allCases.map { AIYouOperation(kind: $0) } }
}
