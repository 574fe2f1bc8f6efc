/// The relevance scores of the LLMaaS rerank routes.
///
/// The score of a document is the share of the query's words that it contains:
/// |words(query) ∩ words(document)| / |words(query)|, words being the lowercased runs of
/// letters and digits, as sets. A query without words scores 0 against every document.
enum RerankScoring {
    /// The score of `document` for `query`, from 0 to 1.
    static func score(query: String, document: String) -> Double {
        Self.score(queryWords: Self.words(query), document: document)
    }

    /// The score of `document` for a query whose ``words(_:)`` are `queryWords`.
    static func score(queryWords: Set<String>, document: String) -> Double {
        guard !queryWords.isEmpty else { return 0 }
        return Double(queryWords.intersection(Self.words(document)).count) / Double(queryWords.count)
    }

    /// The set of lowercased words of `text`, split on everything but letters and digits.
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init))
    }
}
