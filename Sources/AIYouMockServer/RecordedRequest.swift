/// A request as the mock server received it, kept for inspection by tests.
public struct RecordedRequest: Sendable {
    /// The HTTP method.
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The raw query string (without `?`), or `nil` when the URL had none.
    public var query: String?
    /// The header fields in the order received.
    public var headers: [(name: String, value: String)]
    /// The body bytes of JSON (non-multipart) requests; empty for multipart uploads, which are
    /// streamed and never kept whole.
    public var body: [UInt8]

    /// Creates a recorded request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The path without query.
    ///   - query: The raw query string, if any.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    public init(method: String, path: String, query: String?, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The value of the first header with this name, compared case-insensitively.
    ///
    /// - Parameter name: A header name such as `"authorization"`.
    /// - Returns: The value, or `nil` when the request had no such header.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }
}
