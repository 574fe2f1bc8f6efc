/// The documents of a rerank call ordered by relevance to the query, as
/// ``AIYouClient/rerank(model:query:documents:topN:returnDocuments:version:options:)`` returns them.
///
/// It decodes LLMaaS's Cohere-compatible answer:
/// `{"id": …, "results": [{"index": 0, "relevance_score": 0.94, "document": {"text": …}}, …],
/// "usage": {"billed_units": {"search_units": 3}}}` (or the billed units under `meta`).
public struct RerankResult: Hashable, Sendable {
    /// One reranked document.
    public struct Item: Hashable, Sendable {
        /// The document's position in the `documents` sent.
        public var index: Int
        /// How relevant the document is to the query (as a rule 0…1; higher is more relevant).
        /// Always a finite number.
        public var relevanceScore: Double
        /// The document's text, when the service returned it (`return_documents`).
        public var document: String?

        /// An item with the given values.
        public init(index: Int, relevanceScore: Double, document: String? = nil) {
            self.index = index
            self.relevanceScore = relevanceScore
            self.document = document
        }
    }

    /// The service's id of the call, when sent.
    public var id: String?
    /// The documents, most relevant first, in the order the service sent them (at most `topN`).
    public var results: [Item]
    /// Search units billed (`billed_units.search_units` under `usage` or `meta`), when sent.
    public var searchUnits: Int?

    /// A result with the given values.
    public init(id: String? = nil, results: [Item], searchUnits: Int? = nil) {
        self.id = id
        self.results = results
        self.searchUnits = searchUnits
    }
}

extension RerankResult.Item: Decodable {
    private enum CodingKeys: String, CodingKey {
        case index, document, text
        case relevanceScore = "relevance_score"
    }

    /// Decodes `{"index": n, "relevance_score": x, "document": {"text": …} | "…" | null}`; the
    /// index and the score are required (an integer, and a finite number or numeric text).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decode(Int.self, forKey: .index)
        guard let score = container.lenientDouble(.relevanceScore), score.isFinite else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [CodingKeys.relevanceScore], debugDescription: "relevance_score must be a finite number")
            )
        }
        relevanceScore = score
        if let nested = try? container.nestedContainer(keyedBy: CodingKeys.self, forKey: .document) {
            document = nested.lenientString(.text)
        } else {
            document = container.lenientString(.document)
        }
    }
}

extension RerankResult: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id, results, usage, meta
        case billedUnits = "billed_units"
        case searchUnits = "search_units"
    }

    /// Decodes the Cohere-style answer; `results` is required, `id` and the billed search units
    /// are read when present.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = container.lenientString(.id)
        results = try container.decode([Item].self, forKey: .results)
        searchUnits = nil
        for key in [CodingKeys.usage, .meta] {
            guard let outer = try? container.nestedContainer(keyedBy: CodingKeys.self, forKey: key),
                let billed = try? outer.nestedContainer(keyedBy: CodingKeys.self, forKey: .billedUnits),
                let units = billed.lenientInt(.searchUnits)
            else { continue }
            searchUnits = units
            break
        }
    }

    /// Throws ``AIYouError/Code/decoding`` when an item's index is not the position of one of
    /// the `documentCount` documents sent, or appears twice.
    func checked(documentCount: Int, operation: AIYouOperation) throws(AIYouError) -> RerankResult {
        var seen = Set<Int>()
        for item in results {
            guard item.index >= 0, item.index < documentCount else {
                throw AIYouError(
                    .decoding,
                    "a result has index \(item.index), outside the \(documentCount) documents sent",
                    operation: operation
                )
            }
            guard seen.insert(item.index).inserted else {
                throw AIYouError(.decoding, "the index \(item.index) appears twice in the results", operation: operation)
            }
        }
        return self
    }
}

/// The body of `POST /v1/rerank`.
struct RerankRequestBody: JSONBody {
    var model: String
    var query: String
    var documents: [String]
    var topN: Int?
    var returnDocuments: Bool?

    static let modeledFields = ["model", "query", "documents", "top_n", "return_documents"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("model", model)
        writer.field("query", query)
        writer.beginArray(key: "documents")
        for document in documents { writer.element(document) }
        writer.endArray()
        writer.field("top_n", topN)
        writer.field("return_documents", returnDocuments)
        writer.endObject()
    }
}
