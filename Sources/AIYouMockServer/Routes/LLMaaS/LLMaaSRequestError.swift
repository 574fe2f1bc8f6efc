import Hummingbird

/// Why an LLMaaS request is refused before it is answered: a status and the fields of the
/// OpenAI error body.
struct LLMaaSRequestError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var param: String?
    var code: String?

    /// A 400 `invalid_request_error` about `param`.
    static func invalid(_ message: String, param: String?) -> LLMaaSRequestError {
        LLMaaSRequestError(status: .badRequest, message: message, param: param, code: nil)
    }

    /// The answer.
    var response: Response {
        OpenAIErrors.response(self.status, message: self.message, param: self.param, code: self.code)
    }
}

/// Reading the fields LLMaaS requests share, refusing wrong ones with an ``LLMaaSRequestError``.
enum LLMaaSFields {
    /// The body as a JSON object.
    static func object(_ body: JSONValue?) throws(LLMaaSRequestError) -> JSONValue {
        guard let body, body.objectMembers != nil else {
            throw .invalid("The request body must be a JSON object.", param: nil)
        }
        return body
    }

    /// The model named by `model`, as requested, and what `use` makes of its kind.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - purpose: What the route does, for the message of a refused model.
    ///   - use: What the route needs of a model of this kind, `nil` when the route cannot use it.
    /// - Throws: 400 (param `model`) when it is missing or not a string, 404 `model_not_found`
    ///   when no model has that id or alias, 400 `model_not_supported` when `use` refuses it.
    static func model<Use>(
        in body: JSONValue,
        purpose: String,
        use: (LLMaaSCatalog.Kind) -> Use?
    ) throws(LLMaaSRequestError) -> (requested: String, use: Use) {
        guard let name = body["model"]?.stringValue, !name.isEmpty else {
            throw .invalid("You must provide a model parameter.", param: "model")
        }
        guard let model = LLMaaSCatalog.model(named: name) else {
            throw LLMaaSRequestError(
                status: .notFound,
                message: "The model '\(name)' does not exist",
                param: "model",
                code: "model_not_found"
            )
        }
        guard let usable = use(model.kind) else {
            throw LLMaaSRequestError(
                status: .badRequest,
                message: "The model '\(name)' does not support \(purpose).",
                param: "model",
                code: "model_not_supported"
            )
        }
        return (name, usable)
    }

    /// An optional number within `range`; `null` counts as absent.
    static func number(_ key: String, in body: JSONValue, range: ClosedRange<Double>) throws(LLMaaSRequestError) -> Double? {
        let value: Double
        switch body[key] {
        case nil, .null?: return nil
        case .int(let int)?: value = Double(int)
        case .double(let double)?: value = double
        default: throw .invalid("'\(key)' must be a number.", param: key)
        }
        guard range.contains(value) else {
            throw .invalid("'\(key)' must be between \(Self.format(range.lowerBound)) and \(Self.format(range.upperBound)).", param: key)
        }
        return value
    }

    /// An optional integer of at least `minimum`; `null` counts as absent.
    static func integer(_ key: String, in body: JSONValue, minimum: Int) throws(LLMaaSRequestError) -> Int? {
        let value: Int
        switch body[key] {
        case nil, .null?: return nil
        case .int(let int)?: value = int
        case .double(let double)? where double.rounded() == double && abs(double) < 1e15: value = Int(double)
        default: throw .invalid("'\(key)' must be an integer.", param: key)
        }
        guard value >= minimum else { throw .invalid("'\(key)' must be at least \(minimum).", param: key) }
        return value
    }

    /// An optional Boolean; `null` counts as absent.
    static func bool(_ key: String, in body: JSONValue) throws(LLMaaSRequestError) -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let bool)?: return bool
        default: throw .invalid("'\(key)' must be a boolean.", param: key)
        }
    }

    /// The words of a text, split on whitespace.
    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    private static func format(_ bound: Double) -> String {
        bound.rounded() == bound ? String(Int(bound)) : String(bound)
    }
}
