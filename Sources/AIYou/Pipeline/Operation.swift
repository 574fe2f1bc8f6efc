/// What a request does, as a typed fact the pipeline decides on (never a string comparison):
/// its name in logs and errors, and whether sending it twice is harmless.
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

    /// The short name used in log metadata and error messages, e.g. `chat.completion`.
    var name: String { rawValue }

    /// `true` when a second identical request changes nothing the first did not: reads,
    /// deletions, and the login (a second session token harms nothing). Everything that creates or
    /// generates something (a billed completion, a thread, a model, a transcription) is not.
    var isIdempotent: Bool {
        switch self {
        // Embeddings and rerank create nothing and give the same answer again.
        case .login, .assistants, .models, .threads, .deleteThread, .embeddings, .rerank, .rerankV2: true
        case .chatCompletion, .chatStream, .createModel, .saveConversation, .transcription: false
        // Each generates new audio or images, and is billed.
        case .speech, .imageGeneration: false
        // Reading a file or a batch changes nothing. Cancelling twice ends where cancelling once
        // does (the batch stops; a batch already cancelling or cancelled stays so), so a cancel
        // whose answer was lost is safe to send again.
        case .fileInfo, .fileContent, .batch, .batches, .cancelBatch: true
        // A second upload stores a second file; a second create starts (and bills) a second batch.
        case .uploadFile, .createBatch: false
        }
    }
}
