import Hummingbird

/// A header field name (`HTTPField.Name`, reached through the `HTTPFields` that Hummingbird exports).
typealias HTTPFieldName = HTTPFields.Element.Name

/// Builders for the answers every route shares: JSON bodies and JSON error objects.
enum MockResponses {
    /// `application/json`.
    static let jsonContentType = "application/json"

    /// A JSON answer.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        if fields[.contentType] == nil {
            fields[.contentType] = Self.jsonContentType
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.serialized)))
    }

    /// A JSON error object `{"message": …, "code": …}`, optionally with `type` and
    /// `"object": "error"` as the chat endpoint sends them.
    static func error(
        _ status: HTTPResponse.Status,
        message: String,
        type: String? = nil,
        errorObject: Bool = false,
        headers: HTTPFields = [:]
    ) -> Response {
        var members: [(key: String, value: JSONValue)] = []
        if errorObject { members.append((key: "object", value: "error")) }
        members.append((key: "message", value: .string(message)))
        if let type { members.append((key: "type", value: .string(type))) }
        members.append((key: "code", value: .int(status.code)))
        return Self.json(.object(members), status: status, headers: headers)
    }

    /// A 400 answer for a request the server refuses to process.
    static func badRequest(_ message: String) -> Response {
        Self.error(.badRequest, message: message, type: "BadRequestError")
    }

    /// A final status for an arbitrary code; codes outside 200…999 (informational ones
    /// included, which cannot end an exchange) become 500.
    static func status(code: Int) -> HTTPResponse.Status {
        (200...999).contains(code) ? HTTPResponse.Status(code: code) : .internalServerError
    }

    /// A final status that can carry a body: like ``status(code:)``, with 204 and 304 also
    /// answered as 500.
    static func statusWithBody(code: Int) -> HTTPResponse.Status {
        let status = Self.status(code: code)
        return Self.forbidsBody(status) ? .internalServerError : status
    }

    /// Whether a status forbids a response body (204, 304).
    static func forbidsBody(_ status: HTTPResponse.Status) -> Bool {
        status.code == 204 || status.code == 304
    }
}
