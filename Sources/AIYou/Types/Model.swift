import Foundation

/// A model in the catalogue.
///
/// AI.YOU describes a model by its name, provider, context window and description; LLMaaS (an
/// OpenAI list) by its id, aliases, maximum context length, owner, technical root name and
/// creation date. Fields a service does not send are `nil`.
public struct Model: Codable, Hashable, Sendable, Identifiable {
    /// The model's name (pass it as ``ChatCompletionRequest/model``); on LLMaaS the `id`.
    public var name: String
    /// Who serves it, when known.
    public var provider: String?
    /// Context window in tokens; the service sends it as a number or a string.
    public var contextWindow: Int?
    /// A description, when sent.
    public var description: String?
    /// Other names a request may use for this model (LLMaaS `aliases`), when sent.
    public var aliases: [String]?
    /// The longest context the model is served with, in tokens (LLMaaS `max_model_len`), when sent.
    public var maxModelLength: Int?
    /// Who owns the model (LLMaaS `owned_by`, e.g. `CloudTemple`), when sent.
    public var ownedBy: String?
    /// The model's technical name behind its id and aliases (LLMaaS `root`), when sent.
    public var root: String?
    /// When the model was added (LLMaaS `created`, Unix seconds), when sent.
    public var created: Date?

    /// The name.
    public var id: String { name }

    /// A model with the given values.
    public init(
        name: String,
        provider: String? = nil,
        contextWindow: Int? = nil,
        description: String? = nil,
        aliases: [String]? = nil,
        maxModelLength: Int? = nil,
        ownedBy: String? = nil,
        root: String? = nil,
        created: Date? = nil
    ) {
        self.name = name
        self.provider = provider
        self.contextWindow = contextWindow
        self.description = description
        self.aliases = aliases
        self.maxModelLength = maxModelLength
        self.ownedBy = ownedBy
        self.root = root
        self.created = created
    }

    private enum CodingKeys: String, CodingKey {
        case name, id, provider
        case contextWindow = "context_window"
        case description, aliases
        case maxModelLength = "max_model_len"
        case ownedBy = "owned_by"
        case root, created
    }

    /// Decodes a model; the name may be sent as `name` or `id`, the context window as a number or
    /// a string. The LLMaaS fields are read leniently: `aliases` keeps the elements that are
    /// strings, `max_model_len` is a number or numeric text, `created` Unix seconds or ISO 8601.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let name = container.lenientString(.name) ?? container.lenientString(.id) else {
            throw DecodingError.keyNotFound(
                CodingKeys.name,
                .init(codingPath: container.codingPath, debugDescription: "a model needs a name")
            )
        }
        self.name = name
        provider = container.lenientString(.provider)
        contextWindow = container.lenientInt(.contextWindow)
        description = container.lenientString(.description)
        aliases = (try? container.decodeNil(forKey: .aliases)) == false ? container.lenientArray(.aliases, of: String.self) : nil
        maxModelLength = container.lenientInt(.maxModelLength)
        ownedBy = container.lenientString(.ownedBy)
        root = container.lenientString(.root)
        created = container.lenientDate(.created)
    }

    /// Encodes the set fields (`name`, and `provider`, `context_window`, `description` when set;
    /// `aliases`, `max_model_len`, `owned_by`, `root` and `created` (Unix seconds) when set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeNonEmpty(provider, forKey: .provider)
        try container.encodeIfPresent(contextWindow, forKey: .contextWindow)
        try container.encodeNonEmpty(description, forKey: .description)
        try container.encodeIfPresent(aliases, forKey: .aliases)
        try container.encodeIfPresent(maxModelLength, forKey: .maxModelLength)
        try container.encodeNonEmpty(ownedBy, forKey: .ownedBy)
        try container.encodeNonEmpty(root, forKey: .root)
        if let created {
            // Dates are kept within the years 1…9999: the whole seconds fit an Int64.
            try container.encode(Int64(WireValue.clamped(created).timeIntervalSince1970.rounded(.down)), forKey: .created)
        }
    }
}

/// The model catalogue.
public struct ModelList: Hashable, Sendable {
    /// Every model, providers flattened in order.
    public var models: [Model]
    /// The total the service reported (or the count of ``models``).
    public var total: Int

    /// A list with the given models.
    public init(models: [Model], total: Int? = nil) {
        self.models = models
        self.total = total ?? models.count
    }
}

extension ModelList: Decodable {
    private struct Provider: Decodable {
        var name: String?
        var models: [Model]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            guard container.contains(AnyCodingKey("models")) else {
                throw DecodingError.keyNotFound(AnyCodingKey("models"), .init(codingPath: [], debugDescription: "not a provider"))
            }
            name = container.lenientString(AnyCodingKey("provider")) ?? container.lenientString(AnyCodingKey("name"))
            models = container.lenientArray(AnyCodingKey("models"))
        }
    }

    /// Accepts `{"models": [...], "total": n}`, an array of providers `[{"models": [...]}]`, a plain
    /// array of models, or a Hydra collection of models.
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var models: [Model] = []
            while !array.isAtEnd {
                if let provider = try? array.decode(Provider.self) {
                    models += provider.models.map { model in
                        var model = model
                        if model.provider == nil { model.provider = provider.name }
                        return model
                    }
                } else if let model = try? array.decode(Model.self) {
                    models.append(model)
                } else if (try? array.decode(SkippedJSONValue.self)) == nil {
                    break
                }
            }
            self.init(models: models)
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if container.contains(AnyCodingKey("models")) {
            let models: [Model] = container.lenientArray(AnyCodingKey("models"))
            self.init(models: models, total: container.lenientInt(AnyCodingKey("total")))
        } else {
            let collection = try CollectionResponse<Model>(from: decoder)
            self.init(models: collection.items, total: collection.totalItems)
        }
    }
}

/// A request to add a model to the catalogue (`POST /api/v1/models`).
public struct CreateModelRequest: Encodable, Hashable, Sendable {
    /// The new model's name (required).
    public var name: String
    /// Who serves it.
    public var provider: String?
    /// Context window in tokens.
    public var contextWindow: Int?
    /// A description.
    public var description: String?

    /// A request for a model named `name`.
    public init(name: String, provider: String? = nil, contextWindow: Int? = nil, description: String? = nil) {
        self.name = name
        self.provider = provider
        self.contextWindow = contextWindow
        self.description = description
    }

    /// Encodes like ``Model``.
    public func encode(to encoder: any Encoder) throws {
        try Model(name: name, provider: provider, contextWindow: contextWindow, description: description).encode(to: encoder)
    }

    func validate() throws(AIYouError) {
        if name.allSatisfy(\.isWhitespace) { throw .invalidRequest("name must not be empty", operation: .createModel) }
        if let contextWindow, contextWindow < 1 {
            throw .invalidRequest("contextWindow must be at least 1 (got \(contextWindow))", operation: .createModel)
        }
    }
}
