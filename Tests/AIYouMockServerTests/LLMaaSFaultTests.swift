import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@Suite("LLMaaS faults")
struct LLMaaSFaultTests {
    static let chat = LLMaaS.chat("bonjour")
    static let streamedChat = LLMaaS.chat("bonjour", stream: true)
    static let toolStream = LLMaaS.chat("weather in Lyon", stream: true, ["tools": [LLMaaS.tool("get_weather")]])

    @Test("status faults answer OpenAI-shaped default bodies, typed by status; given bodies go out as is")
    func statusBodies() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults(
                [
                    .status(503), .status(500), .status(400), .status(404), .status(401),
                    .status(502, body: "plain", headers: ["Content-Type": "text/plain"]),
                ],
                for: .llmaasChatCompletions
            )
            let unavailable = try await http.send(.POST, LLMaaS.chatPath, json: Self.chat)
            #expect(unavailable.status == 503)
            #expect(
                unavailable.text
                    == #"{"error":{"message":"Injected failure","type":"service_unavailable_error","param":null,"code":null}}"#
            )
            let expected: [(status: Int, type: String, code: String?)] = [
                (500, "server_error", nil), (400, "invalid_request_error", nil), (404, "invalid_request_error", nil),
                (401, "authentication_error", "invalid_api_key"),
            ]
            for (status, type, code) in expected {
                let response = try await http.send(.POST, LLMaaS.chatPath, json: Self.chat)
                #expect(response.status == status)
                let error = try LLMaaS.error(response)
                #expect(error["message"] as? String == "Injected failure")
                #expect(error["type"] as? String == type)
                #expect(error["code"] as? String == code)
                #expect(error["param"] is NSNull)
            }
            let plain = try await http.send(.POST, LLMaaS.chatPath, json: Self.chat)
            #expect(plain.status == 502)
            #expect(plain.text == "plain")
            #expect(try await http.send(.POST, LLMaaS.chatPath, json: Self.chat).status == 200)
            #expect(server.requestCount(.llmaasChatCompletions) == 7)

            // Faults are per route: the AI.YOU chat and the other LLMaaS routes are untouched,
            // and the AI.YOU error shape is unchanged.
            server.enqueueFaults([.status(503)], for: .chatCompletions)
            let aiyou = try await http.send(.POST, "/api/v1/chat/completions", json: TestHTTP.chatBody("x"))
            #expect(try aiyou.object()["code"] as? Int == 503)
            #expect(try await http.send(.GET, "/v1/models").status == 200)
        }
    }

    @Test("rateLimited on an LLMaaS route: 429 rate_limit_error with Retry-After and the rate-limit headers")
    func rateLimited() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.rateLimited(retryAfter: "7")], for: .embeddings)
            let response = try await TestHTTP(server).send(.POST, "/v1/embeddings", json: LLMaaS.json(["model": "bge-m3", "input": "x"]))
            #expect(response.status == 429)
            #expect(
                response.text
                    == #"{"error":{"message":"Too Many Requests","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}"#
            )
            #expect(response.header("Retry-After") == "7")
            #expect(response.header("X-RateLimit-Limit-Requests") == "1000")
            #expect(response.header("X-RateLimit-Remaining-Requests") == "0")
            let now = Int(Date().timeIntervalSince1970)
            let reset = try #require(response.header("X-RateLimit-Reset-Requests").flatMap { Int($0) })
            #expect((now...now + 8).contains(reset))
        }
    }

    @Test("random failures use the OpenAI shape on the LLMaaS routes")
    func randomFailures() async throws {
        try await MockAIYouServer.withRunning { server in
            server.setRandomFailureRate(1, status: 503)
            let response = try await TestHTTP(server).send(.POST, "/v1/rerank", json: "{}")
            #expect(response.status == 503)
            #expect(try LLMaaS.error(response)["type"] as? String == "service_unavailable_error")
        }
    }

    /// Sends a streamed request and collects what arrives until the connection is cut.
    static func cutStream(_ server: MockAIYouServer, body: String) async throws -> String {
        var request = HTTPClientRequest(url: server.baseURL + LLMaaS.chatPath)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
        request.body = .bytes(ByteBuffer(string: body))
        // The sanitizer's slowdown counts: under ThreadSanitizer and the whole suite's load, 5 s
        // was not always enough for the head of the answer.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5 * Int64(TestTiming.slowdown)))
        #expect(response.status == .ok)
        var received = ""
        await #expect(throws: (any Error).self) {
            for try await buffer in response.body {
                received += String(buffer: buffer)
            }
        }
        return received
    }

    @Test("dropStreamAfter cuts an LLMaaS text or tool-call stream after K events; a non-streamed request is dropped")
    func dropStream() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults(
                [.dropStreamAfter(events: 3), .dropStreamAfter(events: 2), .dropStreamAfter(events: 1)],
                for: .llmaasChatCompletions
            )
            let text = try await Self.cutStream(server, body: Self.streamedChat)
            let events = LLMaaS.dataPayloads(text)
            #expect(events.count == 3)
            #expect(!text.contains("[DONE]"))
            #expect(!text.contains("finish_reason\":\"stop"))
            #expect(!text.contains("usage"))

            let tools = LLMaaS.dataPayloads(try await Self.cutStream(server, body: Self.toolStream))
            #expect(tools.count == 2)
            #expect(tools[0].contains(#""name":"get_weather""#))

            await #expect(throws: (any Error).self) {
                _ = try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.chat)
            }
            #expect(try await TestHTTP(server).send(.POST, LLMaaS.chatPath, json: Self.streamedChat).status == 200)

            server.enqueueFaults([.dropStreamAfter(events: 1)], for: .llmaasCompletions)
            await #expect(throws: (any Error).self) {
                _ = try await TestHTTP(server).send(.POST, "/v1/completions", json: Self.chat)
            }
        }
    }

    @Test("tailAfterDone, absurdNumbers and malformedSSE on the LLMaaS chat route", .timeLimit(TestTiming.limit(minutes: 1)))
    func streamFaults() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.tailAfterDone], for: .llmaasChatCompletions)
            let tail = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("POST", LLMaaS.chatPath, json: Self.toolStream)
                #expect(try await connection.readHead().status == 200)
                return String(
                    decoding: try await connection.readPayload { payload in
                        String(decoding: payload, as: UTF8.self).components(separatedBy: "{\"tail\":true}").count > 100
                    },
                    as: UTF8.self
                )
            }
            let parts = tail.components(separatedBy: "data: [DONE]\n\n")
            #expect(parts.count == 2)
            #expect(parts[0].contains(#""choices":[],"usage":"#))
            #expect(parts[1].hasPrefix("data: {\"tail\":true}\n\n"))

            let http = TestHTTP(server)
            server.enqueueFaults([.absurdNumbers, .absurdNumbers], for: .llmaasChatCompletions)
            let absurd = try await http.send(.POST, LLMaaS.chatPath, json: Self.chat)
            #expect(absurd.text.contains(#""created":1e+300"#))
            #expect(absurd.text.contains(#""usage":{"prompt_tokens":9223372036854775807,"completion_tokens":9223372036854775807}"#))
            let absurdStream = try await http.send(.POST, LLMaaS.chatPath, json: Self.streamedChat)
            #expect(LLMaaS.dataPayloads(absurdStream.text).dropLast().allSatisfy { $0.contains(#""created":1e+300"#) })

            server.enqueueFaults([.malformedSSE], for: .llmaasChatCompletions)
            let malformed = try await http.send(.POST, LLMaaS.chatPath, json: Self.streamedChat)
            #expect(malformed.header("Content-Type") == "text/event-stream")
            #expect(malformed.text.hasPrefix("data: {this is not json"))
        }
    }

    @Test("absurdNumbers on embeddings, rerank and models")
    func absurdCollections() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.absurdNumbers], for: .embeddings)
            let embeddings = try await http.send(.POST, "/v1/embeddings", json: LLMaaS.json(["model": "bge-m3", "input": ["a", "b"]]))
            #expect(embeddings.text.contains(#"{"object":"embedding","index":9223372036854775807,"#))
            #expect(embeddings.text.hasSuffix(#""usage":{"prompt_tokens":9223372036854775807,"total_tokens":9223372036854775807}}"#))

            server.enqueueFaults([.absurdNumbers], for: .rerank)
            let rerank = try await http.send(
                .POST,
                "/v1/rerank",
                json: LLMaaS.json(["model": "qwen3-reranker:0.6b", "query": "a", "documents": ["a", "b"]])
            )
            #expect(rerank.text.contains(#"{"index":9223372036854775807,"relevance_score":1e+300"#))

            server.enqueueFaults([.absurdNumbers], for: .llmaasModels)
            let models = try await http.send(.GET, "/v1/models")
            #expect(models.text.contains(#""created":1e+300"#))
            #expect(models.text.contains(#""max_model_len":"99999999999999999999999999999""#))
        }
    }

    @Test("echoSecrets and escapeSequences write their error in the OpenAI shape on LLMaaS routes")
    func hostileErrors() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.echoSecrets(status: 401), .escapeSequences(status: 500)], for: .embeddings)
            let body = LLMaaS.json(["model": "bge-m3", "input": "secret text"])
            let echoed = try LLMaaS.error(try await http.send(.POST, "/v1/embeddings", json: body))
            #expect((echoed["message"] as? String)?.contains("secret text") == true)
            #expect(echoed["type"] as? String == "Bearer \(MockAccount.demoAPIKey)")
            let escaped = try LLMaaS.error(try await http.send(.POST, "/v1/embeddings", json: body))
            #expect((escaped["message"] as? String)?.contains("\u{1B}[31m") == true)
        }
    }

    @Test("dropAfterProcessing on the transcription route records the upload, then drops the connection")
    func dropAfterProcessing() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.dropAfterProcessing], for: .llmaasTranscriptions)
            await #expect(throws: (any Error).self) {
                _ = try await LLMaaSTranscriptionTests.send(TestHTTP(server), filename: "late.wav", fields: [])
            }
            #expect(server.lastUpload?.filename == "late.wav")
        }
    }
}
