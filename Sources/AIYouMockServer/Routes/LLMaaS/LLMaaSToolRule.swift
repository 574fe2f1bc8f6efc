import Foundation

/// Which tools the mock calls, and with what arguments.
///
/// Tools are called when `tools` is non-empty, `tool_choice` is not `"none"` and the last
/// message is not a `tool` message:
///
/// - `{"type":"function","function":{"name":"X"}}` calls X;
/// - `"required"` calls the first tool;
/// - `"auto"` (or no `tool_choice`) calls every tool named `get_weather` or whose name appears,
///   case-sensitively, in the text of the last user message; none matching, the answer is text.
///
/// `get_weather` gets `{"city":"C"}`, C being the first whitespace-separated word after the
/// last ` in ` of the last user message, without trailing `?`, `.`, `!` or `,` (`Paris` when
/// there is no such word); every other tool gets `{}`.
enum LLMaaSToolRule {
    /// The city used when the last user message names none.
    static let defaultCity = "Paris"

    /// The tools to call, in declaration order, or `nil` for a text answer.
    static func calledTools(for request: LLMaaSChatRequest) -> [String]? {
        guard !request.tools.isEmpty, request.toolChoice != .none, request.messages.last?.role != "tool" else { return nil }
        switch request.toolChoice {
        case .none:
            return nil
        case .function(let name):
            return [name]
        case .required:
            return [request.tools[0]]
        case .auto:
            let text = request.lastUserText
            let called = request.tools.filter { $0 == "get_weather" || text.contains($0) }
            return called.isEmpty ? nil : called
        }
    }

    /// The JSON text of the arguments of a call to `tool`.
    static func arguments(for tool: String, lastUserText: String) -> String {
        guard tool == "get_weather" else { return "{}" }
        let arguments: JSONValue = ["city": .string(Self.city(in: lastUserText))]
        return arguments.serialized
    }

    /// The first whitespace-separated word after the last ` in ` of `text`, without trailing
    /// `?.!,`; ``defaultCity`` when there is none.
    static func city(in text: String) -> String {
        guard let range = text.range(of: " in ", options: .backwards) else { return Self.defaultCity }
        let word = text[range.upperBound...].drop { $0.isWhitespace }.prefix { !$0.isWhitespace }
        var city = Substring(word)
        while let last = city.last, "?.!,".contains(last) {
            city = city.dropLast()
        }
        return city.isEmpty ? Self.defaultCity : String(city)
    }
}
