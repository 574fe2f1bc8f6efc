/// The values of the LLMaaS routes, so that tests can compute what the server answers.
extension MockAIYouServer {
    /// The embedding vector `POST /v1/embeddings` answers for `text` (see <doc:LLMaaSRoutes>).
    ///
    /// A SplitMix64 generator seeded with the FNV-1a 64 hash of the UTF-8 bytes of
    /// `text` draws `dimensions` values uniform in [-1, 1); the vector is normalized to unit
    /// Euclidean length and its components rounded to `Float`. The server writes each component
    /// as `Float`'s description, so a component decoded as `Float` equals this one.
    ///
    /// - Parameters:
    ///   - text: The input text.
    ///   - dimensions: The model's dimension: 1024 for `bge-m3:567m`, 768 for
    ///     `granite-embedding:278m`.
    /// - Returns: The vector, empty when `dimensions` is not positive.
    public static func embedding(for text: String, dimensions: Int) -> [Float] {
        MockEmbeddings.vector(for: text, dimensions: dimensions)
    }

    /// The `relevance_score` the rerank routes give `document` for `query`: the share of the
    /// query's words the document contains, |words(query) ∩ words(document)| / |words(query)|,
    /// where words are the lowercased runs of letters and digits, taken as sets (0 for a query
    /// without words).
    ///
    /// - Parameters:
    ///   - query: The query.
    ///   - document: One document.
    /// - Returns: A score from 0 to 1.
    public static func rerankScore(query: String, document: String) -> Double {
        RerankScoring.score(query: query, document: document)
    }
}
