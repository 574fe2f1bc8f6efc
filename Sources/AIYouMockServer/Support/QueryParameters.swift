/// The parameters of a URL query string (`a=1&b=two+words`), percent- and `+`-decoded; the
/// first occurrence of a name wins.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if self.values[name] == nil {
                self.values[name] = value
            }
        }
    }

    /// The value of `name`, if present.
    subscript(name: String) -> String? { self.values[name] }

    /// The integer value of `name`; `defaultValue` when absent or empty, `nil` when not an integer.
    func integer(_ name: String, default defaultValue: Int) -> Int? {
        guard let text = self.values[name], !text.isEmpty else { return defaultValue }
        return Int(text)
    }

    private static func decode(_ component: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next() else {
                    bytes.append(byte)
                    break
                }
                guard let low = iterator.next() else {
                    bytes += [byte, high]
                    break
                }
                if let value = Self.hexValue(high, low) {
                    bytes.append(value)
                } else {
                    bytes += [byte, high, low]
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard let high = nibble(high), let low = nibble(low) else { return nil }
        return high << 4 | low
    }
}
