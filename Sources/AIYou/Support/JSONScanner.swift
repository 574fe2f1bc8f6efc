/// A strict reader for the small subset of JSON the hot decoders expect, over raw bytes.
///
/// Every method returns `nil` (or `false`) as soon as the input is anything but that subset:
/// escapes in keys, non-ASCII keys, numbers with exponents, more than 15 digits, invalid UTF-8,
/// raw control characters, deep nesting. The decoders built on it then fall back to
/// `JSONDecoder`, so a refusal here never changes a result, only how fast it is reached. What it
/// accepts is always valid JSON, and it reads it exactly as `JSONDecoder` does (checked by
/// `FastDecodingTests` on generated and mutated inputs).
struct JSONScanner {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// `true` when only whitespace is left.
    mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    /// Consumes `byte` (after whitespace) when it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes a `null` literal when it comes next.
    mutating func consumeNull() -> Bool {
        skipWhitespace()
        guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    /// An object key and its colon; the key's raw bytes (plain ASCII without escapes only).
    mutating func readKey() -> UnsafeRawBufferPointer? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let key = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return consume(UInt8(ascii: ":")) ? key : nil
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// After an object member: `true` if another member follows (`,`), `false` at `}`; `nil` otherwise.
    mutating func nextMember() -> Bool? {
        if consume(UInt8(ascii: ",")) { return true }
        if consume(UInt8(ascii: "}")) { return false }
        return nil
    }

    /// A string value; `reuse` is returned instead of a new string when its bytes are the same.
    mutating func readString(reusing reuse: String? = nil) -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if let reuse, Self.equal(raw, reuse) { return reuse }
                return Self.string(raw, ascii: ascii)
            }
            if byte == UInt8(ascii: "\\") {
                index = start
                return readEscapedString()
            }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// The raw bytes of a string value without escapes or control characters (a base64 text);
    /// `nil` when the next value is not such a string.
    mutating func readRawString() -> UnsafeRawBufferPointer? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1])
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// A plain integer (`-?(0|[1-9][0-9]*)`, at most 15 digits, no fraction or exponent).
    mutating func readInteger() -> Int? {
        skipWhitespace()
        guard let (negative, digits) = scanIntegerPart() else { return nil }
        if index < bytes.count {
            let next = bytes[index]
            if next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { return nil }
        }
        var value = 0
        for offset in digits { value = value &* 10 &+ Int(bytes[offset] &- UInt8(ascii: "0")) }
        return negative ? -value : value
    }

    /// An array of numbers appended to `vector` as `Float`s (see ``JSONFloat``); `false` when the
    /// array holds anything else (null, strings, a number outside `Float`'s range).
    mutating func readFloats(into vector: inout [Float]) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        while true {
            skipWhitespace()
            guard let value = JSONFloat.parse(bytes, &index) else { return false }
            vector.append(value)
            skipWhitespace()
            guard index < bytes.count else { return false }
            let separator = bytes[index]
            index += 1
            if separator == UInt8(ascii: ",") { continue }
            return separator == UInt8(ascii: "]")
        }
    }

    /// Bytes not read yet: an upper bound for anything still to come.
    var remainingByteCount: Int { bytes.count - index }

    /// Reads an object, handing each key to `member` with the scanner at the member's value;
    /// `member` reads or skips the value and returns `false` to give up. `false` when the object,
    /// or any member, is outside the subset.
    mutating func readObject(_ member: (UnsafeRawBufferPointer, inout JSONScanner) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        while true {
            guard let key = readKey(), member(key, &self), let more = nextMember() else { return false }
            if !more { return true }
        }
    }

    /// Reads an array, handing the scanner to `element` at each element; `false` when the array,
    /// or any element, is outside the subset.
    mutating func readArray(_ element: (inout JSONScanner) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        while true {
            guard element(&self) else { return false }
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]"))
        }
    }

    /// Steps over any value of the subset: strings, numbers without exponent, literals, and
    /// arrays and objects nested at most 32 deep.
    mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 32 else { return false }
        skipWhitespace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return readString() != nil
        case UInt8(ascii: "{"):
            return readObject { _, scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            return readArray { scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"):
            return consumeLiteral("true")
        case UInt8(ascii: "f"):
            return consumeLiteral("false")
        case UInt8(ascii: "n"):
            return consumeNull()
        default:
            return skipNumber()
        }
    }

    /// Steps over a value like ``skipValue(depth:)`` and returns its text.
    mutating func skipValueReturningText() -> UnsafeRawBufferPointer? {
        skipWhitespace()
        let start = index
        guard skipValue() else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<index])
    }

    // MARK: - Internals

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { literalBytes in
            (0..<count).allSatisfy { bytes[index + $0] == literalBytes[$0] }
        }
        if matches { index += count }
        return matches
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 15 digits in the integer part.
    private mutating func skipNumber() -> Bool {
        guard scanIntegerPart() != nil else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart else { return false }
        }
        return index == bytes.count || (bytes[index] != UInt8(ascii: "e") && bytes[index] != UInt8(ascii: "E"))
    }

    /// `-?(0|[1-9][0-9]*)` with at most 15 digits: the sign and the digits' offsets.
    private mutating func scanIntegerPart() -> (negative: Bool, digits: Range<Int>)? {
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        let count = index - start
        guard count > 0, count <= 15, !(count > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
        return (negative, start..<index)
    }

    /// A string with backslash escapes, decoded; `index` is at its first byte (after the quote).
    private mutating func readEscapedString() -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(32)
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return decoded.withUnsafeBytes { Self.string($0, ascii: false) }
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = readUnicodeEscape() else { return nil }
                    UTF8.encode(scalar) { decoded.append($0) }
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                decoded.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after the `u`), joining a surrogate pair; `nil` for a lone surrogate.
    private mutating func readUnicodeEscape() -> Unicode.Scalar? {
        guard let high = readHex4() else { return nil }
        if high < 0xD800 || high > 0xDFFF { return Unicode.Scalar(high) }
        guard high <= 0xDBFF, index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        else { return nil }
        index += 2
        guard let low = readHex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let nibble: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | nibble
            index += 1
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A string from UTF-8 bytes; `nil` when they are not valid UTF-8.
    private static func string(_ raw: UnsafeRawBufferPointer, ascii: Bool) -> String? {
        let units = raw.assumingMemoryBound(to: UInt8.self)
        if ascii { return String(decoding: units, as: UTF8.self) }
        return String(validating: units, as: UTF8.self)
    }

    private static func equal(_ raw: UnsafeRawBufferPointer, _ string: String) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == raw.count else { return false }
            for offset in 0..<raw.count where utf8[offset] != raw[offset] { return false }
            return true
        }
    }
}
