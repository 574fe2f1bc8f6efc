import Hummingbird

/// The successful answers of the LLMaaS routes, each with the headers of ``LLMaaSQuota``.
enum LLMaaSResponses {
    /// A 200 `application/json` answer.
    static func json(_ value: JSONValue, quota: LLMaaSQuota) -> Response {
        Self.json(bytes: ByteBuffer(string: value.serialized), quota: quota)
    }

    /// A 200 `application/json` answer whose body is already written.
    static func json(bytes: ByteBuffer, quota: LLMaaSQuota) -> Response {
        var headers = quota.nextHeaders()
        headers[.contentType] = MockResponses.jsonContentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    /// A 200 `application/json` answer whose body is written as it goes (chunked).
    static func json(quota: LLMaaSQuota, body: ResponseBody) -> Response {
        var headers = quota.nextHeaders()
        headers[.contentType] = MockResponses.jsonContentType
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A 200 `text/event-stream` answer.
    static func eventStream(quota: LLMaaSQuota, body: ResponseBody) -> Response {
        var headers = quota.nextHeaders()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: body)
    }
}
