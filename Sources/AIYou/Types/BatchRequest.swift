import NIOCore

/// The endpoint a batch's requests go to: ``chatCompletions`` or ``embeddings`` (the two
/// Cloud Temple documents), or any other path the service accepts.
public struct BatchEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The path, e.g. `/v1/chat/completions`.
    public let path: String

    /// An endpoint from its path, e.g. `/v1/chat/completions`.
    public init(path: String) {
        self.path = path
    }

    /// `/v1/chat/completions`.
    public static let chatCompletions = BatchEndpoint(path: "/v1/chat/completions")
    /// `/v1/embeddings`.
    public static let embeddings = BatchEndpoint(path: "/v1/embeddings")

    /// The path.
    public var description: String { path }
}

/// One request of a batch: a line of the JSONL file
/// `{"custom_id":…,"method":"POST","url":"/v1/chat/completions","body":{…}}`, written by
/// ``AIYouClient/uploadBatchFile(_:fileName:options:)-(Requests,_,_)``.
///
/// ```swift
/// let requests = [
///     BatchRequest.chatCompletion(ChatCompletionRequest(messages: [.text("Bonjour")], model: "gpt-oss:120b"), customID: "greeting"),
///     BatchRequest.embeddings(model: "bge-m3:567m", input: ["first passage"], customID: "passage-1"),
/// ]
/// ```
public struct BatchRequest: Hashable, Sendable {
    /// What the request asks.
    public enum Body: Hashable, Sendable {
        /// A chat completion (`/v1/chat/completions`), written as a non-streamed LLMaaS request.
        case chatCompletion(ChatCompletionRequest)
        /// The embeddings of `input` (`/v1/embeddings`).
        case embeddings(model: String, input: [String])
    }

    /// Your id of the request, unique in its batch, non-empty: each result carries it back.
    public var customID: String
    /// What the request asks.
    public var body: Body

    /// A request with your id and its body.
    public init(customID: String, body: Body) {
        self.customID = customID
        self.body = body
    }

    /// A chat completion request of a batch.
    public static func chatCompletion(_ request: ChatCompletionRequest, customID: String) -> BatchRequest {
        BatchRequest(customID: customID, body: .chatCompletion(request))
    }

    /// An embeddings request of a batch.
    public static func embeddings(model: String, input: [String], customID: String) -> BatchRequest {
        BatchRequest(customID: customID, body: .embeddings(model: model, input: input))
    }

    /// The endpoint the request goes to (its line's `url`).
    public var endpoint: BatchEndpoint {
        switch body {
        case .chatCompletion: .chatCompletions
        case .embeddings: .embeddings
        }
    }

    /// Refuses, as the single call would, a request the service would reject; `position` is its
    /// place in the sequence (from 1), for the message.
    func validate(position: Int) throws(AIYouError) {
        let which =
            "batch request \(position) (custom_id \"\(SafeText.escapingControlCharacters(String(customID.prefix(64)), keepingLineBreaks: false))\")"
        if customID.allSatisfy(\.isWhitespace) { throw .invalidRequest("batch request \(position): the custom_id is empty") }
        switch body {
        case .chatCompletion(let request):
            do {
                try request.validate(for: .llmaas)
            } catch {
                throw AIYouError(error.code, "\(which): \(error.message)")
            }
        case .embeddings(let model, let input):
            if model.allSatisfy(\.isWhitespace) { throw .invalidRequest("\(which): model must not be empty") }
            if input.isEmpty { throw .invalidRequest("\(which): input must hold at least one text") }
            if let index = input.firstIndex(where: \.isEmpty) { throw .invalidRequest("\(which): input[\(index)] is empty") }
        }
    }

    /// Writes the request's line (without its line break) to `writer`, which must be fresh.
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("custom_id", customID)
        writer.field("method", "POST")
        writer.field("url", endpoint.path)
        writer.key("body")
        switch body {
        case .chatCompletion(let request):
            var request = request
            request.stream = nil
            LLMaaSChatBody(request: request).write(to: &writer)
        case .embeddings(let model, let input):
            EmbeddingsRequestBody(model: model, input: .many(input[...])).write(to: &writer)
        }
        writer.endObject()
    }
}
