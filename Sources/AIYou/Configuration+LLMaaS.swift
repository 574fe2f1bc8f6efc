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

        /// Embeddings are asked for as base64 (`"encoding_format": "base64"`): each vector comes
        /// as the little-endian `float32` bytes of its numbers, about half the size of the
        /// decimal text and decoded several times faster, to the same `Float`s. A server that
        /// ignores the field and answers decimal numbers is read as well. A server that refuses it
        /// (a 400 or 422 naming `encoding_format`) gets the request again without it, and the
        /// client stops sending it. Default `true`.
        public var base64Embeddings: Bool = true

        /// Which rerank route ``AIYouClient/rerank(model:query:documents:topN:returnDocuments:version:options:)``
        /// calls when the call does not say: Cohere v1's `/v1/rerank` or v2's `/v2/rerank`. Both
        /// give a ``RerankResult``. Default ``RerankVersion/v1``.
        public var rerankVersion: RerankVersion = .v1

        /// The defaults: every setting on.
        public init() {}
    }
}
