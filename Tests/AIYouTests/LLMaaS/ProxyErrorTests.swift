import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Errors from OpenAI-compatible proxies")
struct ProxyErrorTests {
    struct Expected {
        var code: AIYouError.Code
        var status: Int
        var message: String
        var errorType: String?
        var errorCode: String?
        var errorParameter: String?
    }

    static let model = "no-such-model"

    static let expected: [MockProxyError: Expected] = [
        .stringCode: Expected(
            code: .apiError,
            status: 400,
            message: "max_tokens must be at most 8192 (key [REDACTED])",
            errorType: "invalid_request_error",
            errorParameter: "max_tokens"
        ),
        .numericCode: Expected(
            code: .apiError,
            status: 400,
            message: "max_tokens must be at most 8192 (key [REDACTED])",
            errorType: "invalid_request_error",
            errorParameter: "max_tokens"
        ),
        .typeNone: Expected(
            code: .apiError,
            status: 500,
            message: "Internal error while contacting the backend (key [REDACTED])"
        ),
        .typeNull: Expected(code: .apiError, status: 422, message: "Unprocessable request (key [REDACTED])"),
        .pythonDict: Expected(
            code: .apiError,
            status: 400,
            message: "temperature must be at most 2, got 7 for key '[REDACTED]'"
        ),
        .traceback: Expected(code: .apiError, status: 500, message: "httpx.ConnectError: [Errno 111] Connection refused"),
        .modelNotFound: Expected(
            code: .notFound,
            status: 404,
            message: #"the model "no-such-model" does not exist (model "no-such-model" not found, try pulling it first)"#,
            errorType: "api_error"
        ),
        .modelDoesNotExist: Expected(
            code: .notFound,
            status: 404,
            message: #"the model "no-such-model" does not exist (The model `no-such-model` does not exist.)"#,
            errorType: "NotFoundError"
        ),
        .invalidModel: Expected(
            code: .notFound,
            status: 400,
            message: #"the model "no-such-model" does not exist (Invalid model: no-such-model)"#,
            errorType: "invalid_request_error",
            errorParameter: "model"
        ),
        .litellmInvalidModelName: Expected(
            code: .notFound,
            status: 400,
            message:
                #"the model "no-such-model" does not exist (/chat/completions: Invalid model name passed in model=no-such-model. Call `/v1/models` to view available models for your key.)"#
        ),
    ]

    @Test("each proxy body maps to a clear, one-line, redacted error", arguments: MockProxyError.allCases)
    func mapping(kind: MockProxyError) async throws {
        let expected = try #require(Self.expected[kind])
        try await withLLMaaS { server, client in
            server.setPersistentFault(.proxyError(kind), for: .llmaasChatCompletions)
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: Self.model)
            let error = try #require(await expectAIYouError(expected.code) { try await client.chatCompletion(request) })
            #expect(error.status == expected.status)
            #expect(error.message == expected.message)
            #expect(error.operation == .chatCompletion)
            #expect(error.description.hasPrefix("AIYouError.\(expected.code) in chat.completion (HTTP \(expected.status)): "))
            #expect(error.errorType == expected.errorType)
            #expect(error.errorCode == expected.errorCode)
            #expect(error.errorParameter == expected.errorParameter)
            #expect(server.requestCount(.llmaasChatCompletions) == 1, "chat completions are not retried on \(expected.status)")
            let texts = [error.description, error.debugDescription, error.message, error.bodyExcerpt ?? ""]
            #expect(texts.allSatisfy { !$0.contains("\n") && !$0.contains("\r") })
            #expect(!server.secretsSeen.isEmpty)
            for secret in server.secretsSeen {
                #expect(texts.allSatisfy { !$0.contains(secret) }, "the key leaked in \(kind)")
            }

            // Streamed, the same error before the stream starts.
            let streamed = await expectAIYouError(expected.code) { try await client.chatCompletionStream(request) }
            #expect(streamed?.message == expected.message)
            #expect(streamed?.operation == .chatStream)
        }
    }

    @Test("AI.YOU too: a 400 error object saying \"model not found\" is .notFound naming the model")
    func aiyouUnknownModel() async throws {
        try await withServerAndClient { server, client in
            server.enqueueFaults(
                [.status(400, body: #"{"object":"error","message":"model not found","type":"NotFoundError","code":400}"#)],
                for: .chatCompletions
            )
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "mistral-x")
            let error = await expectAIYouError(.notFound) { try await client.chatCompletion(request) }
            #expect(error?.message == #"the model "mistral-x" does not exist (model not found)"#)
            #expect(error?.operation == .chatCompletion)
            #expect(error?.status == 400 && error?.errorType == "NotFoundError")
        }
    }

    @Test("a model of the wrong kind (400 model_not_supported, \"does not support\") stays an API error, not .notFound")
    func wrongKindOfModel() async throws {
        try await withLLMaaS { _, client in
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "bge-m3:567m")
            let error = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
            #expect(error?.status == 400 && error?.errorCode == "model_not_supported")
        }
    }
}

