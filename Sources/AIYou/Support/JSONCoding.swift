import Foundation
import NIOCore
import NIOFoundationCompat

/// The JSON encoder and decoder the client shares across requests (both are safe to use
/// concurrently once configured).
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = JSONDecoder()

    /// Encodes `value` into a new buffer; a failure is an invalid request (it cannot be sent).
    static func encode<Value: Encodable>(_ value: Value, operation: String) throws(AIYouError) -> ByteBuffer {
        do {
            return try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        } catch {
            throw AIYouError(.invalidRequest, "\(operation): the request could not be encoded as JSON", underlying: error)
        }
    }
}
