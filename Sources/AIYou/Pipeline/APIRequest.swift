import NIOCore
import NIOHTTP1

/// What an endpoint asks the pipeline to do: a description, not an action. Endpoint methods build
/// one from the table of operations (``init(_:on:suffix:method:query:body:accept:)``) and hand it
/// to ``RequestPipeline``.
package struct APIRequest: Sendable {
    /// How the body is produced; it is produced anew for every attempt so retries resend it whole.
    package enum Body: Sendable {
        case none
        case json(ByteBuffer)
        case multipart(MultipartUpload)
    }

    /// What the caller expects back.
    package enum Accept: Sendable {
        case json
        case eventStream
        /// Audio bytes: a successful answer of an audio (or `application/octet-stream`, or
        /// untyped) content type is read piece by piece, as an event stream is.
        case audio
        /// A body read piece by piece whatever its content type (a JSONL file's content).
        case jsonLines
        /// A successful answer read piece by piece whatever its content type, for a caller that
        /// tells a JSON body from an event stream itself (an MCP server's answers).
        case anyBody
    }

    /// What the request does: its name in logs and errors, and whether it is idempotent.
    var operation: AIYouOperation
    var method: HTTPMethod
    /// Path below the base URL, already percent-encoded, starting with `/`.
    var path: String
    var query: [(name: String, value: String)] = []
    var body: Body = .none
    var accept: Accept = .json
    /// Whether the request carries the bearer token (everything but login).
    var authenticated = true
    /// For reads worth caching: the family the answer belongs to.
    var cacheGroup: CacheGroup?
    /// For writes: the cached families a success makes stale.
    var invalidates: Set<CacheGroup> = []
    /// What the call is, for its span and metrics (GenAI calls describe their request).
    var call: CallDescription?
    /// The top-level members the JSON body's type models (``JSONBody/modeledFields``).
    var modeledFields: [String] = []

    /// The path and query as they go on the wire.
    var target: String {
        guard !query.isEmpty else { return path }
        var result = path
        result.append("?")
        for (index, item) in query.enumerated() {
            if index > 0 { result.append("&") }
            result.append(PercentEncoding.encodeComponent(item.name))
            result.append("=")
            result.append(PercentEncoding.encodeComponent(item.value))
        }
        return result
    }
}

extension APIRequest {
    /// The request of `operation` on `api`: its method and path from the table of operations
    /// (``AIYouOperation/facts``), followed by `suffix` (already percent-encoded, e.g. `/` + an id).
    /// Throws ``AIYouError/Code/unsupported`` when `api` does not offer the operation.
    init(
        _ operation: AIYouOperation,
        on api: ServiceAPI,
        suffix: String = "",
        method: HTTPMethod? = nil,
        query: [(name: String, value: String)] = [],
        body: Body = .none,
        accept: Accept = .json
    ) throws(AIYouError) {
        let path = try api.require(operation)
        self.init(
            operation: operation,
            method: method ?? operation.facts.method,
            path: suffix.isEmpty ? path : path + suffix,
            query: query,
            body: body,
            accept: accept
        )
    }

    /// The request of `operation` on `api` whose body is `body` written as JSON (see
    /// ``init(_:on:suffix:method:query:body:accept:)``).
    init(
        _ operation: AIYouOperation,
        on api: ServiceAPI,
        suffix: String = "",
        method: HTTPMethod? = nil,
        json body: some JSONBody,
        accept: Accept = .json
    ) throws(AIYouError) {
        try self.init(operation, on: api, suffix: suffix, method: method, body: .json(body.jsonBuffer), accept: accept)
        modeledFields = type(of: body).modeledFields
    }
}

/// RFC 3986 percent-encoding for the pieces of a URL the client builds.
enum PercentEncoding {
    /// `id` as one path segment, percent-encoded. Refused with ``AIYouError/Code/invalidRequest``
    /// before anything is sent when it is empty or blank, `.` or `..` (which a server or proxy
    /// would read as "this" or "the parent" folder), or holds control characters. `operation`
    /// names the call in the error message.
    static func pathSegment(_ id: String, operation: AIYouOperation) throws(AIYouError) -> String {
        if id.allSatisfy(\.isWhitespace) { throw .invalidRequest("the id is empty", operation: operation) }
        if id == "." || id == ".." { throw .invalidRequest("the id \"\(id)\" is not a valid identifier", operation: operation) }
        if SafeText.containsControlCharacters(id) {
            throw .invalidRequest(
                "the id \"\(SafeText.escapingControlCharacters(id, keepingLineBreaks: false))\" contains control characters",
                operation: operation
            )
        }
        return encodeComponent(id)
    }

    /// Encodes everything but unreserved characters (`A–Z a–z 0–9 - . _ ~`); used for query
    /// names and values and for a single path segment (an id) alike.
    static func encodeComponent(_ value: String) -> String {
        encode(value, keeping: { isUnreserved($0) })
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func encode(_ value: String, keeping keep: (UInt8) -> Bool) -> String {
        let utf8 = value.utf8
        if utf8.allSatisfy(keep) { return value }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if keep(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
