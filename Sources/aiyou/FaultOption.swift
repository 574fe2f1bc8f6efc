import AIYouMockServer
import ArgumentParser

/// `--fault ROUTE=SPEC[,SPEC…]` for `aiyou serve`: faults the embedded server plays, in order, on
/// the next requests to ROUTE.
struct FaultOption: ExpressibleByArgument, Sendable {
    static let routes: [String: MockRoute] = [
        "login": .login, "chat": .chatCompletions, "assistants": .assistants, "models": .listModels, "create-model": .createModel,
        "save": .save, "threads": .threads, "delete-thread": .deleteThread, "transcriptions": .transcriptions,
    ]

    static let help = """
        ROUTE=SPEC[,SPEC…]. ROUTE: \(routes.keys.sorted().joined(separator: ", ")). \
        SPEC: a status (503), 429:SECONDS (Retry-After), delay:DURATION (250ms, 2s), hang, drop, drop-after:K \
        (stream cut after K events), malformed-json, malformed-sse, wrong-content-type, empty. Repeatable.
        """

    let route: MockRoute
    let faults: [MockFault]

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let route = Self.routes[parts[0]] else { return nil }
        var faults: [MockFault] = []
        for spec in parts[1].split(separator: ",") {
            guard let fault = Self.parse(String(spec)) else { return nil }
            faults.append(fault)
        }
        guard !faults.isEmpty else { return nil }
        self.route = route
        self.faults = faults
    }

    static func parse(_ spec: String) -> MockFault? {
        let pieces = spec.split(separator: ":", maxSplits: 1).map(String.init)
        switch (pieces[0], pieces.count > 1 ? pieces[1] : nil) {
        case ("429", let seconds?): return Double(seconds) == nil ? nil : .rateLimited(retryAfter: seconds)
        case (let status, nil) where Int(status).map({ (100...599).contains($0) }) == true: return .status(Int(status)!)
        case ("delay", let duration?): return parseDuration(duration).map { .delay($0) }
        case ("hang", nil): return .hang
        case ("drop", nil): return .dropConnection
        case ("drop-after", let count?): return Int(count).flatMap { $0 >= 0 ? .dropStreamAfter(events: $0) : nil }
        case ("malformed-json", nil): return .malformedJSON
        case ("malformed-sse", nil): return .malformedSSE
        case ("wrong-content-type", nil): return .wrongContentType
        case ("empty", nil): return .emptyBody
        default: return nil
        }
    }

    /// `250ms`, `2s`, or plain seconds.
    static func parseDuration(_ text: String) -> Duration? {
        if text.hasSuffix("ms"), let value = Double(text.dropLast(2)), value >= 0 { return .milliseconds(Int64(value)) }
        if text.hasSuffix("s"), let value = Double(text.dropLast()), value >= 0 { return .milliseconds(Int64(value * 1000)) }
        if let value = Double(text), value >= 0 { return .milliseconds(Int64(value * 1000)) }
        return nil
    }
}
