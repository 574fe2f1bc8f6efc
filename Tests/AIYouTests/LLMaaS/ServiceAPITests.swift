import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("One client, two services")
struct ServiceAPITests {
    @Test("each service has its production address; LLMaaS refuses an e-mail and password")
    func configuration() throws {
        let llmaas = Configuration(api: .llmaas, credentials: .apiKey("k"))
        #expect(llmaas.baseURL == "https://api.ai.cloud-temple.com")
        #expect(Configuration(credentials: .apiKey("k")).baseURL == ServiceAPI.aiyou.defaultBaseURL)
        #expect(Configuration(api: .llmaas, baseURL: "http://127.0.0.1:1", credentials: .apiKey("k")).baseURL == "http://127.0.0.1:1")
        #expect(ServiceAPI.llmaas.description == "LLMaaS" && ServiceAPI.aiyou.description == "AI.YOU")

        var wrong = Configuration(api: .llmaas, credentials: .emailPassword(email: "me@example.com", password: "pw-secret"))
        wrong.baseURL = "http://127.0.0.1:1"
        do {
            _ = try AIYouClient(configuration: wrong)
            Issue.record("an e-mail and password were accepted for LLMaaS")
        } catch let error as AIYouError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("apiKey"))
            #expect(!error.description.contains("pw-secret") && !error.description.contains("me@example.com"))
        }
    }

    @Test("operations a service does not offer fail with .unsupported, and nothing is sent")
    func unsupportedOperations() async throws {
        try await withLLMaaS { server, client in
            let assistants = await expectAIYouError(.unsupported) { try await client.assistants() }
            #expect(assistants?.message.contains("configuration.api = .aiyou") == true)
            await expectAIYouError(.unsupported) { try await client.threads() }
            await expectAIYouError(.unsupported) { try await client.deleteThread(id: "t1") }
            await expectAIYouError(.unsupported) { try await client.createModel(CreateModelRequest(name: "m")) }
            let aiyouOnly = ChatCompletionRequest(messages: [.text("Hi")], assistantID: "602", model: "gpt-oss:120b")
            let chat = await expectAIYouError(.unsupported) { try await client.chatCompletion(aiyouOnly) }
            #expect(chat?.message.contains("assistantID") == true)
            let noModel = ChatCompletionRequest(messages: [.text("Hi")])
            await expectAIYouError(.invalidRequest) { try await client.chatCompletion(noModel) }
            #expect(MockRoute.allCases.allSatisfy { server.requestCount($0) == 0 })
        }
        try await withServerAndClient { server, client in
            let tools = ChatCompletionRequest(messages: [.text("Hi")], assistantID: "602", tools: [.function("get_weather")])
            let error = await expectAIYouError(.unsupported) { try await client.chatCompletion(tools) }
            #expect(error?.message.contains("tools") == true)
            let toolMessage = ChatCompletionRequest(messages: [.toolResult("21 °C", callID: "c1")], assistantID: "602")
            await expectAIYouError(.unsupported) { try await client.chatCompletionStream(toolMessage) }
            let penalty = ChatCompletionRequest(messages: [.text("Hi")], assistantID: "602", presencePenalty: 1)
            await expectAIYouError(.unsupported) { try await client.chatCompletion(penalty) }
            #expect(server.requestCount(.chatCompletions) == 0)
        }
    }

    @Test("LLMaaS chat requests are checked before sending: penalties, tool names, tool choice, tool results, images")
    func llmaasValidation() async throws {
        try await withLLMaaS { server, client in
            func refused(_ request: ChatCompletionRequest, mentioning text: String) async {
                let error = await expectAIYouError(.invalidRequest) { try await client.chatCompletion(request) }
                #expect(error?.message.contains(text) == true, "\(String(describing: error))")
            }
            let question: [ChatMessage] = [.text("Weather in Lyon?")]
            await refused(.init(messages: question, model: "m", presencePenalty: 2.5), mentioning: "presencePenalty")
            await refused(.init(messages: question, model: "m", frequencyPenalty: -3), mentioning: "frequencyPenalty")
            await refused(.init(messages: question, model: "m", tools: [.function("bad name")]), mentioning: "tools[0]")
            await refused(.init(messages: question, model: "m", tools: [.function("f"), .function("f")]), mentioning: "used twice")
            await refused(.init(messages: question, model: "m", tools: [.function("f")], toolChoice: .function("g")), mentioning: "\"g\"")
            await refused(.init(messages: question, model: "m", toolChoice: .required), mentioning: "needs tools")
            await refused(
                .init(messages: [ChatMessage(role: .tool, content: [.text("21")])], model: "m"),
                mentioning: "without the id"
            )
            await refused(.init(messages: [.image(url: "ftp://x/cat.png")], model: "m"), mentioning: "image")
            #expect(server.requestCount(.chatCompletions) == 0)
        }
    }

    @Test("an OpenAI-style error gives its type, code and param; 404 model_not_found is .notFound naming the model")
    func openAIErrors() async throws {
        let transport = ScriptedTransport([
            .answer(
                404,
                headers: [("x-request-id", "req-1")],
                body:
                    #"{"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#
            ),
            .answer(
                400,
                body:
                    #"{"detail":{"error":{"message":"temperature too high","type":"invalid_request_error","param":"temperature","code":null}}}"#
            ),
            .answer(401, body: #"{"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key"}}"#),
        ])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let request = ChatCompletionRequest(messages: [.text("Hi")], model: "nope")
        let notFound = await expectAIYouError(.notFound) { try await client.chatCompletion(request) }
        #expect(notFound?.message.contains("the model \"nope\" does not exist") == true)
        #expect(notFound?.errorCode == "model_not_found")
        #expect(notFound?.errorParameter == "model")
        #expect(notFound?.errorType == "invalid_request_error")
        #expect(notFound?.requestID == "req-1")
        let badRequest = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
        #expect(badRequest?.status == 400)
        #expect(badRequest?.message.contains("temperature too high") == true)
        #expect(badRequest?.errorParameter == "temperature")
        let unauthorized = await expectAIYouError(.unauthorized) { try await client.chatCompletion(request) }
        #expect(unauthorized?.errorCode == "invalid_api_key")
        // No re-login exists on LLMaaS: the 401 is final, after one request.
        #expect(transport.sent.count == 3)
        #expect(transport.sent.allSatisfy { $0.target == "/v1/chat/completions" })
        try await client.shutdown()
    }
}