@Suite("ProxyErrorText")
struct ProxyErrorTextTests {
    @Test("printed dicts, JSON in strings, tracebacks ending in a dict, line breaks")
    func clarify() {
        #expect(ProxyErrorText.clarify("plain message") == "plain message")
        #expect(ProxyErrorText.clarify("  two\n\tlines  ") == "two lines")
        #expect(ProxyErrorText.clarify("X - {'error': {'message': 'inner \\'quoted\\' text', 'code': 400}}") == "inner 'quoted' text")
        #expect(ProxyErrorText.clarify(#"{'error': "it's broken", 'code': None}"#) == "it's broken")
        #expect(ProxyErrorText.clarify(#"upstream: {"error": {"message": "json \"inside\" \u00e9"}}"#) == "json \"inside\" é")
        #expect(ProxyErrorText.clarify("{'detail': 'Not authenticated'}") == "Not authenticated")
        let traceback = """
            Traceback (most recent call last):
              File "x.py", line 1, in <module>
            openai.BadRequestError: Error code: 400 - {'error': {'message': 'context too long', 'type': None}}

            """
        #expect(ProxyErrorText.clarify(traceback) == "context too long")
        // A dict whose message is a printed dict again, nested more than maxRounds deep, stops.
        var nested = "deepest"
        for _ in 0..<8 { nested = "{'error': {'message': \(JSONValue.string(nested).jsonString)}}" }
        #expect(ProxyErrorText.clarify(nested).hasPrefix("{'error': {'message'"))
        #expect(ProxyErrorText.clarify("{'message': 'unterminated") == "unterminated")
        #expect(ProxyErrorText.clarify("Invalid JSON: {\"a\": 1}") == "Invalid JSON: {\"a\": 1}")
    }

    @Test("unknown-model phrasings, and phrasings that are not")
    func unknownModel() {
        for message in [
            "The model `x` does not exist.", "model \"x\" not found, try pulling it first", "Invalid model",
            "Invalid model name passed in model=x", "Invalid model: x", "Invalid model 'x'", "Unknown model: x",
            "x is not a valid model ID", "model_not_found",
        ] {
            #expect(ProxyErrorText.saysUnknownModel(message), "\(message)")
        }
        for message in [
            "The model 'x' does not support chat completions.", "invalid model parameters", "file not found",
            "max_tokens is too large for this model", "Internal error",
        ] {
            #expect(!ProxyErrorText.saysUnknownModel(message), "\(message)")
        }
    }

    @Test("the error body reads its readable message: a traceback's upper lines do not make an unknown model")
    func errorBody() throws {
        let traceback =
            #"{"detail":"Traceback (most recent call last):\n  File \"/app/model.py\", line 3\n    raise KeyError('weights not found')\nValueError: bad input"}"#
        let body = try JSONCoding.decode(ErrorBody.self, from: traceback)
        #expect(body.readableMessage == "ValueError: bad input")
        #expect(!body.saysUnknownModel)
        let litellm =
            #"{"error":{"message":"{'error': 'Invalid model name passed in model=x'}","type":"None","param":"None","code":"400"}}"#
        let proxy = try JSONCoding.decode(ErrorBody.self, from: litellm)
        #expect(proxy.saysUnknownModel && proxy.meaningfulType == nil && proxy.wordCode == nil)
        #expect(proxy.readableMessage == "Invalid model name passed in model=x")
    }

    @Test("placeholders and numeric codes")
    func placeholders() {
        for value in ["None", "none", "null", " NoneType ", ""] { #expect(ProxyErrorText.meaningful(value) == nil) }
        #expect(ProxyErrorText.meaningful("invalid_request_error") == "invalid_request_error")
        #expect(ProxyErrorText.isNumeric("400") && !ProxyErrorText.isNumeric("model_not_found") && !ProxyErrorText.isNumeric(""))
    }
}
