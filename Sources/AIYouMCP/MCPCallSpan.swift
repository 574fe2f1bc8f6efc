import AIYou
import MCP
import Tracing

/// The span of one `tools/call` request, a child of the `execute_tool` span that
/// `AIYouClient.runTools(_:tools:limits:options:)` opens for the call: named
/// `tools/call <tool>`, of kind client, with the MCP and GenAI attributes.
enum MCPCallSpan {
    /// `mcp.method.name`.
    static let methodName = "mcp.method.name"
    /// `aiyou.mcp.server`: the server's name in the toolbox.
    static let serverName = "aiyou.mcp.server"

    static func run<Result>(
        listing: MCPToolListing,
        options: MCPToolboxOptions,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let tracer = options.tracer ?? InstrumentationSystem.tracer
        guard !(tracer is NoOpTracer) else { return try await body() }
        let span = tracer.startSpan("tools/call \(listing.tool)", context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes[methodName] = "tools/call"
        span.attributes[GenAIAttribute.toolName] = listing.tool
        span.attributes[GenAIAttribute.operationName] = "execute_tool"
        span.attributes[serverName] = listing.server
        defer { span.end() }
        do {
            return try await ServiceContext.withValue(span.context) { try await body() }
        } catch {
            span.attributes["error.type"] = Self.errorType(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    static func errorType(_ error: any Error) -> String {
        switch error {
        case is CancellationError: "cancelled"
        case let error as MCPConnectionError:
            switch error.kind {
            case .timeout: "timeout"
            case .unreachable: "unreachable"
            case .unauthorized: "unauthorized"
            case .sessionExpired: "session_expired"
            case .httpStatus(let status): String(status)
            case .invalidAnswer: "invalid_answer"
            case .invalidConfiguration: "invalid_configuration"
            case .closed: "closed"
            }
        case let error as MCPServerError: String(error.code)
        default: String(describing: type(of: error))
        }
    }
}
