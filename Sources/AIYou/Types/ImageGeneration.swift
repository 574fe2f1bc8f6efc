import Foundation

/// The images of an image generation call, as
/// ``AIYouClient/generateImages(_:options:)`` returns them.
///
/// It decodes OpenAI's answer `{"created": 1767100000, "data": [{"b64_json": "iVBOR…",
/// "revised_prompt": "…"}, {"url": "https://…"}]}`: each image's base64 is decoded to its bytes
/// (in one pass over the text), each link is checked to be an absolute `http` or `https` URL
/// and is never fetched. Decoding fails when `data` is missing or empty, when an item has neither
/// `b64_json` nor `url`, when the base64 is invalid, or when a link is not such a URL.
public struct ImageGeneration: Hashable, Sendable {
    /// When the service made the images, when it said.
    public var created: Date?
    /// The images, in the service's order.
    public var images: [GeneratedImage]

    /// A result with the given values.
    public init(created: Date? = nil, images: [GeneratedImage]) {
        self.created = created
        self.images = images
    }
}

/// One generated image: its bytes or a link to it, and the prompt the model actually used.
public struct GeneratedImage: Hashable, Sendable {
    /// How the service delivered the image.
    public enum Content: Hashable, Sendable {
        /// The image file's bytes (PNG, JPEG or WebP, as the model makes them), decoded from
        /// `b64_json`.
        case data(Data)
        /// A link to the image (`http` or `https`), as the service sent it; not fetched.
        case url(URL)
    }

    /// The image's bytes or its link.
    public var content: Content
    /// The prompt after the service rewrote it (`revised_prompt`), when it did.
    public var revisedPrompt: String?

    /// An image with the given values.
    public init(content: Content, revisedPrompt: String? = nil) {
        self.content = content
        self.revisedPrompt = revisedPrompt
    }

    /// The image's bytes, when the service sent them.
    public var data: Data? {
        if case .data(let data) = content { return data }
        return nil
    }

    /// The image's link, when the service sent one.
    public var url: URL? {
        if case .url(let url) = content { return url }
        return nil
    }

    /// An absolute `http` or `https` URL with a host, made of printable ASCII only; `nil` for
    /// anything else.
    static func webURL(_ text: String) -> URL? {
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), let url = URL(string: text),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }
}

extension GeneratedImage: Decodable {
    private enum CodingKeys: String, CodingKey {
        case b64JSON = "b64_json"
        case url
        case revisedPrompt = "revised_prompt"
    }

    /// Decodes `{"b64_json": "…"}` or `{"url": "…"}` (the bytes when both are sent), with
    /// `revised_prompt` when present. Throws `DecodingError` for invalid base64, a link that is
    /// not an absolute `http(s)` URL, or an item with neither.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        revisedPrompt = try? container.decodeIfPresent(String.self, forKey: .revisedPrompt)
        if let base64 = try container.decodeIfPresent(String.self, forKey: .b64JSON) {
            do {
                content = .data(try Base64.data(base64))
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.b64JSON], debugDescription: error.description))
            }
        } else if let text = try container.decodeIfPresent(String.self, forKey: .url) {
            guard let url = Self.webURL(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [CodingKeys.url], debugDescription: "not an absolute http or https URL")
                )
            }
            content = .url(url)
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.b64JSON,
                .init(codingPath: container.codingPath, debugDescription: "an image needs b64_json or url")
            )
        }
    }
}

extension ImageGeneration: Decodable {
    private enum CodingKeys: String, CodingKey {
        case created, data
    }

    /// Decodes the answer: `data` (a non-empty array of images) is required, `created` (Unix
    /// seconds) read when present.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        created = container.lenientDate(.created)
        images = try container.decode([GeneratedImage].self, forKey: .data)
        guard !images.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.data], debugDescription: "the answer holds no image"))
        }
    }
}
