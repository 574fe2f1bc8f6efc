/// The extremes ``MockFault/absurdNumbers`` puts in place of the numbers the client reads.
enum AbsurdNumbers {
    /// `1e300`, which JSON writes `1e+300`: finite, but beyond every integer type.
    static let huge: JSONValue = .double(1e300)
    /// `Int.max`, `9223372036854775807`: one more overflows a 64-bit integer.
    static let largestInteger: JSONValue = .int(Int.max)
    /// A number beyond every integer type, as a string.
    static let hugeNumericString: JSONValue = "99999999999999999999999999999"
}
