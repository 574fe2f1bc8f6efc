import Foundation
import NIOCore

/// The deterministic embedding vectors of the LLMaaS embeddings route.
///
/// The vector of a text: a ``SplitMix64`` seeded with the FNV-1a 64 hash of the text's UTF-8
/// bytes draws `dimensions` values, each `Double(next() >> 11) * 2⁻⁵³ * 2 - 1` (uniform in
/// [-1, 1)); the vector is divided by its Euclidean norm, in `Double`, and each component
/// rounded to `Float`.
enum MockEmbeddings {
    /// The vector of `text`; empty when `dimensions` is not positive.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        guard dimensions > 0 else { return [] }
        var generator = SplitMix64(seed: FNV1a.hash(text))
        var values = [Double](repeating: 0, count: dimensions)
        var sumOfSquares = 0.0
        for index in 0..<dimensions {
            let value = Double(generator.next() >> 11) * 0x1.0p-53 * 2 - 1
            values[index] = value
            sumOfSquares += value * value
        }
        let norm = sumOfSquares.squareRoot()
        guard norm > 0 else {
            var unit = [Float](repeating: 0, count: dimensions)
            unit[0] = 1
            return unit
        }
        return values.map { Float($0 / norm) }
    }

    /// Appends `vector` as a JSON array, each component written as `Float`'s description
    /// (the shortest text that reads back as the same `Float`).
    ///
    /// The text is made by the standard library and written in one go: a write into the
    /// buffer per component costs about twenty times more in a debug build.
    static func write(_ vector: [Float], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("[")
        buffer.writeString(vector.map(\.description).joined(separator: ","))
        buffer.writeStaticString("]")
    }

    /// Appends `vector` as a JSON string: the base64 text of its components' little-endian
    /// `float32` bytes (OpenAI's `encoding_format: "base64"`).
    static func writeBase64(_ vector: [Float], into buffer: inout ByteBuffer) {
        var bytes = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        buffer.writeStaticString("\"")
        buffer.writeString(bytes.base64EncodedString())
        buffer.writeStaticString("\"")
    }
}
