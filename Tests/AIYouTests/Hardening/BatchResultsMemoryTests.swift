import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A batch's results are read in constant memory: a 100,000-line results file (a chat
/// completion per line), served by `aiyou serve` over loopback, is read line by line while the process's peak resident memory
/// grows by a small fraction of the file; holding the same results (the baseline) takes more
/// than the file itself.
///
/// Reproduce: `swift test --filter BatchResultsMemoryTests` (the figures are printed).
@Suite("Batch results in constant memory", .serialized)
struct BatchResultsMemoryTests {
    static let lines = 100_000

    /// Line `index` of the results file: a chat completion as the service writes it.
    static func line(_ index: Int) -> String {
        let body =
            #"{"id":"chatcmpl-\#(index)","object":"chat.completion","created":1767100000,"model":"gpt-oss:120b","choices":[{"index":0,"#
            + #""message":{"role":"assistant","content":"Bonjour ! Vous avez dit : Question number \#(index), asked in a batch"},"#
            + #""finish_reason":"stop"}],"usage":{"prompt_tokens":8,"completion_tokens":14,"total_tokens":22}}"#
        return
            #"{"id":"batch_req_\#(index)","custom_id":"request-\#(index)","response":{"status_code":200,"request_id":"req_\#(index)","body":\#(body)},"error":null}"#
    }

    /// Stores the results file on the server (a batch holds at most 50,000 requests, so a file
    /// of 100,000 lines is uploaded as it is); its id.
    static func storeResults(at baseURL: String) async throws -> String {
        let boundary = "results-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"results.jsonl\"\r\n\r\n")
        for index in 0..<Self.lines {
            body.writeString(Self.line(index))
            body.writeString("\n")
        }
        body.writeString("\r\n--\(boundary)--\r\n")
        var request = HTTPClientRequest(url: baseURL + "/v1/files")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 1 << 16)
        let object = try JSONSerialization.jsonObject(with: Data(answer.readableBytesView)) as? [String: Any]
        return try #require(object?["id"] as? String, "\(String(buffer: answer))")
    }

    @Test("reading a 100,000-line results file grows the peak RSS by a fraction of the file", .timeLimit(.minutes(10)))
    func hundredThousandLines() async throws {
        // The server runs as a process of its own (`aiyou serve`), so that this process's memory
        // is the client's alone: an embedded server writing 42 MiB takes memory of its own.
        let server = try await ServeProcess.start([])
        defer { server.killIfRunning() }
        var configuration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
        configuration.timeouts = .init(connect: .seconds(5), request: .seconds(60), streamIdle: .seconds(60))
        try await withAIYouClient(configuration) { client in
            let (fileID, fileBytes) = try await ProcessMemory.whileNotMeasuring {
                let fileID = try await Self.storeResults(at: server.baseURL)
                return (fileID, try #require(try await client.uploadedFile(id: fileID).bytes))
            }
            // The first tenth, then the whole file: reading ten times more lines takes no more memory.
            let tenth = try await ProcessMemory.peakGrowth {
                var count = 0
                for try await _ in try await client.batchResults(fileID: fileID) {
                    count += 1
                    if count == Self.lines / 10 { break }
                }
            }
            var streamed = 0
            var answers = 0
            let streaming = try await ProcessMemory.peakGrowth {
                for try await item in try await client.batchResults(fileID: fileID) {
                    streamed += 1
                    if item.chatCompletion?.text.hasSuffix("asked in a batch") == true { answers += 1 }
                }
            }
            var held: [BatchResult] = []
            let holding = try await ProcessMemory.peakGrowth {
                for try await item in try await client.batchResults(fileID: fileID) { held.append(item) }
            }
            print(
                "batch results: \(Self.lines) lines, \(fileBytes >> 20) MiB file; peak RSS growth reading the first "
                    + "\(Self.lines / 10) lines one by one \(tenth >> 10) KiB, all \(Self.lines) lines one by one "
                    + "\(streaming >> 10) KiB, holding them all \(holding >> 20) MiB"
            )
            #expect(streamed == Self.lines && answers == Self.lines && held.count == Self.lines)
            #expect(streaming < fileBytes / 4, "reading grew the peak RSS by \(streaming >> 20) MiB for a \(fileBytes >> 20) MiB file")
            #expect(streaming < holding / 4, "streamed \(streaming >> 20) MiB, held \(holding >> 20) MiB")
        }
    }
}
