/// The 64-bit FNV-1a hash, used wherever the mock needs a value that depends only on some
/// bytes: embedding seeds, completion and call ids, rerank ids.
enum FNV1a {
    /// The FNV-1a 64 offset basis.
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// The FNV-1a 64 prime.
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of `bytes`.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = Self.offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= Self.prime
        }
        return hash
    }

    /// The hash of the UTF-8 bytes of `text`.
    static func hash(_ text: String) -> UInt64 {
        Self.hash(text.utf8)
    }

    /// `value` as 16 lowercase hexadecimal digits.
    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
