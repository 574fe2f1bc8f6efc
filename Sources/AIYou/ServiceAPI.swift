/// Which of Cloud Temple's two LLM services a client speaks to. Both go through the same
/// pipeline (retries, rate limiter, cache, metrics, spans, redaction and limits); what differs is
/// the paths, the shape of some bodies and which operations exist.
///
/// | | ``aiyou`` | ``llmaas`` |
/// |---|---|---|
/// | Base URL | `https://ai.dragonflygroup.fr` | `https://api.ai.cloud-temple.com` |
/// | Credentials | e-mail and password, or a bearer token | an API key (``Credentials/apiKey(_:)``) |
/// | Chat, streams | yes (assistants, threads) | yes (tools, `image_url` parts) |
/// | Models, transcription | yes | yes |
/// | Assistants, threads, saving | yes | — |
/// | Embeddings, rerank | — | yes |
/// | Speech, image generation | — | yes |
/// | Batches (files, batch jobs) | — | yes |
///
/// Calling an operation the configured service does not have fails with
/// ``AIYouError/Code/unsupported`` before anything is sent.
public struct ServiceAPI: Sendable, Hashable, CustomStringConvertible {
    enum Dialect: Sendable, Hashable {
        case aiyou
        case llmaas
    }

    let dialect: Dialect

    /// Cloud Temple's AI.YOU (`/api/v1/...`): assistants, threads, login with e-mail and password.
    public static let aiyou = ServiceAPI(dialect: .aiyou)
    /// Cloud Temple's LLMaaS (`/v1/...`), OpenAI-compatible: tool calling, embeddings, rerank;
    /// authenticated with an API key.
    public static let llmaas = ServiceAPI(dialect: .llmaas)

    /// The production address of the service.
    public var defaultBaseURL: String {
        switch dialect {
        case .aiyou: "https://ai.dragonflygroup.fr"
        case .llmaas: "https://api.ai.cloud-temple.com"
        }
    }

    /// `AI.YOU` or `LLMaaS`.
    public var description: String {
        switch dialect {
        case .aiyou: "AI.YOU"
        case .llmaas: "LLMaaS"
        }
    }

    /// The path of `operation` on this service, below the base URL; `nil` when the service does
    /// not offer it (from ``AIYouOperation/facts``, the one table of operations).
    func path(_ operation: AIYouOperation) -> String? {
        switch dialect {
        case .aiyou: operation.facts.aiyouPath
        case .llmaas: operation.facts.llmaasPath
        }
    }

    /// The path of `operation`; throws ``AIYouError/Code/unsupported`` when this service does not
    /// offer it.
    @discardableResult
    func require(_ operation: AIYouOperation) throws(AIYouError) -> String {
        if let path = path(operation) { return path }
        let other: ServiceAPI = dialect == .aiyou ? .llmaas : .aiyou
        throw AIYouError(
            .unsupported,
            "\(operation.name) is not offered by \(self); it is available with configuration.api = .\(other.dialect)",
            operation: operation
        )
    }
}
