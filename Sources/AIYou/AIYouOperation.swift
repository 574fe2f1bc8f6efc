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
/// their requests from it and never write a path themselves.
public struct AIYouOperation: Hashable, Sendable, CustomStringConvertible {
    /// The short name used in log metadata, spans and metrics, e.g. `chat.completion`.
    public let name: String
    /// The operation's row of the table.
    let facts: Facts

    private init(_ name: String, _ facts: Facts) {
        self.name = name
        self.facts = facts
    }

    /// The name, e.g. `chat.completion`.
    public var description: String { name }

    /// Operations are the same when their names are.
    public static func == (lhs: AIYouOperation, rhs: AIYouOperation) -> Bool { lhs.name == rhs.name }

    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

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

    // The table. Idempotent: reads, deletions, and the login (a second session token harms
    // nothing); embeddings and rerank create nothing and give the same answer again; cancelling a
    // batch twice ends where cancelling once does. Not idempotent: everything that creates or
    // generates something (a billed completion, a thread, a model, a transcription, audio, images,
    // a stored file, a started batch).

    /// The AI.YOU login (`POST /api/login`), made by the client when it needs a token.
    public static let login = AIYouOperation("login", Facts(method: .POST, isIdempotent: true, aiyouPath: "/api/login"))
    /// A whole chat completion (``AIYouClient/chatCompletion(_:options:)``).
    public static let chatCompletion = AIYouOperation(
        "chat.completion",
        Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/chat/completions", llmaasPath: "/v1/chat/completions")
    )
    /// A streamed chat completion (``AIYouClient/streamChatCompletion(_:options:)``), opening it
    /// or reading it.
    public static let chatStream = AIYouOperation(
        "chat.stream",
        Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/chat/completions", llmaasPath: "/v1/chat/completions")
    )
    /// The assistants of the account (AI.YOU).
    public static let assistants = AIYouOperation(
        "assistants",
        Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/user/assistants")
    )
    /// The model catalogue. AI.YOU answers a GET on some deployments only; the endpoint falls
    /// back to POST.
    public static let models = AIYouOperation(
        "models",
        Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/models", llmaasPath: "/v1/models")
    )
    /// Creating a model (AI.YOU).
    public static let createModel = AIYouOperation("models.create", Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/models"))
    /// Saving a conversation as a thread (AI.YOU).
    public static let saveConversation = AIYouOperation(
        "conversations.save",
        Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/save")
    )
    /// A page of the saved threads, or a walk through them (AI.YOU).
    public static let threads = AIYouOperation("threads", Facts(method: .GET, isIdempotent: true, aiyouPath: "/api/v1/user/threads"))
    /// Deleting a thread (AI.YOU).
    public static let deleteThread = AIYouOperation(
        "threads.delete",
        Facts(method: .DELETE, isIdempotent: true, aiyouPath: "/api/v1/threads")
    )
    /// A transcription of audio to text.
    public static let transcription = AIYouOperation(
        "audio.transcription",
        Facts(method: .POST, isIdempotent: false, aiyouPath: "/api/v1/audio/transcriptions", llmaasPath: "/v1/audio/transcriptions")
    )
    /// Embeddings of texts (LLMaaS).
    public static let embeddings = AIYouOperation("embeddings", Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/embeddings"))
    /// A rerank through `/v1/rerank` (LLMaaS).
    public static let rerank = AIYouOperation("rerank", Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/rerank"))
    /// A rerank through `/v2/rerank` (LLMaaS).
    public static let rerankV2 = AIYouOperation("rerank.v2", Facts(method: .POST, isIdempotent: true, llmaasPath: "/v2/rerank"))
    /// Text to speech (LLMaaS).
    public static let speech = AIYouOperation("audio.speech", Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/audio/speech"))
    /// Image generation (LLMaaS).
    public static let imageGeneration = AIYouOperation(
        "images.generation",
        Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/images/generations")
    )
    /// Uploading a file, e.g. a batch's input (LLMaaS).
    public static let uploadFile = AIYouOperation("files.upload", Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/files"))
    /// A stored file's description (LLMaaS).
    public static let fileInfo = AIYouOperation("files.get", Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/files"))
    /// A stored file's content, e.g. a batch's results (LLMaaS).
    public static let fileContent = AIYouOperation("files.content", Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/files"))
    /// Starting a batch (LLMaaS).
    public static let createBatch = AIYouOperation("batches.create", Facts(method: .POST, isIdempotent: false, llmaasPath: "/v1/batches"))
    /// A batch's state (LLMaaS).
    public static let batch = AIYouOperation("batches.get", Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/batches"))
    /// A page of batches (LLMaaS).
    public static let batches = AIYouOperation("batches.list", Facts(method: .GET, isIdempotent: true, llmaasPath: "/v1/batches"))
    /// Cancelling a batch (LLMaaS).
    public static let cancelBatch = AIYouOperation("batches.cancel", Facts(method: .POST, isIdempotent: true, llmaasPath: "/v1/batches"))

    /// Every operation, for the table's own tests.
    static let allCases: [AIYouOperation] = [
        .login, .chatCompletion, .chatStream, .assistants, .models, .createModel, .saveConversation, .threads,
        .deleteThread, .transcription, .embeddings, .rerank, .rerankV2, .speech, .imageGeneration, .uploadFile,
        .fileInfo, .fileContent, .createBatch, .batch, .batches, .cancelBatch,
    ]
}
