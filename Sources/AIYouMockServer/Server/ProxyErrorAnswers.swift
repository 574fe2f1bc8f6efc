import Foundation
import Hummingbird
import NIOFoundationCompat

/// The answers of ``MockFault/proxyError(_:)``: the error bodies ``MockProxyError`` describes.
enum ProxyErrorAnswers {
    /// The answer for `kind` to a request carrying `secrets`, whose collected body is `body`.
    static func response(_ kind: MockProxyError, secrets: RequestSecrets, body: ByteBuffer) -> Response {
        let token = secrets.bearerTokens.first ?? "none"
        let model =
            body.readableBytes > 0
            ? (try? JSONDecoder().decode(JSONValue.self, from: body))?["model"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil
        let (status, json) = Self.body(kind, token: token, model: model ?? "unknown")
        return MockResponses.json(json, status: status)
    }

    /// The status and body of `kind`.
    static func body(_ kind: MockProxyError, token: String, model: String) -> (HTTPResponse.Status, JSONValue) {
        switch kind {
        case .stringCode:
            return (
                .badRequest,
                error("max_tokens must be at most 8192 (key \(token))", type: "invalid_request_error", param: "max_tokens", code: "400")
            )
        case .numericCode:
            return (
                .badRequest,
                error("max_tokens must be at most 8192 (key \(token))", type: "invalid_request_error", param: "max_tokens", code: 400)
            )
        case .typeNone:
            return (
                .internalServerError,
                error("Internal error while contacting the backend (key \(token))", type: "None", param: "None", code: "500")
            )
        case .typeNull:
            return (.unprocessableContent, error("Unprocessable request (key \(token))", type: nil, param: nil, code: 422))
        case .pythonDict:
            let inner =
                "{'error': {'message': \"temperature must be at most 2, got 7 for key '\(token)'\", 'type': 'BadRequestError', 'param': None, 'code': 400}}"
            return (
                .badRequest,
                error("litellm.BadRequestError: OpenAIException - Error code: 400 - " + inner, type: "None", param: "None", code: "400")
            )
        case .traceback:
            let lines = [
                "Traceback (most recent call last):",
                "  File \"/app/proxy.py\", line 88, in chat",
                "    response = await client.post(url, headers={'Authorization': 'Bearer \(token)'})",
                "  File \"/usr/lib/python3.12/site-packages/httpx/_client.py\", line 1661, in send",
                "    raise mapped_exc(message) from exc",
                "httpx.ConnectError: [Errno 111] Connection refused",
                "",
            ]
            return (.internalServerError, ["detail": .string(lines.joined(separator: "\n"))])
        case .modelNotFound:
            return (.notFound, error("model \"\(model)\" not found, try pulling it first", type: "api_error", param: nil, code: nil))
        case .modelDoesNotExist:
            return (
                .notFound,
                [
                    "object": "error", "message": .string("The model `\(model)` does not exist."), "type": "NotFoundError",
                    "param": nil, "code": 404,
                ]
            )
        case .invalidModel:
            return (.badRequest, error("Invalid model: \(model)", type: "invalid_request_error", param: "model", code: "400"))
        case .litellmInvalidModelName:
            let message =
                "{'error': '/chat/completions: Invalid model name passed in model=\(model). Call `/v1/models` to view available models for your key.'}"
            return (.badRequest, error(message, type: "None", param: "None", code: "400"))
        }
    }

    /// `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
    private static func error(_ message: String, type: String?, param: String?, code: JSONValue) -> JSONValue {
        [
            "error": [
                "message": .string(message),
                "type": type.map { .string($0) } ?? .null,
                "param": param.map { .string($0) } ?? .null,
                "code": code,
            ]
        ]
    }
}
