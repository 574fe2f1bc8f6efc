/// A load-tool failure with a message, such as an unexpected HTTP status seen by
/// ``BaselineClient``.
public struct BenchError: Error, CustomStringConvertible {
    /// What went wrong, e.g. `HTTP 503`.
    public var description: String

    /// Creates an error with this message.
    public init(_ description: String) { self.description = description }
}
