import Foundation

/// A file stored by the service (LLMaaS `POST /v1/files`), as
/// ``AIYouClient/uploadBatchFile(at:options:)`` and ``AIYouClient/uploadedFile(id:options:)``
/// return it: `{"id":"file-…","object":"file","purpose":"batch","filename","bytes","created_at"}`.
public struct UploadedFile: Hashable, Sendable {
    /// The service's id of the file, e.g. `file-abc123`: what ``AIYouClient/createBatch(inputFileID:endpoint:completionWindow:metadata:options:)``
    /// takes.
    public var id: String
    /// What the file is for, e.g. `batch`, when the service says.
    public var purpose: String?
    /// The file's name as the service stored it, when it says.
    public var filename: String?
    /// The file's size in bytes, when the service says (never negative).
    public var bytes: Int?
    /// When the file was stored, when the service says.
    public var createdAt: Date?

    /// A file with the given values.
    public init(id: String, purpose: String? = nil, filename: String? = nil, bytes: Int? = nil, createdAt: Date? = nil) {
        self.id = id
        self.purpose = purpose
        self.filename = filename
        self.bytes = bytes
        self.createdAt = createdAt
    }
}

extension UploadedFile: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id, purpose, filename, bytes
        case createdAt = "created_at"
    }

    /// Decodes the OpenAI file object: `id` is required (a string, or a number taken as text);
    /// every other field is read leniently and is `nil` when absent or unreadable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.requiredLenientString(.id)
        purpose = container.lenientString(.purpose)
        filename = container.lenientString(.filename)
        bytes = container.lenientInt(.bytes).map { max(0, $0) }
        createdAt = container.lenientDate(.createdAt)
    }
}
