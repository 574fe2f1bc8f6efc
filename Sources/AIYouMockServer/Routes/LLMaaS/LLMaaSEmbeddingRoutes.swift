import Hummingbird

/// LLMaaS `POST /v1/embeddings`: one deterministic unit vector per input text
/// (``MockEmbeddings``), the `data` items written in reverse `index` order so that a client
/// has to sort them.
///
/// With absurd numbers, `prompt_tokens` and `total_tokens` are `9223372036854775807` and the
/// first item written has `index` `9223372036854775807`.
struct LLMaaSEmbeddingRoutes: Sendable {
    /// The most inputs one request may carry.
    static let maxInputs = 128

    let state: MockServerState

    func embed(_ input: RouteRequest) -> Response {
        do {
            return LLMaaSResponses.json(
                bytes: try Self.answer(input.json, absurdNumbers: input.absurdNumbers),
                quota: self.state.llmaasQuota
            )
        } catch {
            return error.response
        }
    }

    /// The body of the answer to `body` (the route's and a batch line's).
    ///
    /// - Throws: The refusal of a body that is not a valid embeddings request.
    static func answer(_ body: JSONValue?, absurdNumbers: Bool) throws(LLMaaSRequestError) -> ByteBuffer {
        let body = try LLMaaSFields.object(body)
        let (model, dimensions) = try LLMaaSFields.model(in: body, purpose: "embeddings") { kind -> Int? in
            if case .embedding(let dimensions) = kind { dimensions } else { nil }
        }
        let texts = try Self.inputs(body["input"])

        let promptTokens = texts.reduce(0) { $0 + max(1, LLMaaSFields.wordCount($1)) }
        var buffer = ByteBuffer()
        // About 11 bytes per written component.
        buffer.reserveCapacity(texts.count * (dimensions * 11 + 64) + 128)
        buffer.writeStaticString(#"{"object":"list","model":"#)
        buffer.writeString(JSONValue.string(model).serialized)
        buffer.writeStaticString(#","data":["#)
        for index in texts.indices.reversed() {
            if index != texts.count - 1 { buffer.writeStaticString(",") }
            buffer.writeStaticString(#"{"object":"embedding","index":"#)
            let absurdIndex = absurdNumbers && index == texts.count - 1
            buffer.writeString(String(absurdIndex ? Int.max : index))
            buffer.writeStaticString(#","embedding":"#)
            MockEmbeddings.write(MockEmbeddings.vector(for: texts[index], dimensions: dimensions), into: &buffer)
            buffer.writeStaticString("}")
        }
        let tokens = String(absurdNumbers ? Int.max : promptTokens)
        buffer.writeString(#"],"usage":{"prompt_tokens":\#(tokens),"total_tokens":\#(tokens)}}"#)
        return buffer
    }

    /// The input texts: a non-empty string, or an array of 1 to ``maxInputs`` non-empty strings.
    private static func inputs(_ value: JSONValue?) throws(LLMaaSRequestError) -> [String] {
        switch value {
        case .string(let text)?:
            guard !text.isEmpty else { throw .invalid("'input' must not be empty.", param: "input") }
            return [text]
        case .array(let items)?:
            guard !items.isEmpty else { throw .invalid("'input' must not be empty.", param: "input") }
            guard items.count <= Self.maxInputs else {
                throw .invalid("at most \(Self.maxInputs) inputs per request", param: "input")
            }
            var texts: [String] = []
            texts.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw .invalid("input[\(index)] must be a string: token arrays are not supported.", param: "input")
                }
                guard !text.isEmpty else { throw .invalid("input[\(index)] must not be empty.", param: "input") }
                texts.append(text)
            }
            return texts
        case nil, .null?:
            throw .invalid("You must provide an input parameter.", param: "input")
        default:
            throw .invalid("'input' must be a string or an array of strings.", param: "input")
        }
    }
}
