import Foundation
import NIOCore
import NIOFoundationCompat

/// The JSON decoder the client shares across requests (safe to use concurrently). Request
/// bodies are written by ``JSONWriter``.
enum JSONCoding {
    static let decoder = JSONDecoder()
}
