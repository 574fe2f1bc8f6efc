/// The deterministic images of the LLMaaS image generation route: valid 8×8 RGB PNG files.
///
/// The image of a prompt and an index: with `h` the FNV-1a 64 hash of the prompt, `#` and the
/// index in decimal, and `r, g, b` its three lowest bytes, pixel (x, y) is
/// `(r ^ 16x, g ^ 16y, b)`. The file is the PNG signature, an `IHDR` chunk (8 × 8, 8-bit RGB), one
/// `IDAT` chunk holding a zlib stream of one stored (uncompressed) deflate block — each row the
/// filter byte 0 and its 24 bytes — and an `IEND` chunk, each chunk with its CRC-32.
enum MockPNG {
    /// The side of every image, in pixels.
    static let side = 8

    /// The PNG file of image `index` for `prompt`.
    static func image(prompt: String, index: Int) -> [UInt8] {
        let hash = FNV1a.hash(prompt + "#" + String(index))
        let (red, green, blue) = (
            UInt8(truncatingIfNeeded: hash), UInt8(truncatingIfNeeded: hash >> 8), UInt8(truncatingIfNeeded: hash >> 16)
        )
        var raw: [UInt8] = []
        raw.reserveCapacity(Self.side * (1 + 3 * Self.side))
        for y in 0..<Self.side {
            raw.append(0)
            for x in 0..<Self.side {
                raw += [red ^ UInt8(16 * x), green ^ UInt8(16 * y), blue]
            }
        }
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += Self.chunk("IHDR", Self.bigEndian(Self.side) + Self.bigEndian(Self.side) + [8, 2, 0, 0, 0])
        file += Self.chunk("IDAT", Self.zlibStored(raw))
        file += Self.chunk("IEND", [])
        return file
    }

    /// A zlib stream holding `data` in one stored deflate block (at most 65,535 bytes).
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        let length = UInt16(data.count)
        var stream: [UInt8] = [0x78, 0x01, 0x01]
        stream += [UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8)]
        stream += [UInt8(truncatingIfNeeded: ~length), UInt8(truncatingIfNeeded: ~length >> 8)]
        stream += data
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return stream + Self.bigEndian(Int(b << 16 | a))
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return Self.bigEndian(data.count) + typeBytes + data + Self.bigEndian(Int(Self.crc32(typeBytes + data)))
    }

    private static func bigEndian(_ value: Int) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: value)
        return [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }

    /// CRC-32 (ISO 3309, as PNG uses it), bit by bit: the files are a few hundred bytes.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
