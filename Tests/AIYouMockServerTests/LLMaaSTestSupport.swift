import AIYouMockServer
import Foundation
import Testing

/// Helpers of the LLMaaS tests: request bodies, SSE parsing and the assembly of a streamed
/// answer into what the non-streamed answer holds.
enum LLMaaS {
    static let chatPath = "/v1/chat/completions"

    /// JSON text of a request body (keys sorted, so the text is stable).
    static func json(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// A chat body with one user message (and any extra fields).
    static func chat(_ text: String, model: String = "gpt-oss:120b", stream: Bool? = nil, _ extra: [String: Any] = [:]) -> String {
        var body: [String: Any] = ["model": model, "messages": [["role": "user", "content": text]]]
        if let stream { body["stream"] = stream }
        // Real servers stream the usage only when asked; the tests compare it with whole answers.
        if stream == true { body["stream_options"] = ["include_usage": true] }
        body.merge(extra) { _, new in new }
        return Self.json(body)
    }

    /// A `function` tool declaration.
    static func tool(_ name: String) -> [String: Any] {
        ["type": "function", "function": ["name": name, "parameters": ["type": "object", "properties": [String: Any]()]]]
    }

    /// The `data:` payloads of an LLMaaS stream, `[DONE]` included.
    static func dataPayloads(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    static func object(_ text: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The OpenAI error object of an error answer.
    static func error(_ response: RawResponse) throws -> [String: Any] {
        try #require(try response.object()["error"] as? [String: Any])
    }
}

/// What a chat answer amounts to, from a non-streamed body or assembled from a stream.
struct AssembledAnswer: Equatable, CustomStringConvertible {
    struct Call: Equatable {
        var id: String
        var name: String
        var arguments: String
    }

    var id: String
    var model: String
    var created: Int
    var content: String?
    var calls: [Call]
    var finishReason: String
    var usage: [String: Int]

    var description: String {
        "\(self.id) \(self.model) \(self.created) content=\(self.content ?? "nil") calls=\(self.calls) finish=\(self.finishReason) usage=\(self.usage)"
    }

    /// From a non-streamed answer.
    init(answer: [String: Any]) throws {
        self.id = try #require(answer["id"] as? String)
        self.model = try #require(answer["model"] as? String)
        self.created = try #require(answer["created"] as? Int)
        let choice = try #require((answer["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        self.content = message["content"] as? String
        self.calls = try ((message["tool_calls"] as? [[String: Any]]) ?? []).map { call in
            let function = try #require(call["function"] as? [String: Any])
            return Call(
                id: try #require(call["id"] as? String),
                name: try #require(function["name"] as? String),
                arguments: try #require(function["arguments"] as? String)
            )
        }
        self.finishReason = try #require(choice["finish_reason"] as? String)
        self.usage = try #require(answer["usage"] as? [String: Int])
    }

    /// Assembled from the text of a stream: content deltas concatenated, tool-call fragments
    /// concatenated per index, the last finish reason, the usage of the `choices: []` chunk.
    /// Checks the framing on the way (every chunk's envelope, `[DONE]` last, usage chunk just before).
    init(stream text: String) throws {
        var payloads = LLMaaS.dataPayloads(text)
        #expect(payloads.last == "[DONE]")
        payloads.removeLast()
        let chunks = try payloads.map { try LLMaaS.object($0) }
        let first = try #require(chunks.first)
        self.id = try #require(first["id"] as? String)
        self.model = try #require(first["model"] as? String)
        self.created = try #require(first["created"] as? Int)
        var content: String?
        var calls: [Int: Call] = [:]
        var finishReason: String?
        var usage: [String: Int]?
        for (position, chunk) in chunks.enumerated() {
            #expect(chunk["object"] as? String == "chat.completion.chunk")
            #expect(chunk["id"] as? String == self.id)
            #expect(chunk["created"] as? Int == self.created)
            let choices = try #require(chunk["choices"] as? [[String: Any]])
            if choices.isEmpty {
                #expect(position == chunks.count - 1, "the usage chunk comes last")
                usage = chunk["usage"] as? [String: Int]
                continue
            }
            let choice = choices[0]
            #expect(finishReason == nil, "no choice chunk after the finish reason")
            finishReason = choice["finish_reason"] as? String
            let delta = try #require(choice["delta"] as? [String: Any])
            if position == 0 {
                #expect(delta["role"] as? String == "assistant")
            } else {
                #expect(delta["role"] == nil)
            }
            if let piece = delta["content"] as? String {
                content = (content ?? "") + piece
            }
            for fragment in (delta["tool_calls"] as? [[String: Any]]) ?? [] {
                let index = try #require(fragment["index"] as? Int)
                let function = fragment["function"] as? [String: Any]
                var call = calls[index] ?? Call(id: "", name: "", arguments: "")
                if let id = fragment["id"] as? String { call.id = id }
                if let name = function?["name"] as? String { call.name = name }
                if let arguments = function?["arguments"] as? String { call.arguments += arguments }
                calls[index] = call
            }
        }
        self.content = content
        self.calls = calls.keys.sorted().map { calls[$0]! }
        self.finishReason = try #require(finishReason)
        self.usage = try #require(usage)
    }
}
