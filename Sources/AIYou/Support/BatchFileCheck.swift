import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks a batch input file passes before it is sent, line by line, so that a file the
/// service would refuse (or that would make results impossible to match to requests) is refused
/// locally with ``AIYouError/Code/invalidRequest``: every request has a non-empty `custom_id`
/// used once, the file holds 1 to ``AIYouClient/maxBatchRequests`` requests and at most
/// ``AIYouClient/maxBatchFileBytes`` bytes, and no line is longer than
/// ``AIYouClient/maxBatchLineBytes``.
struct BatchFileCheck {
    /// The file's name, for messages.
    let name: String
    private(set) var requests = 0
    private(set) var bytes = 0
    /// Each custom id and the line (or request) it was first seen on.
    private var customIDs: [String: Int] = [:]

    init(name: String) {
        self.name = name
    }

    /// Counts `count` more bytes of the file.
    mutating func add(bytes count: Int) throws(AIYouError) {
        bytes += count
        guard bytes <= AIYouClient.maxBatchFileBytes else {
            throw .invalidRequest(
                "batch file \(quotedName): larger than \(AIYouClient.maxBatchFileBytes) bytes (the service takes files of at most 100 MB)"
            )
        }
    }

    /// Counts one request and its custom id; it is `kind` (`line`, `request`) `number` of the
    /// file, for messages.
    mutating func add(customID: String, kind: String, number: Int) throws(AIYouError) {
        let place = "\(kind) \(number)"
        if customID.allSatisfy(\.isWhitespace) { throw .invalidRequest("batch file \(quotedName): \(place): the custom_id is empty") }
        if let first = customIDs[customID] {
            throw .invalidRequest(
                "batch file \(quotedName): \(place): the custom_id \"\(Self.shown(customID))\" is already used by \(kind) \(first)"
            )
        }
        requests += 1
        guard requests <= AIYouClient.maxBatchRequests else {
            throw .invalidRequest(
                "batch file \(quotedName): more than \(AIYouClient.maxBatchRequests) requests (the service's limit per batch)"
            )
        }
        customIDs[customID] = number
    }

    /// The file is complete: it must hold a request.
    func finish() throws(AIYouError) {
        if requests == 0 { throw .invalidRequest("batch file \(quotedName): it holds no request") }
    }

    /// Checks one line of a JSONL file written by someone else: a JSON object with a
    /// `custom_id`, `"method": "POST"`, an endpoint path as `url` and an object as `body`.
    mutating func check(line: ByteBuffer, number: Int) throws(AIYouError) {
        let request: InputLine
        do {
            request = try JSONCoding.decode(InputLine.self, from: line)
        } catch {
            throw .invalidRequest("batch file \(quotedName): line \(number) is not a JSON object (\(ErrorMapping.describe(error)))")
        }
        let place = "line \(number)"
        guard let customID = request.customID else {
            throw .invalidRequest("batch file \(quotedName): \(place) has no custom_id (a string)")
        }
        try add(customID: customID, kind: "line", number: number)
        guard request.method == "POST" else {
            throw .invalidRequest("batch file \(quotedName): \(place): method must be \"POST\"")
        }
        guard let url = request.url, url.hasPrefix("/"), !SafeText.containsControlCharacters(url) else {
            throw .invalidRequest("batch file \(quotedName): \(place): url must be an endpoint path such as /v1/chat/completions")
        }
        guard request.bodyIsObject else { throw .invalidRequest("batch file \(quotedName): \(place): body must be a JSON object") }
    }

    /// Checks the JSONL file at `path` line by line, reading it in 64 KiB pieces (never whole)
    /// and letting other tasks run between pieces. Returns its size.
    static func check(fileAt path: String, name: String) async throws(AIYouError) -> Int {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .invalidRequest("batch file \"\(shown(name))\": it does not exist or cannot be read")
        }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw .invalidRequest("batch file \"\(shown(name))\": it is not a regular file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        var check = BatchFileCheck(name: name)
        try check.add(bytes: size)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .invalidRequest("batch file \(check.quotedName): it cannot be read") }
        defer { close(descriptor) }
        var reader = JSONLinesReader(maxLineBytes: AIYouClient.maxBatchLineBytes)
        func checkLines() throws(AIYouError) {
            while let piece = reader.next() {
                switch piece {
                case .line(let number, let bytes):
                    try check.check(line: bytes, number: number)
                case .tooLong(let number):
                    throw .invalidRequest(
                        "batch file \(check.quotedName): line \(number) is longer than \(AIYouClient.maxBatchLineBytes) bytes"
                    )
                }
            }
        }
        var chunk = ByteBuffer()
        var total = 0
        // As far as the size said: a file that grows meanwhile is checked (and sent) up to it.
        while total < size {
            let wanted = min(MultipartUpload.chunkSize, size - total)
            chunk.clear(minimumCapacity: wanted)
            let count = chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { pointer in
                while true {
                    let result = read(descriptor, pointer.baseAddress!, wanted)
                    if result >= 0 || errno != EINTR { return max(0, result) }
                }
            }
            if count == 0 { break }
            total += count
            reader.feed(chunk)
            try checkLines()
            await Task.yield()
            if Task.isCancelled { throw AIYouError(.cancelled, "batch file \(check.quotedName): cancelled while it was checked") }
        }
        reader.finish()
        try checkLines()
        try check.finish()
        return size
    }

    var quotedName: String { "\"\(Self.shown(name))\"" }

    /// A text of the file (a name, an id) as messages show it: escaped and cut.
    static func shown(_ text: String) -> String {
        SafeText.escapingControlCharacters(String(text.prefix(64)), keepingLineBreaks: false)
    }

    /// What the checks read of a line.
    private struct InputLine: Decodable {
        var customID: String?
        var method: String?
        var url: String?
        var bodyIsObject: Bool

        /// An object whose members are not read.
        private struct AnyObject: Decodable {
            init(from decoder: any Decoder) throws {
                _ = try decoder.container(keyedBy: AnyCodingKey.self)
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyCodingKey.self)
            customID = try? container.decode(String.self, forKey: AnyCodingKey("custom_id"))
            method = try? container.decode(String.self, forKey: AnyCodingKey("method"))
            url = try? container.decode(String.self, forKey: AnyCodingKey("url"))
            bodyIsObject = (try? container.decode(AnyObject.self, forKey: AnyCodingKey("body"))) != nil
        }
    }
}
