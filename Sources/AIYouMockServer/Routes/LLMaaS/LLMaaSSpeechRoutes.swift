import Hummingbird

/// LLMaaS `POST /v1/audio/speech` (OpenAI-compatible text-to-speech): deterministic audio
/// (``MockSpeech``) sized by the text, in the format asked for, with its content type and
/// `Content-Length`, written in pieces of 16 KiB.
///
/// Body: `model` (a speech model), `input` (1 to 4096 characters), `voice` (a non-empty string),
/// `response_format` (`mp3`, the default, `opus`, `aac`, `flac`, `wav` or `pcm`), `speed`
/// (0.25…4, default 1) and `instructions` (a string, ignored). Anything else wrong is 400 with
/// `param` naming the field.
struct LLMaaSSpeechRoutes: Sendable {
    /// The longest text one request may carry, in characters.
    static let maxInputCharacters = 4096
    /// The most bytes one write carries.
    static let writeSize = 16 * 1024

    let state: MockServerState

    func speak(_ input: RouteRequest) -> Response {
        let text: String
        let voice: String
        let format: String
        let speed: Double
        do throws(LLMaaSRequestError) {
            let body = try LLMaaSFields.object(input.json)
            _ = try LLMaaSFields.model(in: body, purpose: "text-to-speech") { $0 == .speech ? true : nil }
            guard let value = body["input"]?.stringValue, !value.isEmpty else {
                throw .invalid("'input' must be a non-empty string.", param: "input")
            }
            guard value.count <= Self.maxInputCharacters else {
                throw .invalid("'input' must be at most \(Self.maxInputCharacters) characters.", param: "input")
            }
            text = value
            guard let name = body["voice"]?.stringValue, !name.isEmpty else {
                throw .invalid("'voice' must be a non-empty string.", param: "voice")
            }
            voice = name
            switch body["response_format"] {
            case nil, .null?:
                format = "mp3"
            case .string(let name)? where MockSpeech.contentTypes[name] != nil:
                format = name
            default:
                throw .invalid("'response_format' must be one of aac, flac, mp3, opus, pcm, wav.", param: "response_format")
            }
            speed = try LLMaaSFields.number("speed", in: body, range: 0.25...4) ?? 1
            switch body["instructions"] {
            case nil, .null?, .string?: break
            default:
                throw .invalid("'instructions' must be a string.", param: "instructions")
            }
        } catch {
            return error.response
        }

        let audio = MockSpeech.audio(input: text, voice: voice, format: format, speed: speed)
        var headers = self.state.llmaasQuota.nextHeaders()
        headers[.contentType] = MockSpeech.contentTypes[format]
        let watch = ClientWatch(state: self.state, channel: input.context.channel)
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: audio.count) { writer in
                try await watch.guarding {
                    var start = 0
                    while start < audio.count {
                        let end = min(start + Self.writeSize, audio.count)
                        try await writer.write(ByteBuffer(bytes: audio[start..<end]))
                        start = end
                    }
                }
                try await writer.finish(nil)
            }
        )
    }
}
