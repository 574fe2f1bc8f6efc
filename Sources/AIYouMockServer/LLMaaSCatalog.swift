/// The models of the LLMaaS routes (`GET /v1/models`), and what each can be used for.
enum LLMaaSCatalog {
    /// What a model does, which decides the routes that accept it.
    enum Kind: Sendable, Equatable {
        /// A chat model (`/v1/chat/completions`, `/v1/completions`).
        case chat
        /// An embedding model (`/v1/embeddings`) whose vectors have this many dimensions.
        case embedding(dimensions: Int)
        /// A rerank model (`/v1/rerank`, `/v2/rerank`).
        case rerank
        /// A speech-to-text model (listed only: the transcription route ignores `model`).
        case audio
        /// A text-to-speech model (`/v1/audio/speech`).
        case speech
        /// An image generation model (`/v1/images/generations`).
        case image
    }

    /// How a reasoning model hands out its reasoning.
    enum ReasoningStyle: Sendable, Equatable {
        /// Apart from the text: `reasoning_content` in the message and in the deltas, counted in
        /// `usage.completion_tokens_details.reasoning_tokens` (vLLM with a reasoning parser).
        case separateField
        /// Inside the content, as `<think>\n…\n</think>\n\n` before the text, counted in
        /// `usage.reasoning_tokens` (a model served without a reasoning parser).
        case thinkTags
    }

    /// One model of the catalogue.
    struct Model: Sendable {
        /// The id, also its `root`.
        var id: String
        /// The names a request may use for it, its id included.
        var aliases: [String]
        /// `max_model_len`.
        var maxModelLength: Int
        /// What it does.
        var kind: Kind
        /// For a reasoning chat model: where its reasoning goes.
        var reasoning: ReasoningStyle? = nil
    }

    /// `created` of every model (and of its permission).
    static let created = 1_767_100_000

    /// The catalogue, in the order it is listed.
    static let models: [Model] = [
        Model(id: "gpt-oss:120b", aliases: ["gpt-oss:120b", "gpt-oss"], maxModelLength: 120_000, kind: .chat),
        Model(id: "llama3.3:70b", aliases: ["llama3.3:70b"], maxModelLength: 120_000, kind: .chat),
        Model(id: "qwen3-vl:8b", aliases: ["qwen3-vl:8b"], maxModelLength: 250_000, kind: .chat),
        Model(id: "qwen3.6:27b", aliases: ["qwen3.6:27b"], maxModelLength: 250_000, kind: .chat, reasoning: .separateField),
        Model(id: "cogito:32b", aliases: ["cogito:32b"], maxModelLength: 120_000, kind: .chat, reasoning: .thinkTags),
        Model(id: "bge-m3:567m", aliases: ["bge-m3:567m", "bge-m3"], maxModelLength: 8192, kind: .embedding(dimensions: 1024)),
        Model(id: "granite-embedding:278m", aliases: ["granite-embedding:278m"], maxModelLength: 512, kind: .embedding(dimensions: 768)),
        Model(id: "qwen3-reranker:0.6b", aliases: ["qwen3-reranker:0.6b"], maxModelLength: 4096, kind: .rerank),
        Model(id: "whisper-large-v3", aliases: ["whisper-large-v3"], maxModelLength: 448, kind: .audio),
        Model(id: "kokoro:82m", aliases: ["kokoro:82m", "kokoro"], maxModelLength: 4096, kind: .speech),
        Model(id: "z-image:16b", aliases: ["z-image:16b"], maxModelLength: 4096, kind: .image),
    ]

    /// The model a request names, by id or alias.
    static func model(named name: String) -> Model? {
        Self.models.first { $0.id == name || $0.aliases.contains(name) }
    }
}
