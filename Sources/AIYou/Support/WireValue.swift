import Foundation

/// The one bounded reading of numbers that come from the network.
///
/// A server can send anything: `Retry-After: 1e19`, `inf`, `nan`, 30-digit counts, token counts
/// near `Int.max`, dates in the year 9999. Every such value is read here before the client does
/// arithmetic, allocation or sleeping with it: numbers are parsed with a strict decimal grammar
/// and clamped to documented ranges, never converted with a trapping initialiser.
enum WireValue {
    /// The longest delay a server can ask for (`Retry-After`, `retry-after-ms`, rate-limit
    /// resets): one day. Longer values are read as this; ``Configuration/Retry/maxRetryAfter``
    /// then decides whether the client waits at all.
    static let maxServerDelay: Duration = .seconds(maxServerDelaySeconds)
    private static let maxServerDelaySeconds: Int64 = 86_400

    /// `value` as an `Int` when it is a whole number inside `Int`'s range, else `nil` (never traps).
    static func exactInt(_ value: Double) -> Int? {
        guard value.isFinite, value.rounded() == value, value >= -9.2e18, value <= 9.2e18 else { return nil }
        return Int(value)
    }

    /// The earliest and latest dates the client represents: 0001-01-01 and 9999-12-31 (UTC).
    static let earliestDate = Date(timeIntervalSince1970: -62_135_596_800)
    static let latestDate = Date(timeIntervalSince1970: 253_402_300_799)

    /// A non-negative decimal number as servers write them in headers: `120`, `1.5`, `1e19`,
    /// `+3`. Anything else (`inf`, `nan`, hex floats, empty text, text around the number) is `nil`.
    /// A value too large for a `Double` is `+infinity`, which the readers below clamp.
    static func decimal(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let bytes = Array(trimmed.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if bytes[index] == UInt8(ascii: "+") { index += 1 }
        let whole = digits()
        var fraction = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fraction = digits()
        }
        guard whole + fraction > 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == bytes.count else { return nil }
        return Double(trimmed)
    }

    /// A server's delay given in seconds, clamped to `0…maxServerDelay`; `nil` for NaN.
    static func delay(seconds: Double) -> Duration? {
        guard !seconds.isNaN else { return nil }
        guard seconds > 0 else { return .zero }
        guard seconds < Double(maxServerDelaySeconds) else { return maxServerDelay }
        // At most 8.64e13 ns here: the conversion cannot trap.
        return .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }

    /// A server's delay given in milliseconds, clamped like ``delay(seconds:)``.
    static func delay(milliseconds: Double) -> Duration? {
        milliseconds.isNaN ? nil : delay(seconds: milliseconds / 1000)
    }

    /// The interval from `now` to `date` as a server's delay, clamped like ``delay(seconds:)``.
    static func delay(until date: Date, now: Date) -> Duration? {
        delay(seconds: date.timeIntervalSince(now))
    }

    /// An integer from a floating-point wire value, saturating at `Int`'s bounds; `nil` for NaN
    /// or a value with a fraction.
    static func integer(_ value: Double) -> Int? {
        guard !value.isNaN, value.rounded(.towardZero) == value else { return nil }
        if value >= 9.223_372_036_854_775e18 { return .max }
        if value <= -9.223_372_036_854_775e18 { return .min }
        return Int(value)
    }

    /// `a + b`, saturating at `Int`'s bounds (token counts and totals add up without trapping).
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return result }
        return b > 0 ? .max : .min
    }

    /// A date from Unix seconds, clamped to ``earliestDate``…``latestDate``; `nil` for NaN.
    static func date(unixSeconds: Double) -> Date? {
        guard !unixSeconds.isNaN else { return nil }
        return clamped(Date(timeIntervalSince1970: unixSeconds))
    }

    /// `date` moved into ``earliestDate``…``latestDate``.
    static func clamped(_ date: Date) -> Date {
        min(max(date, earliestDate), latestDate)
    }

    /// Whole seconds from `start` to `end`, saturating (for log lines).
    static func wholeSeconds(from start: Date, to end: Date) -> Int {
        integer(end.timeIntervalSince(start).rounded(.towardZero)) ?? 0
    }
}
