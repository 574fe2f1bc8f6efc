import NIOCore

/// How each request type writes itself; the field names and the omission rules are those of the
/// types' `Encodable` conformances, which stay for users who encode these values themselves.
extension ChatMessage {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("role", role.rawValue)
        writer.beginArray(key: "content")
        for part in content {
            writer.beginObject()
            writer.field("type", part.type.rawValue)
            writer.field("text", part.text)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension ChatCompletionRequest: JSONBody {
    static let modeledFields = [
        "messages", "assistantId", "model", "temperature", "top_p", "promptSystem", "stream", "stop", "threadId", "max_tokens", "form",
    ]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.beginArray(key: "messages")
        for message in messages { message.write(to: &writer) }
        writer.endArray()
        writer.nonEmptyField("assistantId", assistantID)
        writer.nonEmptyField("model", model)
        writer.field("temperature", temperature)
        writer.field("top_p", topP)
        writer.nonEmptyField("promptSystem", systemPrompt)
        writer.field("stream", stream)
        if let stop, !stop.isEmpty {
            writer.beginArray(key: "stop")
            for sequence in stop { writer.element(sequence) }
            writer.endArray()
        }
        writer.nonEmptyField("threadId", threadID)
        writer.field("max_tokens", maxTokens)
        writer.nonEmptyField("form", form)
        writer.endObject()
    }
}

/// A chat request as LLMaaS (OpenAI-compatible) reads it: `model` first, the system prompt as a
/// leading `system` message, a message's text as a string (parts only when it holds an image),
/// images as `image_url` parts, and the tool fields; a stream asks for usage when
/// `includeUsage` (``Configuration/LLMaaSSettings/streamUsage``).
struct LLMaaSChatBody: JSONBody {
    let request: ChatCompletionRequest
    var includeUsage = false

    static let modeledFields = [
        "model", "messages", "temperature", "top_p", "max_tokens", "presence_penalty", "frequency_penalty", "stop", "user", "stream",
        "stream_options", "tools", "tool_choice", "response_format",
    ]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.nonEmptyField("model", request.model)
        writer.beginArray(key: "messages")
        if let systemPrompt = request.systemPrompt, !systemPrompt.isEmpty {
            ChatMessage.text(systemPrompt, role: .system).writeForLLMaaS(to: &writer)
        }
        for message in request.messages { message.writeForLLMaaS(to: &writer) }
        writer.endArray()
        writer.field("temperature", request.temperature)
        writer.field("top_p", request.topP)
        writer.field("max_tokens", request.maxTokens)
        writer.field("presence_penalty", request.presencePenalty)
        writer.field("frequency_penalty", request.frequencyPenalty)
        if let stop = request.stop, !stop.isEmpty {
            writer.beginArray(key: "stop")
            for sequence in stop { writer.element(sequence) }
            writer.endArray()
        }
        writer.nonEmptyField("user", request.user)
        writer.field("stream", request.stream)
        if includeUsage, request.stream == true {
            writer.key("stream_options")
            writer.beginObject()
            writer.field("include_usage", true)
            writer.endObject()
        }
        if !request.tools.isEmpty {
            writer.beginArray(key: "tools")
            for tool in request.tools { writer.element(tool.jsonValue) }
            writer.endArray()
        }
        request.toolChoice?.write(to: &writer)
        if let responseFormat = request.responseFormat { writer.field("response_format", responseFormat.jsonValue) }
        writer.endObject()
    }
}

extension ChatMessage {
    func writeForLLMaaS(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("role", role.rawValue)
        if content.isEmpty {
            writer.field("content", JSONValue.null)
        } else if content.allSatisfy({ $0.type == .text }) {
            writer.field("content", content.count == 1 ? content[0].text : text)
        } else {
            writer.beginArray(key: "content")
            for part in content {
                writer.beginObject()
                if part.type == .image {
                    writer.field("type", "image_url")
                    writer.key("image_url")
                    writer.beginObject()
                    writer.field("url", part.text)
                    writer.endObject()
                } else {
                    writer.field("type", part.type.rawValue)
                    writer.field("text", part.text)
                }
                writer.endObject()
            }
            writer.endArray()
        }
        if !toolCalls.isEmpty {
            writer.beginArray(key: "tool_calls")
            for call in toolCalls { call.write(to: &writer) }
            writer.endArray()
        }
        writer.nonEmptyField("tool_call_id", toolCallID)
        writer.endObject()
    }
}

extension SaveConversationRequest: JSONBody {
    static let modeledFields = ["assistantId", "conversation", "threadId", "firstMessage", "contentJson", "modelName", "isNewAppThread"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("assistantId", assistantID)
        writer.field("conversation", conversation)
        writer.nonEmptyField("threadId", threadID)
        writer.nonEmptyField("firstMessage", firstMessage)
        writer.nonEmptyField("contentJson", contentJSON)
        writer.nonEmptyField("modelName", modelName)
        writer.field("isNewAppThread", isNewAppThread)
        writer.endObject()
    }
}

extension CreateModelRequest: JSONBody {
    static let modeledFields = ["name", "provider", "context_window", "description"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("name", name)
        writer.nonEmptyField("provider", provider)
        writer.field("context_window", contextWindow)
        writer.nonEmptyField("description", description)
        writer.endObject()
    }
}

extension LoginRequest: JSONBody {
    static let modeledFields = ["email", "password"]

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("email", email)
        writer.field("password", password)
        writer.endObject()
    }
}

/// `{}`, the body that asks for the model catalogue.
struct EmptyObjectBody: JSONBody {
    static let modeledFields: [String] = []

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.endObject()
    }
}

extension ChatCompletionRequest {
    /// The body the client sends for this request, for benchmarks.
    @_spi(Benchmarks)
    public var jsonBody: ByteBuffer { jsonBuffer }
}
