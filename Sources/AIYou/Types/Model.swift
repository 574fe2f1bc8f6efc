/// A model in the catalogue.
public struct Model: Codable, Hashable, Sendable, Identifiable {
    /// The model's name (pass it as ``ChatCompletionRequest/model``).
    public var name: String
    /// Who serves it, when known.
    public var provider: String?
    /// Context window in tokens; the service sends it as a number or a string.
    public var contextWindow: Int?
    /// A description, when sent.
    public var description: String?

    /// The name.
    public var id: String { name }

    /// A model with the given values.
    public init(name: String, provider: String? = nil, contextWindow: Int? = nil, description: String? = nil) {
        self.name = name
        self.provider = provider
        self.contextWindow = contextWindow
        self.description = description
    }

    private enum CodingKeys: String, CodingKey {
        case name, id, provider
        case contextWindow = "context_window"
        case description
    }

    /// Decodes a model; the name may be sent as `name` or `id`, the context window as a number or a string.
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
    }

    /// Encodes the set fields (`name`, and `provider`, `context_window`, `description` when set).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeNonEmpty(provider, forKey: .provider)
        try container.encodeIfPresent(contextWindow, forKey: .contextWindow)
        try container.encodeNonEmpty(description, forKey: .description)
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
        if name.allSatisfy(\.isWhitespace) { throw .invalidRequest("create model: name must not be empty") }
        if let contextWindow, contextWindow < 1 {
            throw .invalidRequest("create model: contextWindow must be at least 1 (got \(contextWindow))")
        }
    }
}
