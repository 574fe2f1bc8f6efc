import Foundation

/// What every chunk and the whole answer of a hostile chat fault are wrapped in, in the dialect
/// of the route: the envelope members, the SSE framing and the end of the stream.
///
/// - LLMaaS chunk: `{"id":ID,"object":"chat.completion.chunk","created":C,"model":M,"choices":…}`;
///   whole answer: `{"id":ID,"object":"chat.completion","created":C,"model":M,"choices":…,"usage":…}`;
///   framing `data: <json>\n\n`, then `data: [DONE]\n\n`.
/// - AI.YOU chunk: `{"id":ID,"object":"chat.completion.chunk","model":M,"created":C,"choices":…}`;
///   whole answer `{"response":{…}}` (primary shape) or bare (alternate); framing per
///   ``SSEEventEncoder``.
///
/// ID is `chatcmpl-mock-<n>`, C the current Unix time, M the request's `model` when it is a
/// non-empty string, else `mock-model`.
struct HostileChatFrame: Sendable {
    /// The model named when the request names none.
    static let defaultModel = "mock-model"

    /// `nil` for LLMaaS, else the AI.YOU shape.
    let aiyouShape: MockResponseShape?
    let id: String
    /// The model, as JSON text (quoted and escaped).
    let modelJSON: String
    let created: Int

    init(route: MockRoute, body: JSONValue?, state: MockServerState, shape: MockResponseShape) {
        self.aiyouShape = route.isLLMaaS ? nil : shape
        self.id = state.nextCompletionID()
        let model = body?["model"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultModel
        self.modelJSON = JSONValue.string(model).serialized
        self.created = Int(Date().timeIntervalSince1970)
    }

    /// Whether events are framed as the AI.YOU alternate shape frames them.
    private var isAlternate: Bool { self.aiyouShape == .alternate }

    /// `"id":"…"`, the first member of every object, kept apart for the alternate framing.
    private var idMember: String { #""id":"\#(self.id)""# }

    /// The members of a chunk between the id and the choices, `"choices":` included.
    private var chunkMembers: String {
        self.aiyouShape == nil
            ? #""object":"chat.completion.chunk","created":\#(self.created),"model":\#(self.modelJSON),"choices":"#
            : #""object":"chat.completion.chunk","model":\#(self.modelJSON),"created":\#(self.created),"choices":"#
    }

    /// What the stream begins with: the alternate shape's keep-alive comment.
    var prelude: String? { self.isAlternate ? ": keep-alive\r\n\r\n" : nil }

    /// What ends the stream: `data: [DONE]` but in the alternate shape.
    var terminator: String? { self.isAlternate ? nil : "data: [DONE]\n\n" }

    /// One event carrying a chunk whose `choices` are the JSON text `choices`, with `usage`
    /// after them when given. `number` is the event's 1-based position (the alternate shape's
    /// `id:`).
    func event(choices: String, usage: String? = nil, number: Int) -> String {
        let rest = self.chunkMembers + choices + (usage.map { #","usage":"# + $0 } ?? "")
        if self.isAlternate {
            return "event: message\r\nid: \(number)\r\ndata: {" + self.idMember + ",\r\ndata: " + rest + "}\r\n\r\n"
        }
        return "data: {" + self.idMember + "," + rest + "}\n\n"
    }

    /// The start of an event written in parts (LLMaaS only), up to its choices' JSON text;
    /// ``eventEnd`` closes it.
    var eventStart: String { "data: {" + self.idMember + "," + self.chunkMembers }

    /// The end of an event started with ``eventStart``.
    let eventEnd = "}\n\n"

    /// The start of the whole answer, up to its choices' JSON text; ``answerEnd(usage:)`` closes it.
    var answerStart: String {
        switch self.aiyouShape {
        case nil:
            #"{"id":"\#(self.id)","object":"chat.completion","created":\#(self.created),"model":\#(self.modelJSON),"choices":"#
        case .primary?:
            #"{"response":{"id":"\#(self.id)","object":"chat.completion","model":\#(self.modelJSON),"created":\#(self.created),"choices":"#
        case .alternate?:
            #"{"id":"\#(self.id)","object":"chat.completion","model":\#(self.modelJSON),"created":\#(self.created),"choices":"#
        }
    }

    /// The end of the whole answer: its usage and closing braces.
    func answerEnd(usage: String) -> String {
        #","usage":"# + usage + (self.aiyouShape == .primary ? "}}" : "}")
    }

    /// `{"prompt_tokens":1,"completion_tokens":N,"total_tokens":N+1}`.
    static func usage(completionTokens: Int) -> String {
        let total = completionTokens.addingReportingOverflow(1)
        return
            #"{"prompt_tokens":1,"completion_tokens":\#(completionTokens),"total_tokens":\#(total.overflow ? Int.max : total.partialValue)}"#
    }
}
