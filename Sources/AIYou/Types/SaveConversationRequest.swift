import Foundation

/// A conversation to save as a thread (`POST /api/v1/save`).
public struct SaveConversationRequest: Encodable, Hashable, Sendable {
    /// The assistant the conversation was held with (required).
    public var assistantID: String
    /// The conversation's content (required).
    public var conversation: String
    /// The thread to update; leave `nil` to create a thread.
    public var threadID: String?
    /// The message that opened the conversation.
    public var firstMessage: String?
    /// The content as JSON text (`contentJson`).
    public var contentJSON: String?
    /// The model used.
    public var modelName: String?
    /// Mark the thread as created by the new app.
    public var isNewAppThread: Bool?

    /// A request; `assistantID` and `conversation` must not be empty.
    public init(
        assistantID: String,
        conversation: String,
        threadID: String? = nil,
        firstMessage: String? = nil,
        contentJSON: String? = nil,
        modelName: String? = nil,
        isNewAppThread: Bool? = nil
    ) {
        self.assistantID = assistantID
        self.conversation = conversation
        self.threadID = threadID
        self.firstMessage = firstMessage
        self.contentJSON = contentJSON
        self.modelName = modelName
        self.isNewAppThread = isNewAppThread
    }

    private enum CodingKeys: String, CodingKey {
        case assistantID = "assistantId"
        case conversation
        case threadID = "threadId"
        case firstMessage
        case contentJSON = "contentJson"
        case modelName, isNewAppThread
    }

    /// Encodes the set, non-empty fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(assistantID, forKey: .assistantID)
        try container.encode(conversation, forKey: .conversation)
        try container.encodeNonEmpty(threadID, forKey: .threadID)
        try container.encodeNonEmpty(firstMessage, forKey: .firstMessage)
        try container.encodeNonEmpty(contentJSON, forKey: .contentJSON)
        try container.encodeNonEmpty(modelName, forKey: .modelName)
        try container.encodeIfPresent(isNewAppThread, forKey: .isNewAppThread)
    }

    func validate() throws(AIYouError) {
        if assistantID.allSatisfy(\.isWhitespace) { throw .invalidRequest("assistantID is required", operation: .saveConversation) }
        if conversation.allSatisfy(\.isWhitespace) { throw .invalidRequest("conversation is required", operation: .saveConversation) }
    }
}

/// What the service answers after saving a conversation.
public struct SavedConversation: Decodable, Hashable, Sendable {
    /// The thread's id.
    public var id: String
    /// Usually `thread`.
    public var object: String?
    /// When it was created.
    public var createdAt: Date?

    /// A result with the given values.
    public init(id: String, object: String? = "thread", createdAt: Date? = nil) {
        self.id = id
        self.object = object
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey { case id, object, createdAt }

    /// Decodes ids as numbers or strings and `createdAt` as Unix seconds or ISO 8601.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.requiredLenientString(.id)
        object = container.lenientString(.object)
        createdAt = container.lenientDate(.createdAt)
    }
}
