import Hummingbird

/// LLMaaS `POST /v1/embeddings`: one deterministic unit vector per input text
/// (``MockEmbeddings``), the `data` items in input (`index`) order, or in reverse order under
/// ``MockFault/reversedEmbeddings``. `encoding_format` `float` (the default) writes each vector
/// as an array of numbers, `base64` as the base64 text of its little-endian `float32` bytes;
/// anything else is 400 with `param` `encoding_format`.
///
/// With absurd numbers, `prompt_tokens` and `total_tokens` are `9223372036854775807` and the
/// first item written has `index` `9223372036854775807`. With ``MockFault/invalidBase64`` every
/// `embedding` is the string `not*base64!`.
struct LLMaaSEmbeddingRoutes: Sendable {
    /// The most inputs one request may carry.
    static let maxInputs = 128

    let state: MockServerState

    func embed(_ input: RouteRequest) -> Response {
        do {
            let body = try Self.answer(
                input.json,
                absurdNumbers: input.absurdNumbers,
                reversed: input.reversedEmbeddings,
                invalidBase64: input.invalidBase64
            )
            return LLMaaSResponses.json(bytes: body, quota: self.state.llmaasQuota)
        } catch {
            return error.response
        }
    }

    /// The body of the answer to `body` (the route's and a batch line's), the faults applied.
    ///
    /// - Throws: The refusal of a body that is not a valid embeddings request.
    static func answer(
        _ body: JSONValue?,
        absurdNumbers: Bool,
        reversed: Bool = false,
        invalidBase64: Bool = false
    ) throws(LLMaaSRequestError) -> ByteBuffer {
        let body = try LLMaaSFields.object(body)
        let (model, dimensions) = try LLMaaSFields.model(in: body, purpose: "embeddings") { kind -> Int? in
            if case .embedding(let dimensions) = kind { dimensions } else { nil }
        }
        let texts = try Self.inputs(body["input"])
        let base64: Bool
        switch body["encoding_format"] {
        case nil, .null?, .string("float")?: base64 = false
        case .string("base64")?: base64 = true
        default: throw .invalid("'encoding_format' must be float or base64.", param: "encoding_format")
        }

        let promptTokens = texts.reduce(0) { $0 + max(1, LLMaaSFields.wordCount($1)) }
        var buffer = ByteBuffer()
        // About 11 bytes per written component.
        buffer.reserveCapacity(texts.count * (dimensions * 11 + 64) + 128)
        buffer.writeStaticString(#"{"object":"list","model":"#)
        buffer.writeString(JSONValue.string(model).serialized)
        buffer.writeStaticString(#","data":["#)
        let order = reversed ? Array(texts.indices.reversed()) : Array(texts.indices)
        for (position, index) in order.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString(#"{"object":"embedding","index":"#)
            let absurdIndex = absurdNumbers && position == 0
            buffer.writeString(String(absurdIndex ? Int.max : index))
            buffer.writeStaticString(#","embedding":"#)
            let vector = MockEmbeddings.vector(for: texts[index], dimensions: dimensions)
            if invalidBase64 {
                buffer.writeStaticString(#""not*base64!""#)
            } else if base64 {
                MockEmbeddings.writeBase64(vector, into: &buffer)
            } else {
                MockEmbeddings.write(vector, into: &buffer)
            }
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
