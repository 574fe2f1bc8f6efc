/// The embedding vectors of a list of texts, as ``AIYouClient/embeddings(model:input:batchSize:maxConcurrentRequests:options:)``
/// returns them: one vector per input, in the order of the inputs, all of the same length.
///
/// It also decodes one answer of LLMaaS's `POST /v1/embeddings` (the OpenAI shape
/// `{"data": [{"index": 0, "embedding": [...]}, ...], "model": ..., "usage": {...}}`): the items are
/// put in `index` order, whatever order the service sent them in. An `embedding` is an array of
/// numbers, or (`encoding_format: "base64"`) a base64 string of little-endian `float32` values.
/// Decoding fails when the indexes are not each of `0..<count` exactly once, when the vectors
/// differ in length or one is empty, when a number is not a JSON number within `Float`'s range,
/// or when a base64 vector is not valid base64, not a whole number of 4-byte floats, or holds NaN
/// or an infinity.
public struct EmbeddingResult: Hashable, Sendable {
    /// Tokens the service counted for the inputs.
    public struct Usage: Hashable, Sendable {
        /// Tokens in the inputs.
        public var promptTokens: Int
        /// All tokens billed (for embeddings, the same as ``promptTokens`` as a rule).
        public var totalTokens: Int

        /// Usage with the given counts.
        public init(promptTokens: Int, totalTokens: Int) {
            self.promptTokens = promptTokens
            self.totalTokens = totalTokens
        }

        /// Counts as the wire gives them: a missing count is 0 (a missing total is the prompt's
        /// count), a negative one is 0.
        init(wirePrompt: Int?, wireTotal: Int?) {
            let prompt = max(0, wirePrompt ?? 0)
            self.init(promptTokens: prompt, totalTokens: max(0, wireTotal ?? prompt))
        }

        /// Both counts added, saturating at `Int.max`.
        func adding(_ other: Usage) -> Usage {
            Usage(
                promptTokens: WireValue.sum(promptTokens, other.promptTokens),
                totalTokens: WireValue.sum(totalTokens, other.totalTokens)
            )
        }
    }

    /// One vector per input, in input order.
    public var vectors: [[Float]]
    /// The model that computed them, as the service names it (the first batch's, when the
    /// inputs were sent in several requests).
    public var model: String?
    /// The tokens counted, summed over all the requests (saturating at `Int.max`); zero when the
    /// service does not say.
    public var usage: Usage

    /// The length of each vector (0 when there is none).
    public var dimensions: Int { vectors.first?.count ?? 0 }

    /// A result with the given values.
    public init(vectors: [[Float]], model: String? = nil, usage: Usage = Usage(promptTokens: 0, totalTokens: 0)) {
        self.vectors = vectors
        self.model = model
        self.usage = usage
    }
}

extension EmbeddingResult: Decodable {
    private enum CodingKeys: String, CodingKey {
        case data, model, usage
    }

    private struct Item: Decodable {
        var index: Int
        var embedding: [Float]

        private enum CodingKeys: String, CodingKey {
            case index, embedding
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decode(Int.self, forKey: .index)
            if let text = try? container.decode(String.self, forKey: .embedding) {
                do {
                    embedding = try Base64.floats(text)
                } catch {
                    throw DecodingError.dataCorrupted(
                        .init(codingPath: container.codingPath + [CodingKeys.embedding], debugDescription: error.description)
                    )
                }
            } else {
                embedding = try container.decode([Float].self, forKey: .embedding)
            }
        }
    }

    private struct WireUsage: Decodable {
        var usage: Usage

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            usage = Usage(
                wirePrompt: container.lenientInt(AnyCodingKey("prompt_tokens")),
                wireTotal: container.lenientInt(AnyCodingKey("total_tokens"))
            )
        }
    }

    /// Decodes one embeddings answer: `data` is required, each item's `index` (an integer) and
    /// `embedding` (an array of numbers) too; `model` is read leniently (a number becomes text), and
    /// `usage` when it is an object. Throws `DecodingError` for missing or mistyped fields,
    /// numbers outside `Float`'s range, indexes that are not each of `0..<count` exactly once,
    /// and vectors that are empty or differ in length.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let items = try container.decode([Item].self, forKey: .data)
        let usage = (try? container.decodeIfPresent(WireUsage.self, forKey: .usage))?.usage
        do {
            self = try Self.assemble(
                items.lazy.map { ($0.index, $0.embedding) },
                count: items.count,
                model: container.lenientString(.model),
                usage: usage ?? Usage(wirePrompt: nil, wireTotal: nil)
            )
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.data], debugDescription: error.description))
        }
    }

    /// Why an answer's items do not make a result.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The result of `count` items `(index, vector)`: the vectors in index order. Both decoders
    /// (``EmbeddingsDecoder`` and `init(from:)`) end here, so they accept and refuse the same answers.
    static func assemble(
        _ items: some Sequence<(Int, [Float])>,
        count: Int,
        model: String?,
        usage: Usage
    ) throws(Problem) -> EmbeddingResult {
        var slots = [[Float]?](repeating: nil, count: count)
        var dimensions: Int?
        for (index, vector) in items {
            guard index >= 0, index < count else {
                throw Problem(description: "item index \(index) is outside 0..<\(count)")
            }
            guard slots[index] == nil else { throw Problem(description: "item index \(index) appears twice") }
            guard !vector.isEmpty else { throw Problem(description: "the embedding of item \(index) is empty") }
            if let dimensions, vector.count != dimensions {
                throw Problem(
                    description: "the embedding of item \(index) has \(vector.count) numbers where another has \(dimensions)"
                )
            }
            dimensions = vector.count
            slots[index] = vector
        }
        // Every index of 0..<count was seen once: no slot is empty.
        return EmbeddingResult(vectors: slots.map { $0 ?? [] }, model: model, usage: usage)
    }
}

/// The body of `POST /v1/embeddings`: `{"model": …, "input": "…"}` or `{"model": …, "input": ["…", …]}`,
/// with `"encoding_format": "base64"` when `base64`.
struct EmbeddingsRequestBody: JSONBody {
    enum Input: Sendable {
        case one(String)
        case many(ArraySlice<String>)
    }

    var model: String
    var input: Input
    var base64 = false

    static let modeledFields = ["model", "input", "encoding_format"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("model", model)
        switch input {
        case .one(let text):
            writer.field("input", text)
        case .many(let texts):
            writer.beginArray(key: "input")
            for text in texts { writer.element(text) }
            writer.endArray()
        }
        if base64 { writer.field("encoding_format", "base64") }
        writer.endObject()
    }
}
