import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A service may refuse an upload before reading it (413, 422, a 5xx from a proxy). The call then
/// ends with that answer as soon as it is in, not at `timeouts.upload` (AsyncHTTPClient pauses
/// the body and would wait for it forever).
@Suite("An upload refused before it is sent ends with the refusal")
struct EarlyUploadAnswerTests {
    static let body = Array(#"{"message":"file too large for this plan","code":413}"#.utf8)

    @Test(
        "an error answer to an upload still being sent ends the call at once, with its status and message",
        arguments: [
            (413, body, false), (422, [UInt8](), false), (500, [UInt8](), false), (413, body, true),
        ]
    )
    func earlyRefusal(status: Int, body: [UInt8], chunked: Bool) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("early-\(UUID().uuidString).wav").path
        // 4 MiB: far more than one write, so the answer comes while the body is being sent.
        try Data(repeating: 7, count: 4 << 20).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withServerAndClient(client: {
            $0.credentials = Fixture.apiKey
            $0.timeouts.upload = .seconds(3600)
            $0.retry.maxRetries = 0
        }) { server, client in
            // Without a length the client waits a short grace for the body, then stops the upload.
            let headers = chunked ? ["Transfer-Encoding": "chunked"] : [:]
            server.enqueueFaults([.bytes(status: status, headers: headers, body: body)], for: .transcriptions)
            let outcome = await LLMaaSFuzzTests.withDeadline(.seconds(60)) { _ = try await client.transcribe(fileAt: file) }
            guard case .failure(let error as AIYouError)? = outcome else {
                Issue.record("the call did not end with an AIYouError within a minute: \(String(describing: outcome))")
                return
            }
            #expect(error.status == status)
            if !body.isEmpty { #expect(error.message.contains("file too large for this plan")) }
            #expect(server.requestCount(.transcriptions) == 1)
        }
    }
}
