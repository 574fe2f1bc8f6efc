import Foundation

extension ContentPart {
    /// The largest image file ``image(fileAt:)`` reads: 20 MiB.
    public static let maxImageFileBytes = 20 * 1024 * 1024

    /// Image types ``image(fileAt:)`` recognises by extension, with the media type written in the data URI.
    public static let imageMediaTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    ]

    /// An image part carrying the image itself, as a `data:<mediaType>;base64,…` URI (what LLMaaS
    /// documents for images).
    public static func image(data: some Sequence<UInt8>, mediaType: String) -> ContentPart {
        .image(url: dataURI(data, mediaType: mediaType))
    }

    /// An image part read from a `.png`, `.jpg`/`.jpeg`, `.gif` or `.webp` file, sent inline as a
    /// base64 data URI.
    /// - Throws: ``AIYouError`` with code ``AIYouError/Code/invalidRequest`` when the file is
    ///   missing, unreadable, empty, larger than ``maxImageFileBytes`` or of another type.
    public static func image(fileAt path: String) throws(AIYouError) -> ContentPart {
        let fileName = SafeText.escapingControlCharacters((path as NSString).lastPathComponent, keepingLineBreaks: false)
        let fileExtension = (path as NSString).pathExtension.lowercased()
        guard let mediaType = imageMediaTypes[fileExtension] else {
            throw .invalidRequest("image: \"\(fileName)\" is not a supported image file; use .png, .jpg, .jpeg, .gif or .webp")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else {
            throw .invalidRequest("image: \"\(fileName)\" does not exist or is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw .invalidRequest("image: \"\(fileName)\" is empty") }
        guard size <= maxImageFileBytes else {
            throw .invalidRequest("image: \"\(fileName)\" is \(size) bytes; the limit is \(maxImageFileBytes) bytes (20 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidRequest("image: \"\(fileName)\" cannot be read")
        }
        return .image(data: data, mediaType: mediaType)
    }

    /// `data:<mediaType>;base64,<data>`.
    public static func dataURI(_ data: some Sequence<UInt8>, mediaType: String) -> String {
        "data:\(mediaType);base64," + Data(data).base64EncodedString()
    }
}

extension ChatMessageBuilder {
    /// Appends an image given by its bytes, sent inline as a base64 data URI.
    public func image(data: some Sequence<UInt8>, mediaType: String) -> ChatMessageBuilder {
        image(url: ContentPart.dataURI(data, mediaType: mediaType))
    }
}
