extension JSONValue {
    /// The compact JSON text of the value, object members in their stored order.
    var serialized: String {
        var output = ""
        self.write(to: &output)
        return output
    }

    /// The JSON text of each member of an object (`"key":value`), or `nil` for other values.
    ///
    /// Joined with `,` and wrapped in braces they give ``serialized``; the streamed events of
    /// the alternate shape use them to break one event's JSON across two `data:` lines.
    var serializedMembers: [String]? {
        guard case .object(let members) = self else { return nil }
        return members.map { member in
            var output = ""
            Self.writeString(member.key, to: &output)
            output.append(":")
            member.value.write(to: &output)
            return output
        }
    }

    private func write(to output: inout String) {
        switch self {
        case .null:
            output.append("null")
        case .bool(let bool):
            output.append(bool ? "true" : "false")
        case .int(let int):
            output.append(String(int))
        case .double(let double):
            output.append(double.isFinite ? String(double) : "null")
        case .string(let string):
            Self.writeString(string, to: &output)
        case .array(let elements):
            output.append("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(",") }
                element.write(to: &output)
            }
            output.append("]")
        case .object(let members):
            output.append("{")
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(",") }
                Self.writeString(member.key, to: &output)
                output.append(":")
                member.value.write(to: &output)
            }
            output.append("}")
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case "\u{08}": output.append("\\b")
            case "\u{0C}": output.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append("\"")
    }
}
