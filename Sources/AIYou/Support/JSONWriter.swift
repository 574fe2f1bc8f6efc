import NIOCore

/// Writes JSON straight into a `ByteBuffer`, for the request bodies the client sends on every
/// call: no intermediate `Data`, no reflection over `Codable` containers. The output is compact
/// JSON that parses to exactly what `JSONEncoder` produces for the same value (a differential
/// test checks this on thousands of generated requests).
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray(key: StaticString? = nil) {
        if let key { writeKey(key) } else { separate() }
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func field(_ key: StaticString, _ value: String) {
        writeKey(key)
        writeString(value)
    }

    /// Writes the field only when `value` is present and not empty (the service treats `""` as unset).
    mutating func nonEmptyField(_ key: StaticString, _ value: String?) {
        if let value, !value.isEmpty { field(key, value) }
    }

    mutating func field(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        writeKey(key)
        buffer.writeString(String(value))
    }

    mutating func field(_ key: StaticString, _ value: Double?) {
        guard let value, value.isFinite else { return }
        writeKey(key)
        buffer.writeString(Self.number(value))
    }

    /// A finite number as written: without a fraction when it has none (and is below 10^15).
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }

    /// Writes `key` and the colon; the value written next follows without a comma.
    mutating func key(_ key: StaticString) {
        writeKey(key)
        needsComma = false
    }

    /// Writes a key only known at run time (a member of a ``JSONValue`` object) and the colon.
    mutating func dynamicKey(_ key: String) {
        separate()
        writeString(key)
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Appends bytes already written as JSON (the beginning of an object), as they are.
    mutating func appendRawBytes(_ bytes: inout ByteBuffer) {
        buffer.writeBuffer(&bytes)
        needsComma = false
    }

    /// The next member or element follows a value: it is preceded by a comma.
    mutating func markValueWritten() {
        needsComma = true
    }

    /// Writes already valid JSON text (a literal or a number) as the next value.
    mutating func rawElement(_ text: String) {
        separate()
        buffer.writeString(text)
        needsComma = true
    }

    mutating func field(_ key: StaticString, _ value: Bool?) {
        guard let value else { return }
        writeKey(key)
        buffer.writeStaticString(value ? "true" : "false")
    }

    /// `value` as it appears inside the quotes of a JSON string this writer writes.
    static func escaped(_ value: String) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 8)
        writer.writeString(value)
        let bytes = writer.buffer.readableBytesView
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    /// An array element that is a string.
    mutating func element(_ value: String) {
        separate()
        writeString(value)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private mutating func writeKey(_ key: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeStaticString("\":")
        needsComma = true
    }

    private mutating func writeString(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index])) }
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
                start = index + 1
            }
            if start < bytes.count {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count]))
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }
}

/// A request body the client writes with ``JSONWriter`` instead of `JSONEncoder`.
protocol JSONBody: Sendable {
    func write(to writer: inout JSONWriter)
    /// Every top-level member the body type can write, set or not: the names
    /// ``RequestOptions/extraBodyFields`` may not use.
    static var modeledFields: [String] { get }
}

extension JSONBody {
    /// The body as a buffer.
    var jsonBuffer: ByteBuffer {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.buffer
    }
}
