/// The text of a transcribed audio file.
///
/// AI.YOU answers `{"transcription": "…"}`; LLMaaS (Whisper) answers
/// `{"text": "…", "language": "fr", "segments": [{"id": 0, "start": 0.0, "end": 1.8, "text": "…"}, …]}`.
/// What a service does not send is `nil` or empty.
public struct Transcription: Decodable, Hashable, Sendable {
    /// A stretch of the audio and its text (LLMaaS).
    public struct Segment: Decodable, Hashable, Sendable {
        /// The segment's number.
        public var id: Int
        /// Where it starts, in seconds from the beginning of the file.
        public var start: Double
        /// Where it ends, in seconds from the beginning of the file.
        public var end: Double
        /// What was said in it.
        public var text: String

        /// A segment with the given values.
        public init(id: Int, start: Double, end: Double, text: String) {
            self.id = id
            self.start = start
            self.end = end
            self.text = text
        }

        private enum CodingKeys: String, CodingKey { case id, start, end, text }

        /// Decodes a segment leniently: numbers may be sent as text; a missing or non-finite
        /// `start` is 0, a missing `end` is `start`, a missing `id` 0 and a missing text empty.
        /// The other fields Whisper sends (`tokens`, `avg_logprob`, …) are ignored.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = container.lenientInt(.id) ?? 0
            start = container.lenientDouble(.start).flatMap { $0.isFinite ? $0 : nil } ?? 0
            end = container.lenientDouble(.end).flatMap { $0.isFinite ? $0 : nil } ?? start
            text = container.lenientString(.text) ?? ""
        }
    }

    /// What was said.
    public var text: String
    /// The spoken language the service detected or was given (ISO 639-1, e.g. `fr`), when sent.
    public var language: String?
    /// The text in timed segments, when sent (LLMaaS); empty otherwise.
    public var segments: [Segment]

    /// A transcription with the given values.
    public init(text: String, language: String? = nil, segments: [Segment] = []) {
        self.text = text
        self.language = language
        self.segments = segments
    }

    private enum CodingKeys: String, CodingKey { case transcription, text, language, segments }

    /// Decodes `{"transcription": …}` (or `{"text": …}`), with `language` and `segments` when
    /// present (segments that cannot be read are skipped).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = container.lenientString(.transcription) ?? container.lenientString(.text) {
            self.text = text
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.transcription,
                .init(codingPath: [], debugDescription: "no \"transcription\" in the answer")
            )
        }
        language = container.lenientString(.language)
        segments = container.lenientArray(.segments)
    }
}

/// What a transcription does with the speech (LLMaaS `task`): write it down in its own language,
/// or translate it into English.
public struct TranscriptionTask: Hashable, Sendable, CustomStringConvertible {
    /// The value sent as the `task` part: `transcribe` or `translate`.
    public let rawValue: String

    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// Writes the speech down in the language spoken (the service's default).
    public static let transcribe = TranscriptionTask("transcribe")
    /// Translates the speech into English.
    public static let translate = TranscriptionTask("translate")

    /// The raw value.
    public var description: String { rawValue }
}
