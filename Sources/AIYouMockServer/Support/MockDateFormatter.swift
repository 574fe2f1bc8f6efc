import Foundation

/// Formats dates as RFC 3339 text in the two styles the service has been seen to use.
enum MockDateFormatter {
    /// The offset used by the alternate shape: Paris summer time, `+02:00`.
    static let alternateOffsetSeconds = 2 * 3600

    /// `2025-03-01T12:30:45.123Z` for the primary shape,
    /// `2025-03-01T14:30:45+02:00` for the alternate one.
    static func string(from date: Date, shape: MockResponseShape) -> String {
        switch shape {
        case .primary: Self.utcWithFraction(date)
        case .alternate: Self.withOffset(date, offsetSeconds: Self.alternateOffsetSeconds)
        }
    }

    /// UTC with milliseconds and a `Z` suffix.
    static func utcWithFraction(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = Int(interval.rounded(.down))
        let milliseconds = min(999, Int(((interval - Double(seconds)) * 1000).rounded(.down)))
        return Self.civil(seconds) + "." + Self.pad(milliseconds, 3) + "Z"
    }

    /// Whole seconds shifted to a fixed offset, written as `±hh:mm`.
    static func withOffset(_ date: Date, offsetSeconds: Int) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let sign = offsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(offsetSeconds)
        return Self.civil(seconds) + sign + Self.pad(magnitude / 3600, 2) + ":" + Self.pad(magnitude % 3600 / 60, 2)
    }

    /// `yyyy-MM-ddTHH:mm:ss` for seconds since 1970 (proleptic Gregorian calendar).
    private static func civil(_ secondsSince1970: Int) -> String {
        let days = Int((Double(secondsSince1970) / 86_400).rounded(.down))
        let secondOfDay = secondsSince1970 - days * 86_400
        // Days to civil date, after Howard Hinnant's `civil_from_days`.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T"
            + Self.pad(secondOfDay / 3600, 2) + ":" + Self.pad(secondOfDay % 3600 / 60, 2) + ":" + Self.pad(secondOfDay % 60, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
