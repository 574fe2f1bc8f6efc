/// A text-to-speech request (LLMaaS `POST /v1/audio/speech`, OpenAI-compatible): the text, the
/// model and voice that read it, and the audio format wanted.
///
/// ```swift
/// let request = SpeechRequest(model: "kokoro:82m", input: "Bonjour et bienvenue.", voice: "ff_siwis", format: .wav)
/// ```
public struct SpeechRequest: Sendable, Hashable {
    /// The slowest ``speed`` the service accepts: a quarter of the normal pace.
    public static let minimumSpeed = 0.25
    /// The fastest ``speed`` the service accepts: four times the normal pace.
    public static let maximumSpeed = 4.0

    /// A text-to-speech model of the catalogue.
    public var model: String
    /// The text to read aloud; not empty.
    public var input: String
    /// The voice, as the model names its voices (e.g. `alloy`, `af_heart`).
    public var voice: String
    /// The audio format of the answer (sent as `response_format`); the service's default (as a
    /// rule MP3) when `nil`.
    public var format: SpeechFormat?
    /// How fast the text is read, ``minimumSpeed``…``maximumSpeed`` (1 is the normal pace); the
    /// service's default when `nil`.
    public var speed: Double?
    /// How the voice should sound (tone, accent, pace), for the models that take instructions;
    /// not sent when `nil`.
    public var instructions: String?

    /// A request with the given values.
    public init(
        model: String,
        input: String,
        voice: String,
        format: SpeechFormat? = nil,
        speed: Double? = nil,
        instructions: String? = nil
    ) {
        self.model = model
        self.input = input
        self.voice = voice
        self.format = format
        self.speed = speed
        self.instructions = instructions
    }

    /// Throws ``AIYouError/Code/invalidRequest`` when the model, the text or the voice is blank,
    /// or the speed is not a number within ``minimumSpeed``…``maximumSpeed``.
    func validate() throws(AIYouError) {
        if model.allSatisfy(\.isWhitespace) { throw .invalidRequest("model must not be empty", operation: .speech) }
        if input.allSatisfy(\.isWhitespace) { throw .invalidRequest("input (the text to read) must not be empty", operation: .speech) }
        if voice.allSatisfy(\.isWhitespace) { throw .invalidRequest("voice must not be empty", operation: .speech) }
        if let speed, !(Self.minimumSpeed...Self.maximumSpeed).contains(speed) {
            throw .invalidRequest("speed must be within \(Self.minimumSpeed)…\(Self.maximumSpeed) (got \(speed))", operation: .speech)
        }
        if let instructions, instructions.allSatisfy(\.isWhitespace) {
            throw .invalidRequest("instructions must not be empty when given", operation: .speech)
        }
    }
}

/// The audio formats of a text-to-speech answer (OpenAI's `response_format` values).
public enum SpeechFormat: String, Sendable, Hashable, CaseIterable {
    /// MP3 (`audio/mpeg`).
    case mp3
    /// Opus in an Ogg container (`audio/ogg`).
    case opus
    /// AAC in ADTS frames (`audio/aac`).
    case aac
    /// FLAC (`audio/flac`).
    case flac
    /// WAV: a RIFF header, then 16-bit PCM (`audio/wav`).
    case wav
    /// Raw 16-bit little-endian PCM samples without a header (`audio/pcm`; OpenAI: 24 kHz mono).
    case pcm

    /// The format named `name` (`mp3`, `opus`, `aac`, `flac`, `wav` or `pcm`, in any case).
    /// Throws ``AIYouError/Code/invalidRequest`` for any other name.
    public init(name: String) throws(AIYouError) {
        guard let format = SpeechFormat(rawValue: name.lowercased()) else {
            let shown = SafeText.escapingControlCharacters(String(name.prefix(32)), keepingLineBreaks: false)
            throw .invalidRequest(
                "\"\(shown)\" is not an audio format; use one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))",
                operation: .speech
            )
        }
        self = format
    }

    /// The content type a service sends for this format.
    public var contentType: String {
        switch self {
        case .mp3: "audio/mpeg"
        case .opus: "audio/ogg"
        case .aac: "audio/aac"
        case .flac: "audio/flac"
        case .wav: "audio/wav"
        case .pcm: "audio/pcm"
        }
    }

    /// The usual file extension, without the dot (`mp3`, `opus`, `aac`, `flac`, `wav`, `pcm`).
    public var fileExtension: String { rawValue }
}

/// The body of `POST /v1/audio/speech`.
struct SpeechRequestBody: JSONBody {
    let request: SpeechRequest

    static let modeledFields = ["model", "input", "voice", "response_format", "speed", "instructions"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("model", request.model)
        writer.field("input", request.input)
        writer.field("voice", request.voice)
        if let format = request.format { writer.field("response_format", format.rawValue) }
        writer.field("speed", request.speed)
        writer.nonEmptyField("instructions", request.instructions)
        writer.endObject()
    }
}
