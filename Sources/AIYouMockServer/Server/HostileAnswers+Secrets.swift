import Hummingbird

extension HostileAnswers {
    /// The longest `x-request-id` ``MockFault/echoSecretsEncoded(status:encoding:)`` sends.
    static let maxEchoedHeaderBytes = 4096

    /// The secrets of the request, encoded, in a JSON error (OpenAI-shaped on the LLMaaS
    /// routes) and, when it fits, the `x-request-id` header.
    static func echoSecretsEncoded(
        status code: Int,
        encoding: MockSecretEncoding,
        secrets: RequestSecrets,
        openAIShape: Bool
    ) -> Response {
        let status = MockResponses.statusWithBody(code: code)
        let encoded = SecretEncoder.encoded(secrets, as: encoding)
        // Already JSON string content: written between quotes as is.
        let message = "Credentials rejected: " + (encoded.isEmpty ? "none" : encoded.joined(separator: " "))
        let json: String
        if openAIShape {
            let code = OpenAIErrors.defaultCode(for: status).map { JSONValue.string($0).serialized } ?? "null"
            json = #"{"error":{"message":"\#(message)","type":"\#(OpenAIErrors.type(for: status))","param":null,"code":\#(code)}}"#
        } else {
            json = #"{"message":"\#(message)","code":\#(status.code)}"#
        }
        var headers: HTTPFields = [.contentType: MockResponses.jsonContentType]
        if message.utf8.count <= Self.maxEchoedHeaderBytes, message.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            headers[Self.requestID] = message
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// An error object whose message is the request's bearer token, `x` padding and the token
    /// again, `messageBytes` bytes in all; on a streamed request, the same object as the one
    /// event of a 200 event stream.
    static func errorObject(
        status code: Int,
        messageBytes: Int,
        authorization: String?,
        streamed: Bool,
        openAIShape: Bool,
        watch: ClientWatch
    ) -> Response {
        let status = MockResponses.statusWithBody(code: code)
        let token = authorization.map { RequestSecrets.bearerValue($0) ?? $0 } ?? "none"
        let tokenBytes = token.utf8.count
        let padding = max(0, messageBytes - 2 * tokenBytes)
        let escapedToken = HostileChatAnswers.escaped(token)
        var body = LazyBody()
        if streamed { body.append("data: ") }
        body.append(openAIShape ? #"{"error":{"message":""# : #"{"object":"error","message":""#)
        body.append(escapedToken)
        body.append("x", times: padding)
        body.append(escapedToken)
        body.append(
            openAIShape ? #"","type":"server_error","param":null,"code":null}}"# : #"","type":"server_error","code":\#(status.code)}"#
        )
        if streamed { body.append("\n\n") }
        let lazyBody = body
        let responseBody = ResponseBody { writer in
            try await lazyBody.write(to: &writer, watch: watch)
        }
        if streamed {
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: responseBody)
        }
        return Response(status: status, headers: [.contentType: MockResponses.jsonContentType], body: responseBody)
    }
}
