/// How ``AIYouClient/structuredAnswer(_:as:schema:settings:options:)`` tells the model the shape
/// of the answer.
public struct StructuredAnswerMode: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        case responseFormat
        case instruction
    }

    let storage: Storage

    /// The schema goes out as `response_format`
    /// (`{"type":"json_schema","json_schema":{"name":…,"schema":…,"strict":…}}`), which
    /// OpenAI-compatible servers such as vLLM use to constrain the generation. LLMaaS only.
    public static let responseFormat = StructuredAnswerMode(storage: .responseFormat)

    /// The schema goes out as an instruction in the system prompt (the request's
    /// ``ChatCompletionRequest/systemPrompt``, with the instruction after it): answer with one
    /// JSON value matching this schema and nothing else. Works with any model on any server,
    /// without a guarantee: the answer is checked, and repaired when it does not decode.
    public static let instruction = StructuredAnswerMode(storage: .instruction)

    /// `responseFormat` or `instruction`.
    public var description: String {
        switch storage {
        case .responseFormat: "responseFormat"
        case .instruction: "instruction"
        }
    }
}
