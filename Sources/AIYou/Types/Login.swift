import Foundation

/// `POST /api/login` body.
struct LoginRequest: Encodable, Sendable {
    var email: String
    var password: String
}

/// `POST /api/login` answer: the token and when it expires (`nil` when the service did not say).
struct LoginResponse: Decodable, Sendable {
    var token: String
    var expiresAt: Date?

    private enum CodingKeys: String, CodingKey {
        case token
        case expiresAt = "expires_at"
        case user
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token = try container.decode(String.self, forKey: .token)
        expiresAt = container.lenientDate(.expiresAt)
    }
}

/// An error body: `{"message": …, "type": …, "code": …}`, optionally with `"object": "error"`, or
/// nested as `{"error": {…}}`; also Symfony/API Platform's `detail`/`hydra:description`.
struct ErrorBody: Decodable, Sendable {
    var message: String?
    var type: String?
    var code: String?
    /// `param` of an OpenAI-style error: the request field the service blamed.
    var param: String?
    var isErrorObject: Bool
    /// ``message`` as a person should read it: a printed Python dict unwrapped to its inner
    /// message, a traceback reduced to its last line, on one line (``ProxyErrorText``); `nil`
    /// when there is none or nothing is left.
    var readableMessage: String?
    /// `true` for `{"error": {…}}` (also under FastAPI's `detail`): its `code` is a word such as
    /// `model_not_found`, not the HTTP status AI.YOU repeats in its own error bodies.
    var isOpenAIShape: Bool

    init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: AnyCodingKey.self)
        let error = AnyCodingKey("error")
        let detail = AnyCodingKey("detail")
        let nested =
            (try? outer.nestedContainer(keyedBy: AnyCodingKey.self, forKey: error))
            ?? (try? outer.nestedContainer(keyedBy: AnyCodingKey.self, forKey: detail))
            .flatMap { try? $0.nestedContainer(keyedBy: AnyCodingKey.self, forKey: error) }
        let container = nested ?? outer
        isOpenAIShape = nested != nil
        message =
            container.lenientString(AnyCodingKey("message")) ?? container.lenientString(detail)
            ?? container.lenientString(AnyCodingKey("hydra:description")) ?? outer.lenientString(error)
        type = container.lenientString(AnyCodingKey("type"))
        code = container.lenientString(AnyCodingKey("code"))
        param = container.lenientString(AnyCodingKey("param"))
        isErrorObject = outer.lenientString(AnyCodingKey("object")) == "error" || outer.contains(error) || nested != nil
        readableMessage = message.map(ProxyErrorText.clarify).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// ``type`` unless it is a placeholder (`"None"`, `null`, …).
    var meaningfulType: String? { ProxyErrorText.meaningful(type) }

    /// ``code`` when it is a word (`model_not_found`), not a placeholder or an HTTP status
    /// repeated (`"400"`, `404`).
    var wordCode: String? {
        ProxyErrorText.meaningful(code).flatMap { ProxyErrorText.isNumeric($0) ? nil : $0 }
    }

    /// Whether the body says that the requested model does not exist: code `model_not_found`,
    /// or the words of an unknown model in the readable message (not in the lines of a
    /// traceback above its last, where "model" and "not found" may both appear by chance).
    var saysUnknownModel: Bool {
        code == "model_not_found" || readableMessage.map(ProxyErrorText.saysUnknownModel) == true
    }
}
