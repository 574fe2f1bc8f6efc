/// A header value of the form `value; name=param; other="quoted param"`, as used by
/// `Content-Type` and `Content-Disposition`.
struct HeaderParameters: Sendable {
    /// The part before the first `;`, trimmed (e.g. `multipart/form-data`).
    var value: String
    /// The parameters, names lowercased, quoted values unquoted.
    var parameters: [String: String]

    /// Splits a header value into its main value and parameters; quotes and backslash
    /// escapes inside quoted values are honoured.
    init(parsing header: some StringProtocol) {
        var segments: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if inQuotes && character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                current.append(character)
                inQuotes.toggle()
            } else if character == ";" && !inQuotes {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)

        self.value = segments[0].trimmingSpaces()
        var parameters: [String: String] = [:]
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: "=") else { continue }
            let name = segment[..<equals].trimmingSpaces().lowercased()
            let rawValue = segment[segment.index(after: equals)...].trimmingSpaces()
            guard !name.isEmpty, parameters[name] == nil else { continue }
            parameters[name] = Self.unquote(rawValue)
        }
        self.parameters = parameters
    }

    private static func unquote(_ value: String) -> String {
        guard value.count >= 2, value.first == "\"", value.last == "\"" else { return value }
        var result = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
