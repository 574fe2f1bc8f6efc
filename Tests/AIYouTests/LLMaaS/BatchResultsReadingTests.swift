import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// How a results file is read: the bounded line reader, and what each kind of line becomes,
/// hostile ones included (scripted answers, no server).
@Suite("Batch results: lines and their outcomes")
struct BatchResultsReadingTests {
    /// The pieces `reader` hands out for `chunks`, as `(number, text)`; a too-long line as `(number, nil)`.
    static func pieces(_ chunks: [String], maxLineBytes: Int = 64) -> [(Int, String?)] {
        var reader = JSONLinesReader(maxLineBytes: maxLineBytes)
        var pieces: [(Int, String?)] = []
        func drain() {
            while let piece = reader.next() {
                switch piece {
                case .line(let number, let bytes): pieces.append((number, String(buffer: bytes)))
                case .tooLong(let number): pieces.append((number, nil))
                }
            }
        }
        for chunk in chunks {
            reader.feed(ByteBuffer(string: chunk))
            drain()
        }
        reader.finish()
        drain()
        return pieces
    }

    static func same(_ left: [(Int, String?)], _ right: [(Int, String?)]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    @Test("lines split anywhere across pieces, CRLF, a byte order mark, blank lines counted, a last line without a break")
    func splitting() {
        let text = "\u{FEFF}{\"a\":1}\r\n\n  \t\n{\"b\":2}\n{\"c\":3}"
        let expected: [(Int, String?)] = [(1, "{\"a\":1}"), (4, "{\"b\":2}"), (5, "{\"c\":3}")]
        #expect(Self.same(Self.pieces([text]), expected))
        // Byte by byte: a line gathered from many pieces, the \r and \n in different pieces.
        let bytes = Array(text.utf8)
        var reader = JSONLinesReader(maxLineBytes: 64)
        var collected: [(Int, String?)] = []
        for byte in bytes {
            reader.feed(ByteBuffer(bytes: [byte]))
            while case .line(let number, let line)? = reader.next() { collected.append((number, String(buffer: line))) }
        }
        reader.finish()
        while case .line(let number, let line)? = reader.next() { collected.append((number, String(buffer: line))) }
        #expect(Self.same(collected, expected), "\(collected)")
    }

    @Test("a line beyond the limit is reported once, as soon as it passes the limit, and the next lines are read")
    func tooLong() {
        let long = String(repeating: "x", count: 100)
        // Within one piece, across pieces, and as the last line.
        #expect(Self.same(Self.pieces(["{}\n\(long)\n{}\n"], maxLineBytes: 10), [(1, "{}"), (2, nil), (3, "{}")]))
        #expect(Self.same(Self.pieces(["{}\nxxxxxxxx", "xxxxxxxxxx", long, "x\n{}"], maxLineBytes: 10), [(1, "{}"), (2, nil), (3, "{}")]))
        #expect(Self.same(Self.pieces(["{}\n", long], maxLineBytes: 10), [(1, "{}"), (2, nil)]))
        // Exactly at the limit is a line.
        #expect(Self.same(Self.pieces(["0123456789\n"], maxLineBytes: 10), [(1, "0123456789")]))
        #expect(Self.same(Self.pieces(["01234", "56789\n"], maxLineBytes: 10), [(1, "0123456789")]))
    }

    /// The results a scripted results file gives.
    static func results(_ text: String, adjust: (inout Configuration) -> Void = { _ in }) async throws -> [BatchResult] {
        let transport = ScriptedTransport([.events(text)])
        let client = try AIYouClient.scripted(transport) {
            $0.api = .llmaas
            $0.credentials = .apiKey("sk-batch-secret-0123456789")
            adjust(&$0)
        }
        var results: [BatchResult] = []
        for try await item in try await client.batchResults(fileID: "file-1") { results.append(item) }
        #expect(transport.sent.first?.target == "/v1/files/file-1/content")
        #expect(transport.sent.first?.accept == .jsonLines)
        try await client.shutdown()
        return results
    }

    @Test("each shape of line becomes an answer or an error, and a bad line never ends the sequence")
    func shapes() async throws {
        let chat =
            #"{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}"#
        let lines = [
            #"{"id":"r1","custom_id":"ok","response":{"status_code":"200","request_id":"q1","body":\#(chat)},"error":null}"#,
            #"{"custom_id":"vec","response":{"status_code":200,"body":{"object":"list","data":[{"index":0,"embedding":[0.5,1]}]}}}"#,
            #"{"custom_id":"lost","response":null,"error":{"code":"batch_expired","message":"too late"}}"#,
            #"{"custom_id":"limited","response":{"status_code":429,"request_id":"q4","body":{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}}}"#,
            #"{"custom_id":"plain","response":{"status_code":500,"body":"oops"}}"#,
            #"{"custom_id":"odd","response":{"status_code":-7,"body":null}}"#,
            #"{"custom_id":"shape","response":{"status_code":200,"body":{"text":"neither"}}}"#,
            #"{"custom_id":"empty","response":{"status_code":200}}"#,
            #"{"custom_id":"nothing"}"#,
            "[1,2,3]",
            #"{"custom_id":"deep","response":"#.padding(toLength: 40, withPad: " ", startingAt: 0) + String(repeating: "[", count: 200)
                + "]",
        ]
        let results = try await Self.results(lines.joined(separator: "\n"))
        #expect(results.map(\.lineNumber) == Array(1...lines.count))
        #expect(results[0].chatCompletion?.text == "Hi" && results[0].requestID == "r1" && results[0].customID == "ok")
        #expect(results[1].embeddings?.vectors == [[0.5, 1]])
        #expect(results[2].error?.code == .apiError && results[2].error?.errorCode == "batch_expired")
        #expect(results[2].error?.message == "batch result line 3 (custom_id lost): too late")
        let limited = try #require(results[3].error)
        #expect(limited.code == .rateLimited && limited.status == 429 && limited.requestID == "q4" && limited.retryAfter == nil)
        #expect(results[4].error?.code == .apiError && results[4].error?.status == 500)
        #expect(results[5].error?.code == .apiError && results[5].error?.status == -7)
        #expect(results[6].error?.code == .decoding && results[6].error?.message.contains("not a chat completion or embeddings") == true)
        #expect(results[7].error?.code == .decoding && results[7].error?.message.contains("no body") == true)
        #expect(results[8].error?.code == .decoding && results[8].error?.message.contains("neither a response nor an error") == true)
        #expect(results[9].customID == nil && results[9].error?.code == .decoding)
        #expect(results[10].customID == nil && results[10].error?.message.contains("line 11 of file-1") == true)
    }

    @Test("wire text in a line's error is redacted and escaped: the key never shows, nor a terminal escape")
    func hostileText() async throws {
        let key = "sk-batch-secret-0123456789"
        let lines = [
            #"{"custom_id":"\u001b[31mred","response":null,"error":{"code":"\#(key)","message":"leaked \#(key) \u001b]0;title\u0007"}}"#,
            #"{"custom_id":"x","response":{"status_code":400,"body":{"error":{"message":"bad key \#(key)","type":"invalid_request_error"}}}}"#,
            "not json \(key)",
        ]
        let results = try await Self.results(lines.joined(separator: "\n"))
        for result in results {
            let error = try #require(result.error)
            let shown = "\(error) \(String(reflecting: error)) \(error.errorCode ?? "")"
            #expect(!shown.contains(key) && !shown.contains("\u{1B}") && !shown.contains("\u{07}"), "\(shown)")
        }
        #expect(results[0].customID == "\u{1B}[31mred", "the custom id is data, handed over as sent")
    }

    @Test("a line over maxResponseBodyBytes is skipped, the file is not cut there")
    func configuredLimit() async throws {
        let long =
            #"{"custom_id":"long","response":{"status_code":200,"body":{"choices":[],"pad":""# + String(repeating: "p", count: 3000)
            + #""}}}"#
        let short = #"{"custom_id":"short","response":{"status_code":200,"body":{"choices":[]}}}"#
        let results = try await Self.results([short, long, short].joined(separator: "\n") + "\n") { $0.limits.maxResponseBodyBytes = 2048 }
        #expect(results.map(\.lineNumber) == [1, 2, 3])
        #expect(results[1].error?.code == .limitExceeded && results[1].customID == nil)
        #expect(results[2].chatCompletion != nil)
    }
}
