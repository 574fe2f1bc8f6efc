import Foundation

/// The results of the tools that answer at once: `{"content":[…],"isError":…}`.
enum MCPToolResult {
    /// The text of the `fail` tool.
    static let failureText = "the tool failed on purpose"
    /// The text the `disconnect` tool's kept answer carries.
    static let resumedText = "resumed"
    /// The text of the `slow` tool.
    static let slowText = "done"
    /// The phrase the `huge` tool's text repeats.
    static let hugePhrase = "lorem ipsum "

    /// A result of one text content.
    static func text(_ text: String, isError: Bool = false) -> JSONValue {
        ["content": [["type": "text", "text": .string(text)]], "isError": .bool(isError)]
    }

    /// `get_weather`: `Sunny, 21 °C in <city>`; an error result when `city` is missing or not a
    /// string.
    static func weather(_ arguments: JSONValue) -> JSONValue {
        guard let city = arguments["city"] else { return Self.text("Missing required argument: city", isError: true) }
        guard let name = city.stringValue else { return Self.text("The argument city must be a string", isError: true) }
        return Self.text("Sunny, 21 °C in \(name)")
    }

    /// `calculate`: the result of `operation` on `a` and `b` as text (an integral result
    /// without a fraction, e.g. `5`); an error result for a missing or unknown operation, a
    /// missing or non-numeric operand, a division by zero or a result that is not finite.
    static func calculate(_ arguments: JSONValue) -> JSONValue {
        guard let operation = arguments["operation"]?.stringValue else {
            return Self.text("Missing required argument: operation (add, subtract, multiply or divide)", isError: true)
        }
        guard let a = arguments["a"].flatMap(Self.number) else {
            return Self.text("The argument a must be a number", isError: true)
        }
        guard let b = arguments["b"].flatMap(Self.number) else {
            return Self.text("The argument b must be a number", isError: true)
        }
        let value: Double
        switch operation {
        case "add": value = a + b
        case "subtract": value = a - b
        case "multiply": value = a * b
        case "divide":
            guard b != 0 else { return Self.text("Division by zero", isError: true) }
            value = a / b
        default:
            return Self.text("Unknown operation: \(operation) (add, subtract, multiply or divide)", isError: true)
        }
        guard value.isFinite else { return Self.text("The result is not a finite number", isError: true) }
        return Self.text(Self.format(value))
    }

    /// `huge`: one text of exactly `bytes` UTF-8 bytes (``hugePhrase`` repeated, the last one cut).
    static func huge(bytes: Int) -> JSONValue {
        let count = max(0, bytes)
        let phrase = Array(Self.hugePhrase.utf8)
        let text = String(decoding: (0..<count).lazy.map { phrase[$0 % phrase.count] }, as: UTF8.self)
        return Self.text(text)
    }

    /// `two_parts`: the texts `first part` and `second part`, then a PNG image as base64.
    static func twoParts() -> JSONValue {
        let image = Data(MockPNG.image(prompt: "two_parts", index: 0)).base64EncodedString()
        return [
            "content": [
                ["type": "text", "text": "first part"],
                ["type": "text", "text": "second part"],
                ["type": "image", "data": .string(image), "mimeType": "image/png"],
            ],
            "isError": false,
        ]
    }

    /// A JSON number as a `Double`, `nil` for other values.
    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let int): Double(int)
        case .double(let double): double
        default: nil
        }
    }

    /// `value` without a fraction when it is integral and exactly representable, else as
    /// Swift prints a `Double`.
    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9e15 {
            return String(Int(value))
        }
        return String(value)
    }
}
