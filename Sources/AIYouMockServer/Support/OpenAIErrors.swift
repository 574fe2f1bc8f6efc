import Hummingbird

/// The error answers of the LLMaaS routes, in the OpenAI shape
/// `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
///
/// The `type` follows the status: 400, 404 and the other 4xx `invalid_request_error`, 401
/// `authentication_error`, 403 `permission_error`, 429 `rate_limit_error`, 503
/// `service_unavailable_error`, the other 5xx `server_error`, anything else `api_error`. The
/// default `code` is `invalid_api_key` for 401, `rate_limit_exceeded` for 429, else `null`.
enum OpenAIErrors {
    /// The `type` of an error answered with `status`.
    static func type(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 503: "service_unavailable_error"
        case 400..<500: "invalid_request_error"
        case 500..<600: "server_error"
        default: "api_error"
        }
    }

    /// The `code` of an error answered with `status` when the route gives none.
    static func defaultCode(for status: HTTPResponse.Status) -> String? {
        switch status.code {
        case 401: "invalid_api_key"
        case 429: "rate_limit_exceeded"
        default: nil
        }
    }

    /// The error body.
    ///
    /// - Parameters:
    ///   - status: The status it is answered with; gives the default `type` and `code`.
    ///   - message: The `message`.
    ///   - type: The `type`, when not the status's.
    ///   - param: The request field at fault, or `nil`.
    ///   - code: The `code`, when not the status's default.
    static func json(
        status: HTTPResponse.Status,
        message: String,
        type: String? = nil,
        param: String? = nil,
        code: String? = nil
    ) -> JSONValue {
        let codeValue: JSONValue = (code ?? Self.defaultCode(for: status)).map { .string($0) } ?? .null
        return [
            "error": [
                "message": .string(message),
                "type": .string(type ?? Self.type(for: status)),
                "param": param.map { .string($0) } ?? .null,
                "code": codeValue,
            ]
        ]
    }

    /// An error answer (`application/json`).
    static func response(
        _ status: HTTPResponse.Status,
        message: String,
        type: String? = nil,
        param: String? = nil,
        code: String? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        MockResponses.json(
            Self.json(status: status, message: message, type: type, param: param, code: code),
            status: status,
            headers: headers
        )
    }

    /// The 401 of a request without a valid API key.
    static func invalidAPIKey() -> Response {
        Self.response(.unauthorized, message: "Invalid API key", headers: [.wwwAuthenticate: "Bearer"])
    }
}
