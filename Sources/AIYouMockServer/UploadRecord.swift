/// What the server saw of the last audio upload, on either transcription route
/// (``MockRoute/transcriptions`` or ``MockRoute/llmaasTranscriptions``).
public struct UploadRecord: Sendable, Equatable {
    /// The file name of the file part (`audioFile` for AI.YOU, `file` for LLMaaS).
    public var filename: String
    /// The `Content-Type` of the file part, if it had one.
    public var fileContentType: String?
    /// The number of bytes in the file part.
    public var byteCount: Int
    /// The `language` text part, if sent.
    public var language: String?
    /// The `format` text part, if sent (AI.YOU).
    public var format: String?
    /// The `model` text part, if sent (LLMaaS; the server ignores it otherwise).
    public var model: String?
    /// The `initial_prompt` text part, or else the `prompt` part, if sent (LLMaaS).
    public var prompt: String?
    /// The `task` text part, if sent (LLMaaS).
    public var task: String?
    /// The `response_format` text part, if sent (LLMaaS).
    public var responseFormat: String?

    /// Creates an upload record.
    ///
    /// - Parameters:
    ///   - filename: The file name of the audio part.
    ///   - fileContentType: Its content type.
    ///   - byteCount: Its size in bytes.
    ///   - language: The `language` part.
    ///   - format: The `format` part (AI.YOU).
    ///   - model: The `model` part (LLMaaS).
    ///   - prompt: The `initial_prompt` or `prompt` part (LLMaaS).
    ///   - task: The `task` part (LLMaaS).
    ///   - responseFormat: The `response_format` part (LLMaaS).
    public init(
        filename: String,
        fileContentType: String?,
        byteCount: Int,
        language: String?,
        format: String?,
        model: String? = nil,
        prompt: String? = nil,
        task: String? = nil,
        responseFormat: String? = nil
    ) {
        self.filename = filename
        self.fileContentType = fileContentType
        self.byteCount = byteCount
        self.language = language
        self.format = format
        self.model = model
        self.prompt = prompt
        self.task = task
        self.responseFormat = responseFormat
    }
}
