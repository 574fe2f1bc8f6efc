import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

/// `AIYouError.operation` names the call that failed, as a value: before sending, on the wire,
/// during a stream, and when a login inside a call is what failed.
@Suite("Errors name their operation")
struct ErrorOperationTests {
    @Test("a request refused before sending names its call; the description reads 'in <operation>'")
    func refusedLocally() async throws {
        try await withLLMaaS { server, client in
            let whole = await expectAIYouError(.invalidRequest) {
                try await client.chatCompletion(ChatCompletionRequest(messages: [], model: "m"))
            }
            #expect(whole?.operation == .chatCompletion)
            #expect(whole?.message == "messages must not be empty")
            #expect(whole?.description == "AIYouError.invalidRequest in chat.completion: messages must not be empty")
            let streamed = await expectAIYouError(.invalidRequest) {
                try await client.chatCompletionStream(ChatCompletionRequest(messages: [], model: "m"))
            }
            #expect(streamed?.operation == .chatStream)
            let embeddings = await expectAIYouError(.invalidRequest) { try await client.embeddings(model: "e", input: []) }
            #expect(embeddings?.operation == .embeddings)
            let threads = await expectAIYouError(.unsupported) { try await client.threads() }
            #expect(threads?.operation == .threads)
            #expect(server.requestCount(.llmaasChatCompletions) == 0, "nothing was sent")
        }
    }

    @Test("an answer's error and a broken stream name their call; a failed login inside a call names the login")
    func onTheWire() async throws {
        try await withLLMaaS { server, client in
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "gpt-oss:120b")
            server.enqueueFaults([.status(400)], for: .llmaasChatCompletions)
            let refused = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
            #expect(refused?.operation == .chatCompletion && refused?.status == 400)
            #expect(refused.map { !$0.message.hasPrefix("chat.completion") } == true, "the operation is a field, not a prefix")
            server.enqueueFaults([.dropStreamAfter(events: 2)], for: .llmaasChatCompletions)
            let broken = await expectAIYouError(.network) { try await client.chatCompletionStream(request).collect() }
            #expect(broken?.operation == .chatStream)
        }
        try await MockAIYouServer.withRunning { server in
            let credentials = Credentials.emailPassword(email: MockAccount.demo.email, password: "not-the-password")
            try await withAIYouClient(Fixture.configuration(server, credentials: credentials)) { client in
                let error = await expectAIYouError(.unauthorized) { try await client.assistants() }
                #expect(error?.operation == .login, "the login is what failed, not the assistants call")
            }
        }
    }

    @Test("the operation a caller compares against is the one spans and metrics name")
    func namesMatchTheTable() {
        #expect(AIYouOperation.chatCompletion.name == "chat.completion" && AIYouOperation.chatCompletion.description == "chat.completion")
        #expect(Set(AIYouOperation.allCases.map(\.name)).count == AIYouOperation.allCases.count, "names are unique")
        #expect(AIYouOperation.chatCompletion != AIYouOperation.chatStream)
    }
}
