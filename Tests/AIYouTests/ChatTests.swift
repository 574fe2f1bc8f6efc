import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Chat completions")
struct ChatTests {
    static let expectedReply = "Bonjour ! Vous avez dit : Comment vas-tu ?"

    @Test("non-streamed answers decode in both shapes", arguments: MockResponseShape.allCases)
    func nonStreamed(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            let completion = try await client.chatCompletion(chatRequest("Comment vas-tu ?"))
            #expect(completion.text == Self.expectedReply)
            #expect(completion.choices.first?.finishReason == "stop")
            #expect(completion.usage != nil)
            let sent = try #require(server.recordedRequests(.chatCompletions).last)
            let object = try JSONSerialization.jsonObject(with: Data(sent.body)) as! [String: Any]
            #expect(object["stream"] as? Bool == false)
            #expect(object["assistantId"] as? String == "602")
            #expect(sent.header("content-type") == "application/json")
        }
    }

    @Test("streamed answers arrive chunk by chunk in both shapes and match the non-streamed text", arguments: MockResponseShape.allCases)
    func streamed(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: {
            $0.shape = shape
            $0.streamChunkCount = 12
        }) { server, client in
            var texts: [String] = []
            var sawUsage = false
            for try await chunk in try await client.chatCompletionStream(chatRequest("Comment vas-tu ?")) {
                if let text = chunk.text { texts.append(text) }
                if chunk.usage != nil { sawUsage = true }
            }
            #expect(texts.joined() == Self.expectedReply)
            #expect(texts.filter { !$0.isEmpty }.count >= 10)
            #expect(sawUsage)
            let sent = try #require(server.recordedRequests(.chatCompletions).last)
            #expect(sent.header("accept") == "text/event-stream")
            let object = try JSONSerialization.jsonObject(with: Data(sent.body)) as! [String: Any]
            #expect(object["stream"] as? Bool == true)
        }
    }

    @Test("text deltas and collect() give the same text as the non-streamed call")
    func deltasAndCollect() async throws {
        try await withServerAndClient(server: { $0.streamChunkCount = 5 }) { _, client in
            let request = chatRequest("Comment vas-tu ?")
            var joined = ""
            for try await delta in try await client.chatCompletionStream(request).textDeltas { joined += delta }
            let collected = try await client.chatCompletionStream(request).collect()
            let direct = try await client.chatCompletion(request)
            #expect(joined == Self.expectedReply)
            #expect(collected.text == direct.text)
            #expect(collected.choices.first?.finishReason == "stop")
            #expect(collected.usage?.totalTokens == direct.usage?.totalTokens)
        }
    }

    @Test("a stream of 10,000 events is read completely")
    func longStream() async throws {
        try await withServerAndClient(server: { $0.streamChunkCount = 10_000 }) { _, client in
            var count = 0
            var text = ""
            for try await chunk in try await client.chatCompletionStream(chatRequest("Comment vas-tu ?")) {
                count += 1
                text += chunk.text ?? ""
            }
            #expect(count >= 10_000)
            #expect(text == Self.expectedReply)
        }
    }

    @Test("'Stream options' refusal: the request is streamed and assembled, and later calls stream directly")
    func streamOptionsFallback() async throws {
        try await withServerAndClient(server: { $0.requireStreaming = true }) { server, client in
            let first = try await client.chatCompletion(chatRequest("Comment vas-tu ?"))
            #expect(first.text == Self.expectedReply)
            #expect(server.requestCount(.chatCompletions) == 2, "the refused request, then the streamed one")
            let second = try await client.chatCompletion(chatRequest("Comment vas-tu ?"))
            #expect(second.text == Self.expectedReply)
            #expect(server.requestCount(.chatCompletions) == 3, "no second refusal")
        }
    }

    @Test("other error objects are API errors with the service's message")
    func errorObject() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults(
                [.status(400, body: #"{"object":"error","message":"prompt too long","type":"BadRequestError","code":400}"#)],
                for: .chatCompletions
            )
            let error = await expectAIYouError(.apiError) { try await client.chatCompletion(chatRequest()) }
            #expect(error?.status == 400)
            #expect(error?.message.contains("prompt too long") == true)
            #expect(error?.errorType == "BadRequestError")
            #expect(server.requestCount(.chatCompletions) == 1)
        }
    }

    @Test("invalid requests are refused before anything is sent")
    func validation() async throws {
        try await withServerAndClient { server, client in
            await expectAIYouError(.invalidRequest) { try await client.chatCompletion(.init(messages: [], assistantID: "602")) }
            await expectAIYouError(.invalidRequest) { try await client.chatCompletion(.init(messages: [.text("x")])) }
            await expectAIYouError(.invalidRequest) {
                try await client.chatCompletion(.init(messages: [.text("x")], model: "m", temperature: 3))
            }
            await expectAIYouError(.invalidRequest) {
                try await client.chatCompletionStream(.init(messages: [.text("x")], model: "m", maxTokens: 0))
            }
            await expectAIYouError(.invalidRequest) {
                try await client.chatCompletion(.init(messages: [ChatMessage(role: .user, content: [])], model: "m"))
            }
            #expect(server.totalRequestCount == 0)
        }
    }

    @Test("a stream can be iterated once; a second iteration throws instead of crashing")
    func singleIteration() async throws {
        try await withServerAndClient { _, client in
            let stream = try await client.chatCompletionStream(chatRequest())
            _ = try await stream.collect()
            await expectAIYouError(.invalidRequest) { try await stream.collect() }
        }
    }

    @Test("leaving a stream early closes its connection and the client keeps working")
    func breakEarly() async throws {
        // A bearer token, so that the stream's connection is the only one (no login connection).
        try await withServerAndClient(
            server: {
                $0.streamChunkCount = 1_000
                $0.streamChunkInterval = .milliseconds(2)
            },
            client: { $0.credentials = Fixture.apiKey }
        ) { server, client in
            var received = 0
            for try await _ in try await client.chatCompletionStream(chatRequest()) {
                received += 1
                if received == 3 { break }
            }
            #expect(received == 3)
            let deadline = ContinuousClock.now + .seconds(5)
            while server.openConnections > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.openConnections == 0, "the server saw the connection close")
            let after = try await client.chatCompletion(chatRequest())
            #expect(!after.text.isEmpty)
        }
    }
}
