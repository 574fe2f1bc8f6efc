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

extension SaveConversationRequest: JSONBody {
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
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("email", email)
        writer.field("password", password)
        writer.endObject()
    }
}

/// `{}`, the body that asks for the model catalogue.
struct EmptyObjectBody: JSONBody {
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
