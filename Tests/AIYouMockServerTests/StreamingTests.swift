import AIYouMockServer
import AsyncHTTPClient
import Foundation
import Testing

@Suite("Streaming chat")
struct StreamingTests {
    /// The JSON payloads of the `data:` lines of a primary-shape stream.
    static func primaryEvents(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
            String(event.dropFirst("data: ".count))
        }
    }

    /// The events of an alternate-shape stream: fields per event, data lines joined by "\n".
    static func alternateEvents(_ text: String) -> [(id: String?, event: String?, data: String)] {
        text.components(separatedBy: "\r\n\r\n").compactMap { block in
            var id: String?
            var event: String?
            var data: [String] = []
            for line in block.components(separatedBy: "\r\n") where !line.isEmpty {
                if line.hasPrefix(":") { continue }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            }
            return data.isEmpty ? nil : (id, event, data.joined(separator: "\n"))
        }
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func deltaContent(_ chunk: [String: Any]) -> String? {
        let choice = (chunk["choices"] as? [[String: Any]])?.first
        return (choice?["delta"] as? [String: Any])?["content"] as? String
    }

    @Test("primary stream: LF framing, role first, usage last, [DONE]")
    func primaryFraming() async throws {
        try await MockAIYouServer.withRunning { server in
            let response = try await TestHTTP(server).send(
                .POST,
                "/api/v1/chat/completions",
                json: TestHTTP.chatBody("raconte", stream: true, extra: #","model":"m1""#)
            )
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            let text = response.text
            #expect(!text.contains("\r"))
            #expect(text.hasPrefix("data: {"))
            #expect(text.hasSuffix("data: [DONE]\n\n"))
            var events = Self.primaryEvents(text)
            #expect(events.removeLast() == "[DONE]")
            #expect(events.count == 9)  // 8 content chunks + the final chunk
            let chunks = try events.map(Self.object)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "m1" })
            let first = try #require((chunks[0]["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
            #expect(first["role"] as? String == "assistant")
            let second = try #require((chunks[1]["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
            #expect(second["role"] == nil)
            let joined = chunks.dropLast().compactMap(Self.deltaContent).joined()
            #expect(joined == "Bonjour ! Vous avez dit : raconte")
            let last = try #require(chunks.last)
            let lastChoice = try #require((last["choices"] as? [[String: Any]])?.first)
            #expect(lastChoice["finish_reason"] as? String == "stop")
            #expect((lastChoice["delta"] as? [String: Any])?.isEmpty == true)
            #expect((chunks[0]["choices"] as? [[String: Any]])?.first?["finish_reason"] is NSNull)
            let usage = try #require(last["usage"] as? [String: Int])
            #expect(usage == ["prompt_tokens": 1, "completion_tokens": 8, "total_tokens": 9])
        }
    }

    @Test("alternate stream: CRLF, keep-alive comment, event and id fields, two data lines, no [DONE]")
    func alternateFraming() async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = .alternate
        configuration.streamChunkCount = 5
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let response = try await TestHTTP(server).send(
                .POST,
                "/api/v1/chat/completions",
                json: TestHTTP.chatBody("ça va ?", stream: true)
            )
            #expect(response.status == 200)
            let text = response.text
            #expect(text.hasPrefix(": keep-alive\r\n"))
            #expect(!text.contains("[DONE]"))
            // Every line ends with CRLF: no bare LF outside CRLF pairs.
            #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
            #expect(text.hasSuffix("\r\n\r\n"))
            let blocks = text.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
            #expect(blocks.count == 6)
            for block in blocks {
                #expect(block.components(separatedBy: "\r\n").filter { $0.hasPrefix("data: ") }.count == 2)
            }
            let events = Self.alternateEvents(text)
            #expect(events.map(\.id) == ["1", "2", "3", "4", "5", "6"])
            #expect(events.allSatisfy { $0.event == "message" })
            let chunks = try events.map { try Self.object($0.data) }
            #expect(chunks.dropLast().compactMap(Self.deltaContent).joined() == "Bonjour ! Vous avez dit : ça va ?")
            #expect(chunks.last?["usage"] != nil)
        }
    }

    @Test("10,000 chunks stream completely and concatenate to the reply")
    func tenThousandChunks() async throws {
        var configuration = MockServerConfiguration()
        configuration.streamChunkCount = 10_000
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let response = try await TestHTTP(server).send(
                .POST,
                "/api/v1/chat/completions",
                json: TestHTTP.chatBody("beaucoup", stream: true)
            )
            var events = Self.primaryEvents(response.text)
            #expect(events.removeLast() == "[DONE]")
            #expect(events.count == 10_001)
            var joined = ""
            for event in events.dropLast() {
                joined += try Self.deltaContent(Self.object(event)) ?? ""
            }
            #expect(joined == "Bonjour ! Vous avez dit : beaucoup")
            let usage = try Self.object(events.last!)["usage"] as? [String: Int]
            #expect(usage?["completion_tokens"] == 10_000)
        }
    }

    @Test("streamed events are paced by streamChunkInterval")
    func pacing() async throws {
        try await MockAIYouServer.withRunning { server in
            server.streamChunkCount = 4
            server.streamChunkInterval = .milliseconds(40)
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/chat/completions")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
            request.body = .bytes(.init(string: TestHTTP.chatBody("lent", stream: true)))
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            var arrivals: [Duration] = []
            var text = ""
            for try await buffer in response.body {
                arrivals.append(clock.now - start)
                text += String(buffer: buffer)
            }
            // 5 events, 4 pauses of 40 ms between them.
            #expect(clock.now - start >= .milliseconds(160))
            #expect(arrivals.count >= 2)
            #expect(Self.primaryEvents(text).count == 6)
        }
    }
}
