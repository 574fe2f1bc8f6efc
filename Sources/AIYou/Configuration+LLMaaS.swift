extension Configuration {
    /// Settings that only the LLMaaS dialect (``ServiceAPI/llmaas``) reads; an AI.YOU client
    /// ignores them. Each says what the client asks of an OpenAI-compatible server that not every
    /// such server honours, so each can be turned off for a server that refuses it.
    public struct LLMaaSSettings: Sendable, Hashable {
        /// Streams ask the server for token usage (`"stream_options": {"include_usage": true}`),
        /// so that streamed calls report usage, token metrics and span attributes as whole
        /// answers do. A server that refuses the field gets the request again without it, and
        /// the client stops sending it. Default `true`.
        public var streamUsage: Bool = true

        /// How ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` sends the schema
        /// when the call does not say (``StructuredAnswerSettings/mode``):
        /// ``StructuredAnswerMode/responseFormat`` (the default: `response_format` with a JSON
        /// Schema, which vLLM-based servers enforce during generation) or
        /// ``StructuredAnswerMode/instruction`` for a server that refuses `response_format`.
        public var structuredAnswers: StructuredAnswerMode = .responseFormat

        /// The defaults: every setting on.
        public init() {}
    }
}
