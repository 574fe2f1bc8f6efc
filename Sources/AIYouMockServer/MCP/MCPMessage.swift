import Foundation
import NIOCore
import NIOFoundationCompat

/// One JSON-RPC 2.0 message posted to the MCP endpoint, sorted by kind.
enum MCPMessage: Sendable {
    /// A request: a method and an id (a string or an integer); it gets an answer.
    case request(id: JSONValue, method: String, params: JSONValue?)
    /// A notification: a method without an id; it gets 202 and no answer.
    case notification(method: String, params: JSONValue?)
    /// A response (`result` or `error` with an id) to a request of the server's: the server
    /// sends none, so it is only acknowledged, with 202.
    case response

    /// Why a body is not one message the server handles.
    enum Refusal: Error, Sendable {
        /// The body is not JSON (JSON-RPC -32700, parse error).
        case malformed
        /// The body is a JSON array: a batch, which the server refuses (batches left the
        /// protocol with version 2025-06-18).
        case batch
        /// The body is JSON but not a JSON-RPC 2.0 message (-32600, invalid request); `id` is the
        /// message's id when it has a usable one, else `null`.
        case invalid(id: JSONValue)
    }

    /// Reads the one message of `body`.
    ///
    /// - Throws: ``Refusal``.
    init(parsing body: ByteBuffer) throws(Refusal) {
        guard body.readableBytes > 0, let json = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            throw .malformed
        }
        if json.arrayValue != nil { throw .batch }
        guard json.objectMembers != nil else { throw .invalid(id: .null) }
        let id = json["id"].flatMap(Self.usableID)
        guard json["jsonrpc"]?.stringValue == MCPProtocol.jsonRPCVersion else { throw .invalid(id: id ?? .null) }
        if let methodValue = json["method"] {
            guard let method = methodValue.stringValue else { throw .invalid(id: id ?? .null) }
            let params = json["params"]
            if json["id"] != nil {
                // An id that is neither a string nor an integer (null included) is refused.
                guard let id else { throw .invalid(id: .null) }
                self = .request(id: id, method: method, params: params)
            } else {
                self = .notification(method: method, params: params)
            }
        } else if id != nil, json["result"] != nil || json["error"] != nil {
            self = .response
        } else {
            throw .invalid(id: id ?? .null)
        }
    }

    /// The method of a request or a notification.
    var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): method
        case .response: nil
        }
    }

    /// `id` when it is a string or an integer, the two forms MCP allows.
    private static func usableID(_ id: JSONValue) -> JSONValue? {
        switch id {
        case .string, .int: id
        default: nil
        }
    }
}
