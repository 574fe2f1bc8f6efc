import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// What the client makes of the batch objects servers send, known shapes and others.
@Suite("Batch objects as servers send them")
struct BatchJobDecodingTests {
    static func job(_ text: String) throws -> BatchJob {
        try JSONCoding.decode(BatchJob.self, from: text)
    }

    @Test("a status the client does not know is kept as sent, not terminal, and safe to print")
    func unknownStatus() throws {
        let job = try Self.job(#"{"id":"b1","status":"paused\u001b[2J","request_counts":{"total":"3","completed":-2}}"#)
        #expect(job.status.rawValue == "paused\u{1B}[2J" && !job.status.isKnown && !job.status.isTerminal)
        #expect(job.status.description == "paused\\u{1B}[2J")
        #expect(job.requestCounts == BatchJob.RequestCounts(total: 3, completed: 0, failed: 0))
        #expect(BatchJob.Status.known.allSatisfy { $0.isKnown })
        #expect(BatchJob.Status.known.filter(\.isTerminal) == [.completed, .failed, .expired, .cancelled])
    }

    @Test("every field read leniently: errors as a list object or a bare array, numeric ids, dates in seconds or text")
    func lenientFields() throws {
        let full = try Self.job(
            #"{"id":42,"object":"batch","endpoint":"/v1/embeddings","status":"failed","input_file_id":"file-1","#
                + #""output_file_id":null,"error_file_id":"file-2","completion_window":"24h","created_at":1767100000,"#
                + #""failed_at":"2026-01-01T00:00:00Z","metadata":{"run":"nightly","n":3,"nested":{}},"#
                + #""errors":{"object":"list","data":[{"code":"invalid_json_line","message":"bad","line":"2"},7]}}"#
        )
        #expect(full.id == "42" && full.endpoint == "/v1/embeddings" && full.status == .failed)
        #expect(full.outputFileID == nil && full.errorFileID == "file-2" && full.completionWindow == "24h")
        #expect(full.createdAt == Date(timeIntervalSince1970: 1_767_100_000) && full.failedAt != nil)
        #expect(full.metadata == ["run": "nightly", "n": "3"])
        #expect(full.errors == [BatchJob.Failure(code: "invalid_json_line", message: "bad", line: 2)])
        let bare = try Self.job(#"{"id":"b","status":"failed","errors":[{"code":"x"}]}"#)
        #expect(bare.errors == [BatchJob.Failure(code: "x")])
        #expect(throws: (any Error).self) { try Self.job(#"{"status":"completed"}"#) }
        #expect(throws: (any Error).self) { try Self.job(#"{"id":"b"}"#) }

        let page = try JSONCoding.decode(
            BatchPage.self,
            from: #"{"data":[{"id":"a","status":"completed"},{"id":"b"},{"id":"c","status":"validating"}]}"#
        )
        #expect(page.batches.map(\.id) == ["a", "c"] && !page.hasMore && page.firstID == "a" && page.lastID == "c")
        #expect(throws: (any Error).self) { try JSONCoding.decode(BatchPage.self, from: #"{"object":"list"}"#) }
        let file = try JSONCoding.decode(
            UploadedFile.self,
            from: #"{"id":"file-1","bytes":-5,"purpose":"batch","created_at":"1767100000"}"#
        )
        #expect(file.bytes == 0 && file.purpose == "batch")
    }
}
