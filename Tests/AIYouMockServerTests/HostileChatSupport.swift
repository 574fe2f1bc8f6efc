import AIYouMockServer
import Foundation
import Testing

/// The envelope of a hostile chat answer as a test expects it, with the id, `created` and
/// model read from the answer itself (they are the only parts a test cannot know in advance).
struct HostileEnvelope {
    var id: String
    var created: Int
    var model: String
    /// Whether the AI.YOU member order (`model` before `created`) applies.
    var aiyou = false

    /// Read from the first event of a primary-framed stream.
    init(stream text: String, aiyou: Bool = false) throws {
        let payload = try #require(LLMaaS.dataPayloads(text).first)
        try self.init(object: LLMaaS.object(payload), aiyou: aiyou)
    }

    /// Read from a chunk or a whole answer (inside its `response` wrapper, if any).
    init(object: [String: Any], aiyou: Bool = false) throws {
        let object = (object["response"] as? [String: Any]) ?? object
        self.id = try #require(object["id"] as? String)
        self.created = try #require(object["created"] as? Int)
        self.model = try #require(object["model"] as? String)
        self.aiyou = aiyou
        #expect(self.id.hasPrefix("chatcmpl-mock-"))
    }

    private func members(_ object: String) -> String {
        self.aiyou
            ? #""id":"\#(self.id)","object":"\#(object)","model":"\#(self.model)","created":\#(self.created)"#
            : #""id":"\#(self.id)","object":"\#(object)","created":\#(self.created),"model":"\#(self.model)""#
    }

    /// One primary-framed event carrying a chunk with these choices (and usage).
    func event(_ choices: String, usage: String? = nil) -> String {
        "data: {" + self.members("chat.completion.chunk") + #","choices":"# + choices + (usage.map { #","usage":"# + $0 } ?? "") + "}\n\n"
    }

    /// The whole answer with these choices and usage (LLMaaS, or AI.YOU bare).
    func answer(_ choices: String, usage: String) -> String {
        "{" + self.members("chat.completion") + #","choices":"# + choices + #","usage":"# + usage + "}"
    }

    /// `{"prompt_tokens":1,"completion_tokens":N,"total_tokens":N+1}`.
    static func usage(_ tokens: Int) -> String {
        #"{"prompt_tokens":1,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 1)}"#
    }

    /// The finish chunk's choices.
    static func finish(_ reason: String) -> String {
        #"[{"index":0,"delta":{},"finish_reason":"\#(reason)"}]"#
    }

    /// The streamed opening piece of call `n` at tool index `index` (default `n`).
    static func opening(_ n: Int, index: Int? = nil, arguments: String = #""""#) -> String {
        #"{"index":\#(index ?? n),"id":"call_\#(n)","type":"function","function":{"name":"get_weather","arguments":\#(arguments)}}"#
    }

    /// A call of a whole answer.
    static func call(_ n: Int, arguments: String) -> String {
        #"{"id":"call_\#(n)","type":"function","function":{"name":"get_weather","arguments":\#(arguments)}}"#
    }

    /// The choices of a chunk carrying one arguments fragment (JSON text) of call 0.
    static func fragment(_ arguments: String) -> String {
        #"[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":\#(arguments)}}]},"finish_reason":null}]"#
    }

    /// The choices of the opening chunk of a one-call answer.
    static func openingChoices(arguments: String = #""""#) -> String {
        #"[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[\#(Self.opening(0, arguments: arguments))]},"finish_reason":null}]"#
    }

    /// The whole answer's choices for these calls (JSON text of each).
    static func toolCallChoices(_ calls: [String]) -> String {
        #"[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":["#
            + calls.joined(separator: ",") + "]}}]"
    }
}

/// The events of a stream in the AI.YOU alternate framing: each event's `id:` and its JSON
/// (the `data:` lines joined with `\n`).
func alternateEvents(_ text: String) throws -> [(id: Int, json: [String: Any])] {
    try text.components(separatedBy: "\r\n\r\n").compactMap { block -> (id: Int, json: [String: Any])? in
        let lines = block.components(separatedBy: "\r\n")
        guard let idLine = lines.first(where: { $0.hasPrefix("id: ") }), let id = Int(idLine.dropFirst(4)) else { return nil }
        let data = lines.filter { $0.hasPrefix("data: ") }.map { $0.dropFirst(6) }.joined(separator: "\n")
        return (id, try LLMaaS.object(data))
    }
}
