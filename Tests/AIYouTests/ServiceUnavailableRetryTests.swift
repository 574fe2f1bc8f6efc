import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// A 503 means "not handled": every request is sent again after one, with or without
/// `Retry-After`, chats and their streams' openings included; 500, 502 and 504 are sent again only
/// for requests that can be repeated. Over loopback against the embedded server, counting the
/// requests it saw.
@Suite("A 503 is retried for every request; 500, 502 and 504 only for reads")
struct ServiceUnavailableRetryTests {
    @Test("a chat answered 503 twice, without Retry-After, gets its answer on the third request")
    func chatAfterTwo503s() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults([.status(503), .status(503)], for: .chatCompletions)
            let answer = try await client.chatCompletion(chatRequest())
            #expect(answer.text == "Bonjour ! Vous avez dit : Bonjour")
            #expect(server.requestCount(.chatCompletions) == 3)
        }
    }

    @Test("a stream whose opening is answered 503 twice is opened by the third request, under the same rule")
    func streamOpeningAfterTwo503s() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults([.status(503), .status(503, headers: ["Retry-After": "0"])], for: .chatCompletions)
            let completion = try await client.chatCompletionStream(chatRequest()).collect()
            #expect(completion.text == "Bonjour ! Vous avez dit : Bonjour")
            #expect(server.requestCount(.chatCompletions) == 3)
        }
    }

    @Test("503s beyond the budget: maxRetries + 1 requests, then the 503 is the caller's, for a chat and a stream")
    func budgetSpent() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults(Array(repeating: .status(503), count: 3), for: .chatCompletions)
            let plain = await expectAIYouError(.apiError) { try await client.chatCompletion(chatRequest()) }
            #expect(plain?.status == 503)
            #expect(server.requestCount(.chatCompletions) == 3)
            server.resetCounters()
            server.enqueueFaults(Array(repeating: .status(503), count: 3), for: .chatCompletions)
            let streamed = await expectAIYouError(.apiError) { try await client.chatCompletionStream(chatRequest()) }
            #expect(streamed?.status == 503)
            #expect(server.requestCount(.chatCompletions) == 3)
        }
    }

    @Test("500, 502 and 504 on a chat or its stream are not sent again (the generation may be under way)")
    func otherServerErrorsOnChat() async throws {
        try await withServerAndClient { server, client in
            for status in [500, 502, 504] {
                server.resetCounters()
                server.enqueueFaults([.status(status)], for: .chatCompletions)
                let plain = await expectAIYouError(.apiError) { try await client.chatCompletion(chatRequest()) }
                #expect(plain?.status == status)
                server.enqueueFaults([.status(status)], for: .chatCompletions)
                let streamed = await expectAIYouError(.apiError) { try await client.chatCompletionStream(chatRequest()) }
                #expect(streamed?.status == status)
                #expect(server.requestCount(.chatCompletions) == 2, "one request per call for \(status)")
            }
            // The same statuses on a read are retried.
            server.enqueueFaults([.status(500), .status(502), .status(504)], for: .assistants)
            await expectAIYouError(.apiError) { try await client.assistants() }
            #expect(server.requestCount(.assistants) == 3)
        }
    }

    @Test("a save answered 503 is sent again and saves one thread")
    func saveAfter503() async throws {
        try await withServerAndClient { server, client in
            let before = server.threadCount
            server.enqueueFaults([.status(503)], for: .save)
            _ = try await client.saveConversation(.init(assistantID: "602", conversation: "c"))
            #expect(server.requestCount(.save) == 2)
            #expect(server.threadCount == before + 1)
        }
    }

    @Test("LLMaaS: a chat stream's opening answered 503 (OpenAI-shaped, no Retry-After) is retried; a 502 is not")
    func llmaasStream() async throws {
        try await withLLMaaS { server, client in
            let request = ChatCompletionRequest(messages: [.text("Hi")], model: "gpt-oss:120b")
            server.enqueueFaults([.status(503)], for: .llmaasChatCompletions)
            let completion = try await client.chatCompletionStream(request).collect()
            #expect(!completion.text.isEmpty)
            #expect(server.requestCount(.llmaasChatCompletions) == 2)
            server.enqueueFaults([.status(502)], for: .llmaasChatCompletions)
            let error = await expectAIYouError(.apiError) { try await client.chatCompletionStream(request) }
            #expect(error?.status == 502)
            #expect(server.requestCount(.llmaasChatCompletions) == 3)
        }
    }
}
