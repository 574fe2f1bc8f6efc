import Hummingbird

/// LLMaaS `POST /v1/rerank` and `POST /v2/rerank` (Cohere-compatible).
///
/// Every document gets ``RerankScoring/score(query:document:)``; results are sorted by score
/// descending, then by index ascending, and cut to `top_n` (all by default). The id is
/// `rerank-` and 16 hex digits of the FNV-1a hash of the request (keys sorted).
///
/// - `/v1/rerank`: each result has `document: {"text": …}` unless `return_documents` is
///   `false`; billing is under `usage.billed_units.search_units` (the number of documents).
/// - `/v2/rerank`: `document` only when `return_documents` is `true`; billing under
///   `meta.billed_units`.
///
/// With absurd numbers the first result has `index` `9223372036854775807`, every
/// `relevance_score` is `1e300` and `search_units` is `9223372036854775807`.
struct LLMaaSRerankRoutes: Sendable {
    /// The most documents one request may carry.
    static let maxDocuments = 1000

    let state: MockServerState

    func rerankV1(_ input: RouteRequest) -> Response {
        self.rerank(input, version2: false)
    }

    func rerankV2(_ input: RouteRequest) -> Response {
        self.rerank(input, version2: true)
    }

    private func rerank(_ input: RouteRequest, version2: Bool) -> Response {
        let body: JSONValue
        let query: String
        let documents: [String]
        let topN: Int?
        let returnDocuments: Bool?
        do throws(LLMaaSRequestError) {
            body = try LLMaaSFields.object(input.json)
            _ = try LLMaaSFields.model(in: body, purpose: "reranking") { $0 == .rerank ? true : nil }
            guard let text = body["query"]?.stringValue, !text.isEmpty else {
                throw LLMaaSRequestError.invalid("'query' must be a non-empty string.", param: "query")
            }
            query = text
            documents = try Self.documents(body["documents"])
            topN = try LLMaaSFields.integer("top_n", in: body, minimum: 1)
            returnDocuments = try LLMaaSFields.bool("return_documents", in: body)
        } catch {
            return error.response
        }

        let queryWords = RerankScoring.words(query)
        let ranked = documents.indices
            .map { (index: $0, score: RerankScoring.score(queryWords: queryWords, document: documents[$0])) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
            .prefix(topN ?? documents.count)
        let includeDocuments = version2 ? returnDocuments == true : returnDocuments != false
        let absurd = input.absurdNumbers
        let results: [JSONValue] = ranked.enumerated().map { position, result in
            var members: [(key: String, value: JSONValue)] = [
                (key: "index", value: absurd && position == 0 ? AbsurdNumbers.largestInteger : .int(result.index)),
                (key: "relevance_score", value: absurd ? AbsurdNumbers.huge : .double(result.score)),
            ]
            if includeDocuments {
                members.append((key: "document", value: ["text": .string(documents[result.index])]))
            }
            return .object(members)
        }
        let billing: JSONValue = ["billed_units": ["search_units": absurd ? AbsurdNumbers.largestInteger : .int(documents.count)]]
        let answer: JSONValue = [
            "id": .string("rerank-" + FNV1a.hex(FNV1a.hash(body.serialized))),
            "results": .array(results),
            version2 ? "meta" : "usage": billing,
        ]
        return LLMaaSResponses.json(answer, quota: self.state.llmaasQuota)
    }

    /// The documents: an array of 1 to ``maxDocuments`` strings.
    private static func documents(_ value: JSONValue?) throws(LLMaaSRequestError) -> [String] {
        guard let items = value?.arrayValue, !items.isEmpty else {
            throw .invalid("'documents' must be a non-empty array of strings.", param: "documents")
        }
        guard items.count <= Self.maxDocuments else {
            throw .invalid("at most \(Self.maxDocuments) documents per request", param: "documents")
        }
        var documents: [String] = []
        documents.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else { throw .invalid("documents[\(index)] must be a string.", param: "documents") }
            documents.append(text)
        }
        return documents
    }
}
