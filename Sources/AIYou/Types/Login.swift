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
    var isErrorObject: Bool

    init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: AnyCodingKey.self)
        let container =
            (try? outer.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey("error"))) ?? outer
        message =
            container.lenientString(AnyCodingKey("message")) ?? container.lenientString(AnyCodingKey("detail"))
            ?? container.lenientString(AnyCodingKey("hydra:description")) ?? outer.lenientString(AnyCodingKey("error"))
        type = container.lenientString(AnyCodingKey("type"))
        code = container.lenientString(AnyCodingKey("code"))
        isErrorObject = outer.lenientString(AnyCodingKey("object")) == "error" || outer.contains(AnyCodingKey("error"))
    }
}
