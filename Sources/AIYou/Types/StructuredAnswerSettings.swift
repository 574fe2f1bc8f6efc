/// How one ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` call asks for, reads
/// and repairs the answer.
public struct StructuredAnswerSettings: Sendable, Hashable {
    /// How the schema is sent; `nil` (the default) takes the configured one: on LLMaaS
    /// ``Configuration/LLMaaSSettings/structuredAnswers`` (``StructuredAnswerMode/responseFormat``
    /// unless changed), on AI.YOU always ``StructuredAnswerMode/instruction``, since AI.YOU's
    /// chat request has no `response_format`.
    public var mode: StructuredAnswerMode?
    /// How many times an answer that does not decode is sent back to the model with what is
    /// wrong with it, 0…10 (default 2): at most `maxRepairs + 1` completions per call.
    public var maxRepairs: Int
    /// Whether each completion is streamed (``AIYouClient/chatCompletionStream(_:options:)``, then
    /// ``ChatCompletionStream/collect()``) rather than asked for whole; the value is decoded once
    /// the stream is assembled.
    public var streamed: Bool
    /// The schema's name in `response_format` and in the instruction: 1 to 64 letters, digits,
    /// `_` or `-`. `nil` (the default) derives it from the Swift type's name.
    public var schemaName: String?
    /// Asks the server to follow the schema exactly (`"strict": true` in `response_format`).
    public var strict: Bool

    /// The most repairs a call may ask for.
    public static let maxRepairsLimit = 10

    /// Settings for one call; the defaults take the configured mode, allow 2 repairs, ask for
    /// whole answers and a strict schema named after the type.
    public init(
        mode: StructuredAnswerMode? = nil,
        maxRepairs: Int = 2,
        streamed: Bool = false,
        schemaName: String? = nil,
        strict: Bool = true
    ) {
        self.mode = mode
        self.maxRepairs = maxRepairs
        self.streamed = streamed
        self.schemaName = schemaName
        self.strict = strict
    }
}
