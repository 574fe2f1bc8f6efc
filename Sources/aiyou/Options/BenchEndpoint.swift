import ArgumentParser

/// `aiyou bench --endpoint`: what each call of the load calls.
enum BenchEndpoint: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// A non-streamed chat completion.
    case chat
    /// A streamed chat completion, read to its end.
    case stream
    /// The assistants listing.
    case assistants
    /// `chat`, `assistants` and `stream` in turn.
    case mixed
}
