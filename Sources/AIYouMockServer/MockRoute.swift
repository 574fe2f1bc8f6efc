/// One endpoint of the mock server, used to count, record and fault requests.
///
/// The server speaks two dialects on the same port: AI.YOU, whose paths start with `/api/`, and
/// Cloud Temple's OpenAI-compatible LLMaaS, whose paths start with `/v1/` (and `/v2/rerank`).
/// See <doc:LLMaaSRoutes>.
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

    /// Whether the route belongs to the LLMaaS dialect (OpenAI-shaped answers and errors).
    var isLLMaaS: Bool { !self.path.hasPrefix("/api/") }

    /// Whether the route answers chat completions, streamed or not (the stream faults apply).
    var isChat: Bool { self == .chatCompletions || self == .llmaasChatCompletions || self == .llmaasCompletions }

    /// Whether the route reads a multipart upload as a stream (its body is never collected).
    var streamsUpload: Bool { self == .transcriptions || self == .llmaasTranscriptions || self == .uploadFile }

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

    /// LLMaaS `POST /v1/chat/completions`: OpenAI chat completions, streamed or not, with
    /// tool calls (see <doc:LLMaaSRoutes>).
    public static let llmaasChatCompletions = MockRoute(method: "POST", path: "/v1/chat/completions")
    /// LLMaaS `POST /v1/completions`: the same body and the same answer as
    /// ``llmaasChatCompletions`` (the LLMaaS documentation describes it so).
    public static let llmaasCompletions = MockRoute(method: "POST", path: "/v1/completions")
    /// LLMaaS `POST /v1/embeddings`: deterministic unit vectors, one per input text.
    public static let embeddings = MockRoute(method: "POST", path: "/v1/embeddings")
    /// LLMaaS `POST /v1/rerank`: Cohere v1-style reranking, documents included by default.
    public static let rerank = MockRoute(method: "POST", path: "/v1/rerank")
    /// LLMaaS `POST /v2/rerank`: Cohere v2-style reranking, documents left out by default and
    /// billing under `meta`.
    public static let rerankV2 = MockRoute(method: "POST", path: "/v2/rerank")
    /// LLMaaS `GET /v1/models`: the OpenAI model list with aliases and context lengths.
    public static let llmaasModels = MockRoute(method: "GET", path: "/v1/models")
    /// LLMaaS `POST /v1/audio/transcriptions`: a Whisper-style multipart upload (part `file`).
    public static let llmaasTranscriptions = MockRoute(method: "POST", path: "/v1/audio/transcriptions")
    /// LLMaaS `POST /v1/audio/speech`: OpenAI-style text-to-speech, deterministic audio in the
    /// format asked for.
    public static let speech = MockRoute(method: "POST", path: "/v1/audio/speech")
    /// LLMaaS `POST /v1/images/generations`: OpenAI-style image generation, deterministic PNG
    /// images as base64 or links.
    public static let imageGenerations = MockRoute(method: "POST", path: "/v1/images/generations")

    /// LLMaaS `POST /v1/files`: a multipart upload (parts `purpose`, which must be `batch`, and `file`),
    /// stored in memory (see <doc:LLMaaSRoutes>).
    public static let uploadFile = MockRoute(method: "POST", path: "/v1/files")
    /// LLMaaS `GET /v1/files/{id}`: a stored file's description.
    public static let fileInfo = MockRoute(method: "GET", path: "/v1/files/{id}")
    /// LLMaaS `GET /v1/files/{id}/content`: a stored file's bytes (a batch's input or results).
    public static let fileContent = MockRoute(method: "GET", path: "/v1/files/{id}/content")
    /// LLMaaS `POST /v1/batches`: starts a batch over an uploaded file.
    public static let createBatch = MockRoute(method: "POST", path: "/v1/batches")
    /// LLMaaS `GET /v1/batches`: the batches, most recent first.
    public static let listBatches = MockRoute(method: "GET", path: "/v1/batches")
    /// LLMaaS `GET /v1/batches/{id}`: a batch; each read moves it one step on.
    public static let batch = MockRoute(method: "GET", path: "/v1/batches/{id}")
    /// LLMaaS `POST /v1/batches/{id}/cancel`: cancels a batch.
    public static let cancelBatch = MockRoute(method: "POST", path: "/v1/batches/{id}/cancel")

    /// Every route the server answers: the AI.YOU routes, then the LLMaaS ones.
    public static let allCases: [MockRoute] = [
        .login, .chatCompletions, .assistants, .listModels, .createModel,
        .save, .threads, .deleteThread, .transcriptions,
        .llmaasChatCompletions, .llmaasCompletions, .embeddings, .rerank, .rerankV2, .llmaasModels, .llmaasTranscriptions,
        .speech, .imageGenerations,
        .uploadFile, .fileInfo, .fileContent, .createBatch, .listBatches, .batch, .cancelBatch,
    ]
}
