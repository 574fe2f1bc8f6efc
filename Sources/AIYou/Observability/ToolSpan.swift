import OTelSemanticConventions
import Tracing

/// The span of one tool call made by ``AIYouClient/runTools(_:tools:limits:options:)``:
/// `execute_tool <name>`, of kind internal, a child of the caller's span, with the GenAI tool
/// attributes. The tool runs inside the span's context, so spans it starts (an MCP request, an
/// HTTP call) are its children.
enum ToolSpan {
    /// `gen_ai.operation.name` of a tool call.
    static let operationName = "execute_tool"

    /// Runs `body` for `call` under a span of `tracer`, or just runs it without a tracer.
    /// A thrown error (other than cancellation) marks the span failed with its `error.type`.
    static func run(
        _ call: ToolCall,
        definition: ToolDefinition,
        telemetry: Telemetry,
        body: () async throws -> String
    ) async throws -> String {
        guard let tracer = telemetry.tracer else { return try await body() }
        let span = tracer.startSpan("\(operationName) \(call.name)", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        var attributes = SpanAttributes()
        attributes[GenAIAttribute.operationName] = operationName
        attributes[GenAIAttribute.toolName] = call.name
        attributes[GenAIAttribute.toolCallID] = call.id
        attributes[GenAIAttribute.toolType] = "function"
        if let description = definition.description { attributes[GenAIAttribute.toolDescription] = description }
        if telemetry.recordsMessageContent { attributes[GenAIAttribute.toolCallArguments] = telemetry.redact(call.arguments) }
        span.attributes.merge(attributes)
        defer { span.end() }
        do {
            let result = try await ServiceContext.withValue(span.context) { try await body() }
            if telemetry.recordsMessageContent { span.attributes[GenAIAttribute.toolCallResult] = telemetry.redact(result) }
            return result
        } catch is CancellationError {
            span.attributes[OTelAttribute.error.type] = "cancelled"
            span.setStatus(SpanStatus(code: .error))
            throw CancellationError()
        } catch {
            span.attributes[OTelAttribute.error.type] = Telemetry.errorType(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
