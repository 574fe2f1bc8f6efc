import Foundation
import Hummingbird

/// `POST /api/v1/chat/completions`, streaming or not.
struct ChatRoutes: Sendable {
    let state: MockServerState

    func completions(_ input: RouteRequest) async -> Response {
        guard let body = input.json, body.objectMembers != nil else {
            return MockResponses.error(
                .badRequest,
                message: "The request body must be a JSON object.",
                type: "BadRequestError",
                errorObject: true
            )
        }
        guard let request = ChatRequest(body) else {
            return MockResponses.error(
                .badRequest,
                message: "\"messages\" must be a non-empty array.",
                type: "BadRequestError",
                errorObject: true
            )
        }
        if input.dropStreamAfter != nil, !request.stream {
            return await ConnectionControl(state: self.state).drop(input.context.channel)
        }
        if input.settings.requireStreaming, !request.stream {
            return MockResponses.error(
                .badRequest,
                message: "Stream options can only be defined when stream is true (Stream options)",
                type: "BadRequestError",
                errorObject: true
            )
        }

        let chunkCount = max(1, input.settings.streamChunkCount)
        var reply = "Bonjour ! Vous avez dit : \(request.lastUserText)"
        if let schema = request.instructionSchema {
            let value = SchemaAnswer.value(for: schema)
            reply = input.answerFlaw.map { SchemaAnswer.spoiled(value, by: $0).text } ?? value.serialized
        }
        let completion = MockChatCompletion(
            id: self.state.nextCompletionID(),
            model: request.model,
            created: Int(Date().timeIntervalSince1970),
            reply: reply,
            promptTokens: request.promptWordCount,
            completionTokens: chunkCount,
            absurdNumbers: input.absurdNumbers
        )
        input.reportOutputTokens(completion.completionTokens)
        guard request.stream else {
            return MockResponses.json(completion.json(shape: input.shape))
        }

        let writer = ChatStreamWriter(
            events: MockChatCompletion.StreamEvents(completion: completion, chunkCount: chunkCount),
            encoder: SSEEventEncoder(shape: input.shape),
            interval: input.settings.streamChunkInterval,
            dropAfterEvents: input.dropStreamAfter,
            tailAfterDone: input.answerFault == .tailAfterDone,
            watch: ClientWatch(state: self.state, channel: input.context.channel)
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { bodyWriter in
                try await writer.write(to: &bodyWriter)
            }
        )
    }
}

/// The parts of a chat request the mock answer depends on.
struct ChatRequest: Sendable {
    /// The text parts of the last user message, joined by a space.
    var lastUserText: String
    /// The number of words in the text of all messages.
    var promptWordCount: Int
    /// Whether `"stream": true` was sent.
    var stream: Bool
    /// The model named by the request, or derived from its assistant.
    var model: String
    /// The JSON Schema of an instruction in `promptSystem` or a `system` message
    /// (``SchemaAnswer/schema(inInstruction:)``): the answer is then a value for it.
    var instructionSchema: JSONValue?

    /// Reads a request body; `nil` when `messages` is not a non-empty array.
    init?(_ body: JSONValue) {
        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else { return nil }
        let lastUser = messages.last { $0["role"]?.stringValue == "user" } ?? messages[messages.count - 1]
        self.lastUserText = Self.text(of: lastUser)
        self.promptWordCount = messages.reduce(0) { count, message in
            count + Self.text(of: message).split(whereSeparator: { $0.isWhitespace }).count
        }
        self.stream = body["stream"]?.boolValue == true
        let systemTexts =
            [body["promptSystem"]?.stringValue].compactMap { $0 }
            + messages.filter { $0["role"]?.stringValue == "system" }.map(Self.text(of:))
        self.instructionSchema = systemTexts.lazy.compactMap(SchemaAnswer.schema(inInstruction:)).first
        if let model = body["model"]?.stringValue, !model.isEmpty {
            self.model = model
        } else if let assistantID = body["assistantId"]?.identifierValue, !assistantID.isEmpty {
            self.model = Fixtures.assistant(withID: assistantID)?.model ?? "assistant-\(assistantID)"
        } else {
            self.model = Fixtures.defaultModelName
        }
    }

    /// The text of a message: its `content` string, or its text parts joined by a space.
    static func text(of message: JSONValue) -> String {
        switch message["content"] {
        case .string(let text)?:
            return text
        case .array(let parts)?:
            return parts.compactMap { part -> String? in
                if let type = part["type"]?.stringValue, type != "text" { return nil }
                return part["text"]?.stringValue
            }.joined(separator: " ")
        default:
            return ""
        }
    }
}
