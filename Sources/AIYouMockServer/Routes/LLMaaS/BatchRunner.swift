import Foundation
import NIOCore

/// Checks a batch's input file and runs each of its requests through the server's own chat and
/// embeddings logic, giving the lines of the result files.
enum BatchRunner {
    /// The most requests a batch may hold (the LLMaaS documentation's limit).
    static let maxRequests = 50_000
    /// The most errors reported for a refused input file.
    static let maxReportedErrors = 10

    /// One request and its result line.
    struct Line: Sendable {
        /// The request's `custom_id`.
        var customID: String
        /// The result line, without its line break.
        var text: String
        /// Whether it goes to the error file (an `error` object: the request could not be run).
        var toErrorFile: Bool
        /// Whether the request got a 2xx answer.
        var succeeded: Bool
    }

    /// What becomes of an input file.
    enum Plan: Sendable {
        /// The file is refused: the errors of `errors.data`.
        case refused([JSONValue])
        /// Every request with its result line, in the file's order.
        case run([Line])
    }

    /// Checks `file` and runs its requests: batch number `batch` gives the lines' ids.
    ///
    /// The file is refused when a non-blank line is not a JSON object, has no `custom_id`
    /// string (or an empty one), repeats a `custom_id`, or when it holds no request or more
    /// than ``maxRequests``.
    static func plan(_ file: ByteBuffer, batch: Int) -> Plan {
        var errors: [JSONValue] = []
        var seen: [String: Int] = [:]
        var count = 0
        // First the whole file is checked, then each request is read again and run, so that
        // the parsed requests are never held together.
        for (lineNumber, request) in Self.requests(in: file) {
            if errors.count >= maxReportedErrors { break }
            guard let request, request.objectMembers != nil else {
                errors.append(Self.error("invalid_json_line", "Line \(lineNumber) is not a JSON object.", param: nil, line: lineNumber))
                continue
            }
            guard let customID = request["custom_id"]?.stringValue, !customID.isEmpty else {
                errors.append(Self.error("missing_custom_id", "Line \(lineNumber) has no custom_id.", param: "custom_id", line: lineNumber))
                continue
            }
            if let first = seen[customID] {
                errors.append(
                    Self.error(
                        "duplicate_custom_id",
                        "The custom_id '\(customID)' of line \(lineNumber) is already used on line \(first).",
                        param: "custom_id",
                        line: lineNumber
                    )
                )
                continue
            }
            seen[customID] = lineNumber
            count += 1
            if count > maxRequests {
                errors.append(
                    Self.error("too_many_requests", "The file holds more than \(maxRequests) requests.", param: nil, line: lineNumber)
                )
                break
            }
        }
        if errors.isEmpty, count == 0 {
            errors.append(Self.error("empty_file", "The file holds no request.", param: nil, line: nil))
        }
        if !errors.isEmpty { return .refused(errors) }
        var lines: [Line] = []
        lines.reserveCapacity(count)
        for (_, request) in Self.requests(in: file) {
            guard let request, let customID = request["custom_id"]?.stringValue else { continue }
            lines.append(Self.run(request, customID: customID, batch: batch, index: lines.count))
        }
        return .run(lines)
    }

    /// The non-blank lines of `file` with their numbers (from 1), each parsed (`nil` when it is
    /// not JSON), one at a time.
    private static func requests(in file: ByteBuffer) -> some Sequence<(Int, JSONValue?)> {
        let decoder = JSONDecoder()
        return file.readableBytesView.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).lazy.enumerated()
            .compactMap { offset, rawLine -> (Int, JSONValue?)? in
                var line = rawLine[...]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
                return (offset + 1, try? decoder.decode(JSONValue.self, from: Data(line)))
            }
    }

    /// Runs one request line: `url` `/v1/chat/completions` through the chat route's logic,
    /// `/v1/embeddings` through the embeddings route's; any other `url`, or a `method` other than
    /// `POST`, is an `error` line.
    static func run(_ request: JSONValue, customID: String, batch: Int, index: Int) -> Line {
        let url = request["url"]?.stringValue ?? ""
        guard request["method"]?.stringValue == "POST" else {
            return Self.errorLine(
                customID: customID,
                batch: batch,
                index: index,
                code: "invalid_method",
                message: "Only POST requests can be batched."
            )
        }
        let body = request["body"]
        let answer: Result<String, LLMaaSRequestError>
        switch url {
        case "/v1/chat/completions":
            do throws(LLMaaSRequestError) {
                let chat = try LLMaaSChatRequest(body)
                if chat.stream { throw LLMaaSRequestError.invalid("Streaming is not supported in batches.", param: "stream") }
                answer = .success(LLMaaSChatCompletion(request: chat, absurdNumbers: false).json.serialized)
            } catch {
                answer = .failure(error)
            }
        case "/v1/embeddings":
            do throws(LLMaaSRequestError) {
                answer = .success(String(buffer: try LLMaaSEmbeddingRoutes.answer(body, absurdNumbers: false)))
            } catch {
                answer = .failure(error)
            }
        default:
            return Self.errorLine(
                customID: customID,
                batch: batch,
                index: index,
                code: "invalid_url",
                message: "The URL '\(url)' cannot be batched: use /v1/chat/completions or /v1/embeddings."
            )
        }
        let status: Int
        let text: String
        switch answer {
        case .success(let body):
            (status, text) = (200, body)
        case .failure(let error):
            status = error.status.code
            text = OpenAIErrors.json(status: error.status, message: error.message, param: error.param, code: error.code).serialized
        }
        let line =
            #"{"id":"\#(Self.requestID(batch: batch, index: index))","custom_id":\#(JSONValue.string(customID).serialized),"#
            + #""response":{"status_code":\#(status),"request_id":"req_\#(batch)_\#(index + 1)","body":\#(text)},"error":null}"#
        return Line(customID: customID, text: line, toErrorFile: false, succeeded: status == 200)
    }

    /// The error line of a request that was not run.
    static func errorLine(customID: String, batch: Int, index: Int, code: String, message: String) -> Line {
        let error: JSONValue = ["code": .string(code), "message": .string(message)]
        let line =
            #"{"id":"\#(Self.requestID(batch: batch, index: index))","custom_id":\#(JSONValue.string(customID).serialized),"#
            + #""response":null,"error":\#(error.serialized)}"#
        return Line(customID: customID, text: line, toErrorFile: true, succeeded: false)
    }

    /// The error line of a request the completion window ended before.
    static func expiredLine(customID: String, batch: Int, index: Int) -> Line {
        Self.errorLine(
            customID: customID,
            batch: batch,
            index: index,
            code: "batch_expired",
            message: "This request could not be executed before the completion window expired."
        )
    }

    /// `batch_req_<batch>_<n>`, n from 1.
    static func requestID(batch: Int, index: Int) -> String {
        "batch_req_\(batch)_\(index + 1)"
    }

    /// An entry of `errors.data`.
    static func error(_ code: String, _ message: String, param: String?, line: Int?) -> JSONValue {
        [
            "code": .string(code),
            "message": .string(message),
            "param": param.map { .string($0) } ?? .null,
            "line": line.map { .int($0) } ?? .null,
        ]
    }
}
