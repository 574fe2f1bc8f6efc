/// Reads JSON numbers as `Float`, for embedding vectors: a million numbers in one answer.
///
/// The result is the `Float` nearest to the decimal number (correctly rounded, ties to even),
/// which is what `JSONDecoder` gives for a `Float` (it calls `strtof`) and what `Float(String)`
/// gives. It is not always `Float(Double(text))`: rounding first to `Double` and then to `Float`
/// differs in rare cases where the decimal lies within half a `Double` step of the midpoint
/// between two `Float`s, e.g. `1.000000059604644776` is `Float` `1.0000001` here and in
/// `JSONDecoder`, but `Float(Double(text))` is `1.0` (`EmbeddingsDecodingTests` checks both).
///
/// Common numbers (at most 19 significant digits, a decimal exponent within ±22, a magnitude in
/// `Float`'s normal range) take a fast path: the digits as an integer, scaled by an exact power of
/// ten in `Double` arithmetic, then rounded to `Float`. That `Double` is within two of its units
/// of the exact value, so unless it lies within four units of a midpoint between two `Float`s, its
/// rounding to `Float` is the exact value's rounding. Everything else, and those few
/// near-midpoint values, is parsed by `Float(String)`.
enum JSONFloat {
    /// `1e0` … `1e22`: the powers of ten a `Double` holds exactly.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The number that starts at `index` (a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`),
    /// with `index` moved past it. `nil` when the bytes there are not a JSON number, or when the
    /// number is outside `Float`'s range — infinite once rounded, or not zero but rounded to zero —
    /// which `JSONDecoder` refuses, or a zero written with an exponent; `index` is then unspecified.
    static func parse(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Float? {
        let start = index
        let count = bytes.count
        var position = index
        var negative = false
        if position < count, bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        // The first 19 significant digits, and the power of ten they are scaled by.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var dropped = false
        guard position < count else { return nil }
        let first = bytes[position]
        if first == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(first) {
            while position < count, isDigit(bytes[position]) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
                    significantDigits += 1
                } else {
                    dropped = true
                }
                position += 1
            }
        } else {
            return nil
        }
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < count, isDigit(bytes[position]) {
                let digit = bytes[position] &- UInt8(ascii: "0")
                if mantissa == 0, digit == 0 {
                    exponent -= 1
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significantDigits += 1
                    exponent -= 1
                } else {
                    dropped = true
                }
                position += 1
            }
            guard position > fractionStart else { return nil }
        }
        let hasExponent = position < count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E"))
        if hasExponent {
            position += 1
            var exponentIsNegative = false
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentIsNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let digitsStart = position
            var written = 0
            while position < count, isDigit(bytes[position]) {
                // Saturates far beyond any exponent a Float can use; the slow path decides then.
                if written < 100_000 { written = written * 10 + Int(bytes[position] &- UInt8(ascii: "0")) }
                position += 1
            }
            guard position > digitsStart else { return nil }
            exponent += exponentIsNegative ? -written : written
        }
        index = position
        if mantissa == 0 {
            // A zero with an exponent (`0e4`) is left to JSONDecoder, which refuses some of them:
            // its test for a true zero reads a number's last bytes backwards (swift-foundation).
            return hasExponent ? nil : (negative ? -0.0 : 0.0)
        }
        if !dropped, exponent >= -22, exponent <= 22 {
            let scaled =
                exponent < 0 ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa) * powersOfTen[exponent]
            if scaled >= 1e-37, scaled <= 1e38 {
                // The low 29 bits of the significand are the part a Float drops; 2^28 is the midpoint.
                let lowBits = Int(truncatingIfNeeded: scaled.bitPattern & 0x1FFF_FFFF)
                let distance = lowBits > 0x1000_0000 ? lowBits - 0x1000_0000 : 0x1000_0000 - lowBits
                if distance > 4 {
                    let value = Float(scaled)
                    return negative ? -value : value
                }
            }
        }
        return slowParse(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
    }

    /// A JSON number's text (already checked) read by `Float(String)`; `nil` outside the range.
    private static func slowParse(_ text: UnsafeRawBufferPointer) -> Float? {
        guard let value = Float(String(decoding: text, as: UTF8.self)), value.isFinite else { return nil }
        // Only a number whose digits are all zero is zero; the caller returned those already.
        return value == 0 ? nil : value
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
