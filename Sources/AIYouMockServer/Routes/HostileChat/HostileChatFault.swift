/// A fault that replaces a chat route's answer once the request is authenticated: the hostile
/// chat answers of ``MockFault`` (see ``HostileChatAnswers`` for what each one writes).
enum HostileChatFault: Sendable, Equatable {
    case manyDeltas(count: Int, text: String)
    case toolCallStorm(calls: Int, perChunk: Int)
    case deepArguments(depth: Int, asObject: Bool)
    case repeatedChoiceIndex(times: Int)
    case endlessEmptyChunks(interval: Duration, kind: MockEmptyChunk)
    case longToolArguments(pieces: Int, pieceText: String)

    /// The chat answer `fault` plays on `route`: `nil` when it is not a hostile chat fault, or
    /// when it does not apply to the route (every one applies to the LLMaaS chat routes;
    /// ``MockFault/manyDeltas(count:text:)`` and ``MockFault/endlessEmptyChunks(interval:kind:)``
    /// to the AI.YOU chat route too).
    init?(_ fault: MockFault, route: MockRoute) {
        guard route.isChat else { return nil }
        let llmaas = route.isLLMaaS
        switch fault {
        case .manyDeltas(let count, let text):
            self = .manyDeltas(count: count, text: text)
        case .endlessEmptyChunks(let interval, let kind):
            self = .endlessEmptyChunks(interval: interval, kind: kind)
        case .toolCallStorm(let calls, let perChunk) where llmaas:
            self = .toolCallStorm(calls: calls, perChunk: perChunk)
        case .deepArguments(let depth, let asObject) where llmaas:
            self = .deepArguments(depth: depth, asObject: asObject)
        case .repeatedChoiceIndex(let times) where llmaas:
            self = .repeatedChoiceIndex(times: times)
        case .longToolArguments(let pieces, let pieceText) where llmaas:
            self = .longToolArguments(pieces: pieces, pieceText: pieceText)
        default:
            return nil
        }
    }
}
