import ArgumentParser

/// `aiyou chat --reasoning`: whether a reasoning model's thinking is shown (apart from the
/// answer) or left out.
enum ReasoningDisplay: String, ExpressibleByArgument, CaseIterable {
    case show
    case hide

    /// What precedes reasoning written to stderr.
    static let label = "[reasoning] "
}
