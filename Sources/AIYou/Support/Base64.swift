import Foundation

/// A strict base64 decoder (RFC 4648 §4, the standard alphabet) over raw bytes, for what a server
/// sends as base64: embedding vectors and generated images. One pass, linear in the input, and the
/// output is written straight where it is needed (a `[Float]`'s storage, a `Data`), never through
/// an intermediate copy.
///
/// Accepted: groups of four characters of `A–Z a–z 0–9 + /`, the last group possibly padded with
/// one or two `=` or left unpadded (two or three characters). Refused: any other byte (white
/// space, line breaks, the URL-safe `-` and `_`), padding anywhere but at the end, and a length
/// that leaves a single character in the last group.
enum Base64 {
    /// Why an input is not base64 (or not what was expected of its bytes).
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// `0xFF` for bytes outside the alphabet, else the 6-bit value.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// The number of bytes `input` decodes to; throws when its length or padding is not that of
    /// base64 (the characters themselves are checked by ``decode(_:into:)``).
    static func decodedCount(_ input: UnsafeRawBufferPointer) throws(Problem) -> Int {
        var count = input.count
        var padding = 0
        while padding < 2, count > 0, input[count - 1] == UInt8(ascii: "=") {
            count -= 1
            padding += 1
        }
        if padding > 0, input.count % 4 != 0 {
            throw Problem(description: "base64 padding does not complete a group of four characters")
        }
        switch count % 4 {
        case 1: throw Problem(description: "a base64 text of \(input.count) characters is truncated")
        case 0 where padding > 0: throw Problem(description: "misplaced base64 padding")
        default: return count / 4 * 3 + max(0, count % 4 - 1)
        }
    }

    /// Decodes `input` into `output`, which must hold exactly ``decodedCount(_:)`` bytes.
    /// Throws at the first byte outside the alphabet (padding included, except at the end).
    static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Problem) {
        let body = output.count / 3 * 4 + (output.count % 3 == 0 ? 0 : output.count % 3 + 1)
        precondition(body <= input.count, "the output is larger than the input can fill")
        try values.withUnsafeBufferPointer { (table) throws(Problem) in
            var read = 0
            var written = 0
            // Whole groups: four characters, three bytes.
            while read + 4 <= body {
                let a = table[Int(input[read])]
                let b = table[Int(input[read + 1])]
                let c = table[Int(input[read + 2])]
                let d = table[Int(input[read + 3])]
                guard (a | b | c | d) & 0xC0 == 0 else { throw invalidCharacter(in: input, from: read) }
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[written] = UInt8(truncatingIfNeeded: group >> 16)
                output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                output[written + 2] = UInt8(truncatingIfNeeded: group)
                read += 4
                written += 3
            }
            // The last two or three characters.
            let left = body - read
            guard left >= 2 else { return }
            let a = table[Int(input[read])]
            let b = table[Int(input[read + 1])]
            let c = left == 3 ? table[Int(input[read + 2])] : 0
            guard (a | b | c) & 0xC0 == 0 else { throw invalidCharacter(in: input, from: read) }
            let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
            output[written] = UInt8(truncatingIfNeeded: group >> 16)
            if left == 3 { output[written + 1] = UInt8(truncatingIfNeeded: group >> 8) }
        }
    }

    private static func invalidCharacter(in input: UnsafeRawBufferPointer, from start: Int) -> Problem {
        var offset = start
        while offset < input.count, values[Int(input[offset])] != 0xFF { offset += 1 }
        let byte = offset < input.count ? input[offset] : 0
        let shown = byte >= 0x21 && byte < 0x7F ? "\"\(Character(Unicode.Scalar(byte)))\"" : String(format: "byte 0x%02X", byte)
        return Problem(description: "\(shown) at offset \(offset) is not a base64 character")
    }

    /// The bytes `input` holds.
    static func data(_ input: UnsafeRawBufferPointer) throws(Problem) -> Data {
        let count = try decodedCount(input)
        var data = Data(count: count)
        var failure: Problem?
        data.withUnsafeMutableBytes { output in
            do throws(Problem) {
                try decode(input, into: output)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return data
    }

    /// The bytes a string holds as base64.
    static func data(_ text: String) throws(Problem) -> Data {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(Problem) in try data(UnsafeRawBufferPointer(bytes)) } }
        return try result.get()
    }

    /// The little-endian `float32` numbers `input` holds, decoded straight into the array's
    /// storage. Throws when the bytes are not a whole number of floats, or when one of them is
    /// NaN or infinite (a JSON number can be neither, so neither can a vector).
    static func floats(_ input: UnsafeRawBufferPointer) throws(Problem) -> [Float] {
        let byteCount = try decodedCount(input)
        guard byteCount % 4 == 0 else {
            throw Problem(description: "\(byteCount) bytes of base64 are not a whole number of 4-byte floats")
        }
        var failure: Problem?
        let vector = [Float](unsafeUninitializedCapacity: byteCount / 4) { buffer, initialized in
            do throws(Problem) {
                try decode(input, into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                return
            }
            initialized = byteCount / 4
            #if _endian(big)
            for index in 0..<initialized { buffer[index] = Float(bitPattern: UInt32(littleEndian: buffer[index].bitPattern)) }
            #endif
        }
        if let failure { throw failure }
        if let position = vector.firstIndex(where: { !$0.isFinite }) {
            throw Problem(description: "number \(position) of the vector is \(vector[position]), not a finite number")
        }
        return vector
    }

    /// The floats a string holds as base64 (as the raw-bytes overload decodes them).
    static func floats(_ text: String) throws(Problem) -> [Float] {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(Problem) in try floats(UnsafeRawBufferPointer(bytes)) } }
        return try result.get()
    }
}
