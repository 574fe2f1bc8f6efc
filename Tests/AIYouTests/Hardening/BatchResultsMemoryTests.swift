import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A batch's results are read in constant memory: a 100,000-line results file (a chat
/// completion per line, 42 MiB), served by `aiyou serve` over loopback, is read line by line by
/// `aiyou batch results --file` in a process of its own, whose peak resident memory is measured
/// exactly (`MeasuredProcess`): it is that of a 1,000-line file, not the file's size more. The
/// same reading in this process, and the baseline of holding every result, are printed too
/// (peak RSS growth, meaningful when the test runs alone: the peak is process-wide).
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
    static func storeResults(at baseURL: String, lines: Int = lines) async throws -> String {
        let boundary = "results-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"results.jsonl\"\r\n\r\n")
        for index in 0..<lines {
            body.writeString(Self.line(index))
            body.writeString("\n")
            // Building 42 MiB takes seconds: not in one go on a thread the tests beside share.
            if index % 1000 == 999 { await Task.yield() }
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

    @Test("reading a 100,000-line results file takes the memory of a 1,000-line one", .timeLimit(TestTiming.limit(minutes: 10)))
    func hundredThousandLines() async throws {
        // The server runs as a process of its own (`aiyou serve`), so that neither the reading
        // process nor this one pays for the server's memory.
        let server = try await ServeProcess.start([])
        defer { server.killIfRunning() }
        var configuration = Configuration(api: .llmaas, baseURL: server.baseURL, credentials: .apiKey(MockAccount.demoAPIKey))
        configuration.timeouts = .init(connect: .seconds(5), request: .seconds(60), streamIdle: .seconds(60))
        try await withAIYouClient(configuration) { client in
            let (small, large, fileBytes) = try await ProcessMemory.whileNotMeasuring {
                let small = try await Self.storeResults(at: server.baseURL, lines: 1000)
                let large = try await Self.storeResults(at: server.baseURL)
                return (small, large, try #require(try await client.uploadedFile(id: large).bytes))
            }

            // The tool in a process of its own: its peak is exact, whatever runs beside the test.
            let target = ["--api", "llmaas", "--base-url", server.baseURL, "--token", MockAccount.demoAPIKey]
            func read(_ fileID: String, lines: Int) async throws -> Int {
                let run = try await MeasuredProcess.run(CLITests.executable, target + ["batch", "results", "--file", fileID])
                #expect(run.status == 0 && !run.timedOut, "\(run.stderr)")
                #expect(run.stderr.contains("\(lines) answer(s), 0 error(s)"), "\(run.stderr)")
                #expect(String(decoding: run.stdoutTail, as: UTF8.self).hasSuffix("asked in a batch\n"))
                return run.peakResidentBytes
            }
            let footprint = try await read(small, lines: 1000)
            let peak = try await read(large, lines: Self.lines)

            // In this process: reading one by one, and the baseline of holding every result.
            var streamed = 0
            let streaming = try await ProcessMemory.peakGrowth {
                for try await item in try await client.batchResults(fileID: large) where item.chatCompletion != nil { streamed += 1 }
            }
            var held: [BatchResult] = []
            let holding = try await ProcessMemory.peakGrowth {
                for try await item in try await client.batchResults(fileID: large) { held.append(item) }
            }
            print(
                "batch results: \(Self.lines) lines, \(fileBytes >> 20) MiB file; `aiyou batch results` peak RSS "
                    + "\(peak >> 10) KiB (1,000 lines: \(footprint >> 10) KiB); in the test process, peak RSS growth "
                    + "reading one by one \(streaming >> 10) KiB, holding them all \(holding >> 20) MiB"
            )
            #expect(streamed == Self.lines && held.count == Self.lines)
            #expect(
                peak < footprint + fileBytes / 8,
                "peak \(peak >> 20) MiB for \(Self.lines) lines, \(footprint >> 20) MiB for 1,000"
            )
        }
    }
}
