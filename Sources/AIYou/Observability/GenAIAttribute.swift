/// The OpenTelemetry GenAI attribute names the client records.
///
/// The `http.*`, `server.*` and `error.*` names come from `OTelSemanticConventions`. Its 1.44
/// release marks every `gen_ai.*` name deprecated ("moved to the OpenTelemetry GenAI semantic
/// conventions repository", which has no Swift package yet), so using them would warn on every
/// build; they are spelled here once instead, and `ObservabilityTests` checks each one against
/// the package's value so that they cannot drift.
public enum GenAIAttribute {
    /// `gen_ai.operation.name`.
    public static let operationName = "gen_ai.operation.name"
    /// `gen_ai.provider.name`.
    public static let providerName = "gen_ai.provider.name"
    /// `gen_ai.request.model`.
    public static let requestModel = "gen_ai.request.model"
    /// `gen_ai.agent.id`: the AI.YOU assistant a chat went to.
    public static let agentID = "gen_ai.agent.id"
    /// `gen_ai.request.max_tokens`.
    public static let requestMaxTokens = "gen_ai.request.max_tokens"
    /// `gen_ai.request.temperature`.
    public static let requestTemperature = "gen_ai.request.temperature"
    /// `gen_ai.request.top_p`.
    public static let requestTopP = "gen_ai.request.top_p"
    /// `gen_ai.conversation.id`: the thread id.
    public static let conversationID = "gen_ai.conversation.id"
    /// `gen_ai.input.messages` (only with ``Configuration/Observability/recordsMessageContent``).
    public static let inputMessages = "gen_ai.input.messages"
    /// `gen_ai.output.messages` (only with ``Configuration/Observability/recordsMessageContent``).
    public static let outputMessages = "gen_ai.output.messages"
    /// `gen_ai.response.id`.
    public static let responseID = "gen_ai.response.id"
    /// `gen_ai.response.model`.
    public static let responseModel = "gen_ai.response.model"
    /// `gen_ai.response.finish_reasons`.
    public static let responseFinishReasons = "gen_ai.response.finish_reasons"
    /// `gen_ai.usage.input_tokens`.
    public static let usageInputTokens = "gen_ai.usage.input_tokens"
    /// `gen_ai.usage.output_tokens`.
    public static let usageOutputTokens = "gen_ai.usage.output_tokens"
    /// `gen_ai.token.type` (`input` or `output`), a dimension of ``AIYouMetric/tokenUsage``.
    public static let tokenType = "gen_ai.token.type"
    /// `gen_ai.tool.name`: the tool a call of ``AIYouClient/runTools(_:tools:limits:options:)`` ran.
    public static let toolName = "gen_ai.tool.name"
    /// `gen_ai.tool.call.id`: the id the model gave the tool call.
    public static let toolCallID = "gen_ai.tool.call.id"
    /// `gen_ai.tool.type`: `function`.
    public static let toolType = "gen_ai.tool.type"
    /// `gen_ai.tool.description`.
    public static let toolDescription = "gen_ai.tool.description"
    /// `gen_ai.tool.call.arguments` (only with ``Configuration/Observability/recordsMessageContent``).
    public static let toolCallArguments = "gen_ai.tool.call.arguments"
    /// `gen_ai.tool.call.result` (only with ``Configuration/Observability/recordsMessageContent``).
    public static let toolCallResult = "gen_ai.tool.call.result"
}
