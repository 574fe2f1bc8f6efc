/// The Cohere-compatible rerank route a call uses. LLMaaS serves both with the same request;
/// their answers differ (v2 leaves out each result's document unless `return_documents` is
/// `true`, and puts the billed units under `meta`), and both decode to a ``RerankResult``.
public enum RerankVersion: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/rerank` (Cohere API v1): each result carries its document unless
    /// `returnDocuments` is `false`.
    case v1
    /// `POST /v2/rerank` (Cohere API v2): results carry their document only when
    /// `returnDocuments` is `true`.
    case v2
}
