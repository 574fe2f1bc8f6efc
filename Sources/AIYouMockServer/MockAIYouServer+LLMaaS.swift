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

    /// The audio `POST /v1/audio/speech` answers for `input` read by `voice` in `format` at
    /// `speed` (see <doc:LLMaaSRoutes>): a 24 kHz 16-bit mono tone of 50 ms per UTF-8 byte of the
    /// text divided by the speed, whose pitch depends on the voice and the text, wrapped as the
    /// format says (a WAV header for `wav`, nothing for `pcm`, the format's signature for `mp3`,
    /// `flac`, `opus` and `aac`).
    ///
    /// - Parameters:
    ///   - input: The text.
    ///   - voice: The voice.
    ///   - format: `mp3` (the route's default), `opus`, `aac`, `flac`, `wav` or `pcm`.
    ///   - speed: 0.25…4; 1 is the route's default.
    /// - Returns: The bytes of the answer's body; empty for an unknown format.
    public static func speechAudio(input: String, voice: String, format: String = "mp3", speed: Double = 1) -> [UInt8] {
        MockSpeech.audio(input: input, voice: voice, format: format, speed: speed)
    }

    /// The PNG file `POST /v1/images/generations` answers as image `index` (from 0) for
    /// `prompt`: a valid 8×8 RGB image whose colours depend on the prompt and the index (see
    /// <doc:LLMaaSRoutes>).
    ///
    /// - Parameters:
    ///   - prompt: The prompt.
    ///   - index: The image's position in the answer.
    /// - Returns: The bytes of the file.
    public static func generatedImage(prompt: String, index: Int) -> [UInt8] {
        MockPNG.image(prompt: prompt, index: index)
    }
}
