import AIYou
import ArgumentParser
import Foundation

/// How the `batch` commands show batches and results: one line each, everything from the
/// service escaped (``SafeText``), and with `--json` one JSON object per line.
extension BatchJob {
    /// `ID  STATUS  C/T done, F failed  output: FILE  errors: FILE`.
    var statusLine: String {
        var line = "\(Self.shown(id))\t\(status)\t\(requestCounts.completed)/\(requestCounts.total) done, \(requestCounts.failed) failed"
        if let outputFileID { line += "\toutput: \(Self.shown(outputFileID))" }
        if let errorFileID { line += "\terrors: \(Self.shown(errorFileID))" }
        return line
    }

    /// The input file's refusals, one line each: `  line N: CODE: MESSAGE`.
    var errorLines: [String] {
        errors.map { failure in
            var line = "  "
            if let number = failure.line { line += "line \(number): " }
            if let code = failure.code { line += "\(Self.shown(code)): " }
            return line + Self.shown(failure.message ?? "refused")
        }
    }

    var jsonObject: [String: Any?] {
        [
            "id": id, "status": status.rawValue, "endpoint": endpoint, "input_file_id": inputFileID, "output_file_id": outputFileID,
            "error_file_id": errorFileID, "completion_window": completionWindow,
            "request_counts": ["total": requestCounts.total, "completed": requestCounts.completed, "failed": requestCounts.failed],
            "errors": errors.map { ["code": $0.code, "message": $0.message, "param": $0.param, "line": $0.line] as [String: Any?] },
            "metadata": metadata, "created_at": createdAt, "completed_at": completedAt, "failed_at": failedAt, "expired_at": expiredAt,
            "cancelled_at": cancelledAt,
        ]
    }

    /// Wire text on one line, control characters escaped.
    static func shown(_ text: String) -> String {
        SafeText.escapingControlCharacters(text, keepingLineBreaks: false)
    }
}

extension BatchResult {
    /// `CUSTOM_ID  ok  TEXT` (a chat answer on one line, or `N vectors of D dimensions`), or
    /// `CUSTOM_ID  error  CODE: MESSAGE`; a line without a custom id is named `line N`.
    var line: String {
        let name = customID.map(BatchJob.shown) ?? "line \(lineNumber)"
        switch result {
        case .success(.chatCompletion(let completion)):
            return "\(name)\tok\t\(BatchJob.shown(completion.text))"
        case .success(.embeddings(let embeddings)):
            return "\(name)\tok\t\(embeddings.vectors.count) vector(s) of \(embeddings.dimensions) dimensions"
        case .failure(let error):
            let code = error.errorCode.map { "\(BatchJob.shown($0)): " } ?? ""
            return "\(name)\terror\t\(error.code)\(error.status.map { " (HTTP \($0))" } ?? ""): \(code)\(error.message)"
        }
    }

    var jsonObject: [String: Any?] {
        var object: [String: Any?] = [
            "custom_id": customID, "request_id": requestID, "file_id": fileID, "line": lineNumber,
        ]
        switch result {
        case .success(.chatCompletion(let completion)):
            object["status"] = "ok"
            object["type"] = "chat.completion"
            object["completion"] = completion.jsonObject
        case .success(.embeddings(let embeddings)):
            object["status"] = "ok"
            object["type"] = "embeddings"
            object["embeddings"] = embeddings.jsonObject
        case .failure(let error):
            object["status"] = "error"
            object["error"] =
                [
                    "code": error.code.description, "message": error.message, "http_status": error.status, "error_code": error.errorCode,
                ] as [String: Any?]
        }
        return object
    }
}

extension Terminal {
    /// Prints a JSON value (as ``printJSON(_:)`` does) on one line, for output read line by line.
    ///
    /// - Throws: `ExitCode.failure` when the value cannot be encoded, once the error is reported.
    static func printJSONLine(_ value: Any) throws {
        guard let text = JSONOutput.encode(JSONSanitizer.sanitize(value)) else {
            error("could not encode the result as JSON")
            throw ExitCode.failure
        }
        // The layout's line breaks are the only ones (strings hold escaped ones): each line of
        // the pretty text starts with its indentation, which goes too.
        let compact = text.split(separator: "\n").map { $0.drop(while: { $0 == " " }) }.joined()
        writeRaw(compact + "\n")
    }
}
