/// A recent thread shown with an assistant.
public struct ThreadHistory: Decodable, Hashable, Sendable {
    /// The thread's id.
    public var threadID: String
    /// The message that opened it.
    public var firstMessage: String?

    /// A history entry with the given values.
    public init(threadID: String, firstMessage: String?) {
        self.threadID = threadID
        self.firstMessage = firstMessage
    }

    private enum CodingKeys: String, CodingKey {
        case threadID = "threadId"
        case firstMessage
    }

    /// Decodes ids given as numbers or strings.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        threadID = try container.requiredLenientString(.threadID)
        firstMessage = container.lenientString(.firstMessage)
    }
}

/// An assistant the user can chat with (`GET /api/v1/user/assistants`).
public struct Assistant: Decodable, Hashable, Sendable, Identifiable {
    /// The assistant's id in AI.YOU (pass it as ``ChatCompletionRequest/assistantID``).
    public var id: String
    /// The provider-side assistant id (`asst_…`), when sent.
    public var assistantID: String?
    /// Display name.
    public var name: String?
    /// Image URL.
    public var image: String?
    /// Model name.
    public var model: String?
    /// Model family, when sent (`modelAi`).
    public var modelAI: String?
    /// The assistant's instructions.
    public var instructions: String?
    /// Up to 10 recent threads.
    public var threadHistories: [ThreadHistory]

    /// An assistant with the given values.
    public init(
        id: String,
        assistantID: String? = nil,
        name: String? = nil,
        image: String? = nil,
        model: String? = nil,
        modelAI: String? = nil,
        instructions: String? = nil,
        threadHistories: [ThreadHistory] = []
    ) {
        self.id = id
        self.assistantID = assistantID
        self.name = name
        self.image = image
        self.model = model
        self.modelAI = modelAI
        self.instructions = instructions
        self.threadHistories = threadHistories
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case assistantID = "assistantId"
        case name, image, model
        case modelAI = "modelAi"
        case instructions, threadHistories
    }

    /// Decodes ids given as numbers or strings; missing lists are empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.requiredLenientString(.id)
        assistantID = container.lenientString(.assistantID)
        name = container.lenientString(.name)
        image = container.lenientString(.image)
        model = container.lenientString(.model)
        modelAI = container.lenientString(.modelAI)
        instructions = container.lenientString(.instructions)
        threadHistories = container.lenientArray(.threadHistories)
    }
}

/// A list of items sent either as a plain JSON array or as a JSON-LD/Hydra collection
/// (`{"hydra:member": [...], "hydra:totalItems": n}`; also `member`/`totalItems`).
struct CollectionResponse<Element: Decodable & Sendable>: Decodable, Sendable {
    var items: [Element]
    var totalItems: Int?

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            items = array.decodeSkippingFailures(Element.self)
            totalItems = items.count
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in ["hydra:member", "member", "items", "data"] where container.contains(AnyCodingKey(key)) {
            items = container.lenientArray(AnyCodingKey(key))
            totalItems = container.lenientInt(AnyCodingKey("hydra:totalItems")) ?? container.lenientInt(AnyCodingKey("totalItems"))
            return
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "expected an array or a Hydra collection"))
    }
}
