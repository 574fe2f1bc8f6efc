/// An image generation request (LLMaaS `POST /v1/images/generations`, OpenAI-compatible).
///
/// ```swift
/// let request = ImageGenerationRequest(model: "z-image:16b", prompt: "A lighthouse at dawn, watercolour", size: "1024x1024")
/// ```
public struct ImageGenerationRequest: Sendable, Hashable {
    /// The most images one request asks for.
    public static let maxCount = 10

    /// An image generation model of the catalogue (e.g. `z-image:16b`).
    public var model: String
    /// What the image should show; not empty.
    public var prompt: String
    /// How many images, 1…``maxCount`` (sent as `n`); the service's default (one) when `nil`.
    public var count: Int?
    /// The size, `WIDTHxHEIGHT` in pixels (e.g. `1024x1024`) or `auto`; the service's default
    /// when `nil`.
    public var size: String?
    /// Whether the images come as bytes (``ImageResponseFormat/base64``) or as links
    /// (``ImageResponseFormat/url``); the service's default when `nil`.
    public var responseFormat: ImageResponseFormat?
    /// The quality, in the model's words (e.g. `standard`, `hd`, `high`); not sent when `nil`.
    public var quality: String?
    /// An id of your end user, for the service's abuse monitoring; not sent when `nil`.
    public var user: String?

    /// A request with the given values.
    public init(
        model: String,
        prompt: String,
        count: Int? = nil,
        size: String? = nil,
        responseFormat: ImageResponseFormat? = nil,
        quality: String? = nil,
        user: String? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.count = count
        self.size = size
        self.responseFormat = responseFormat
        self.quality = quality
        self.user = user
    }

    /// Throws ``AIYouError/Code/invalidRequest`` when the model or prompt is blank, the count is
    /// outside 1…``maxCount``, the size is not `WIDTHxHEIGHT` (1…16384 pixels each) or `auto`, or
    /// the quality is not a plain word.
    func validate() throws(AIYouError) {
        do { try validateFields() } catch { throw error.naming(.imageGeneration) }
    }

    private func validateFields() throws(AIYouError) {
        if model.allSatisfy(\.isWhitespace) { throw .invalidRequest("model must not be empty") }
        if prompt.allSatisfy(\.isWhitespace) { throw .invalidRequest("prompt must not be empty") }
        if let count, !(1...Self.maxCount).contains(count) {
            throw .invalidRequest("count must be within 1…\(Self.maxCount) (got \(count))")
        }
        if let size, !Self.isSize(size) {
            let shown = SafeText.escapingControlCharacters(String(size.prefix(32)), keepingLineBreaks: false)
            throw .invalidRequest("size \"\(shown)\" is not WIDTHxHEIGHT (e.g. 1024x1024) or auto")
        }
        if let quality, quality.isEmpty || quality.utf8.count > 32 || !quality.utf8.allSatisfy(Self.isWordByte) {
            let shown = SafeText.escapingControlCharacters(String(quality.prefix(32)), keepingLineBreaks: false)
            throw .invalidRequest("quality \"\(shown)\" is not a quality name such as hd")
        }
    }

    /// `auto`, or two numbers of 1…16384 joined by `x`.
    static func isSize(_ size: String) -> Bool {
        if size == "auto" { return true }
        let parts = size.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            part.utf8.count <= 5 && part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                && Int(part).map { (1...16_384).contains($0) } == true
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}

/// How generated images are delivered.
public enum ImageResponseFormat: String, Sendable, Hashable, CaseIterable {
    /// The image bytes, base64-encoded in the answer (`b64_json`); the client decodes them.
    case base64 = "b64_json"
    /// A link to each image (`url`), valid for a while; the client never fetches it.
    case url
}

/// The body of `POST /v1/images/generations`.
struct ImageGenerationRequestBody: JSONBody {
    let request: ImageGenerationRequest

    static let modeledFields = ["model", "prompt", "n", "size", "response_format", "quality", "user"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("model", request.model)
        writer.field("prompt", request.prompt)
        writer.field("n", request.count)
        writer.nonEmptyField("size", request.size)
        if let format = request.responseFormat { writer.field("response_format", format.rawValue) }
        writer.nonEmptyField("quality", request.quality)
        writer.nonEmptyField("user", request.user)
        writer.endObject()
    }
}
