import Foundation
import NIOCore
import NIOFoundationCompat

/// The JSON decoding the client shares across requests (safe to use concurrently). Request
/// bodies are written by ``JSONWriter``.
enum JSONCoding {
    /// Only ever given text that passed ``JSONGuard``: use ``decode(_:from:maxValues:)``.
    static let decoder = JSONDecoder()

    /// Decodes `Value` from JSON that came from the network: ``JSONGuard`` first, then
    /// `JSONDecoder`, reading the bytes where they lie (no copy).
    /// - Throws: ``JSONGuard/Violation``, or what `JSONDecoder` throws.
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: UnsafeRawBufferPointer, maxValues: Int? = nil) throws -> Value {
        try JSONGuard.check(bytes, maxValues: maxValues)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return try decoder.decode(Value.self, from: Data()) }
        // The decoder is done with the bytes when it returns: they need not be copied into a Data.
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
        return try decoder.decode(Value.self, from: data)
    }

    /// ``decode(_:from:maxValues:)`` for a buffer's readable bytes.
    static func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer, maxValues: Int? = nil) throws -> Value {
        try buffer.withUnsafeReadableBytes { try decode(Value.self, from: $0, maxValues: maxValues) }
    }

    /// ``decode(_:from:maxValues:)`` for text.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        var text = text
        return try text.withUTF8 { try decode(Value.self, from: UnsafeRawBufferPointer($0)) }
    }
}
