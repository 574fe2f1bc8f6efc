import AIYouMockServer
import Foundation
import Testing

/// The faults that echo secrets (``MockFault/errorObject(status:messageBytes:)``,
/// ``MockFault/echoSecretsEncoded(status:encoding:)``) and ``MockAIYouServer/secretsSeen``.
@Suite("Echoed secrets and the secrets the server saw")
struct SecretFaultTests {
    static let email = "ann@ex.test"
    static let password = "p<a>&\"é:🙂"
    static let loginBody = #"{"email":"ann@ex.test","password":"p<a>&\"é:🙂"}"#

    // MARK: - errorObject

    @Test("errorObject: an OpenAI error object whose message is the token, x padding, the token; 200 included")
    func errorObjectLLMaaS() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let key = MockAccount.demoAPIKey
            server.enqueueFaults(
                [.errorObject(status: 200, messageBytes: 100), .errorObject(status: 200, messageBytes: 100)],
                for: .llmaasChatCompletions
            )
            let whole = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("bonjour"))
            #expect(whole.status == 200)
            #expect(whole.header("Content-Type") == "application/json")
            let message = key + String(repeating: "x", count: 100 - 2 * key.utf8.count) + key
            let object = #"{"error":{"message":"\#(message)","type":"server_error","param":null,"code":null}}"#
            #expect(whole.text == object)
            #expect(message.utf8.count == 100)

            let streamed = try await http.send(.POST, LLMaaS.chatPath, json: LLMaaS.chat("bonjour", stream: true))
            #expect(streamed.status == 200)
            #expect(streamed.header("Content-Type") == "text/event-stream")
            #expect(streamed.text == "data: " + object + "\n\n")

            // Before authentication: no key, the word none; fewer bytes than two tokens, the two tokens.
            server.enqueueFaults(
                [.errorObject(status: 502, messageBytes: 11), .errorObject(status: 200, messageBytes: 3)],
                for: .embeddings
            )
            let anonymous = try await http.send(.POST, "/v1/embeddings", json: "{}", token: nil)
            #expect(anonymous.status == 502)
            #expect(try LLMaaS.error(anonymous)["message"] as? String == "nonexxxnone")
            #expect(try LLMaaS.error(try await http.send(.POST, "/v1/embeddings", json: "{}"))["message"] as? String == key + key)
        }
    }

    @Test("errorObject on an AI.YOU route: the AI.YOU error object; the token is escaped in the JSON, counted unescaped")
    func errorObjectAIYou() async throws {
        try await MockAIYouServer.withRunning { server in
            let token = #"to"k\en"#
            server.enqueueFaults(
                [.errorObject(status: 503, messageBytes: 30), .errorObject(status: 204, messageBytes: 5_000_000)],
                for: .assistants
            )
            let http = TestHTTP(server)
            let response = try await http.send(.GET, "/api/v1/user/assistants", token: token)
            #expect(response.status == 503)
            let padding = String(repeating: "x", count: 30 - 14)
            #expect(response.text == #"{"object":"error","message":"to\"k\\en\#(padding)to\"k\\en","type":"server_error","code":503}"#)
            #expect((try response.object()["message"] as? String)?.utf8.count == 30)

            // Large, and a bodiless status answered as 500: generated as written.
            let large = try await http.send(.GET, "/api/v1/user/assistants")
            #expect(large.status == 500)
            #expect(large.header("Content-Length") == nil)
            #expect((try large.object()["message"] as? String)?.utf8.count == 5_000_000)
        }
    }

    // MARK: - echoSecretsEncoded

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The login secrets as each encoding writes them, and whether they fit a header.
    static let loginEchoes: [(MockSecretEncoding, String, Bool)] = [
        (
            .unicodeEscaped,
            #"\u0061\u006e\u006e\u0040\u0065\u0078\u002e\u0074\u0065\u0073\u0074 \u0070\u003c\u0061\u003e\u0026\u0022\u00e9\u003a\ud83d\ude42"#,
            true
        ),
        (.htmlSafeEscaped, #"ann@ex.test p\u003ca\u003e\u0026\"é:🙂"#, false),
        (.percentEncoded, "ann%40ex%2Etest p%3Ca%3E%26%22%C3%A9%3A%F0%9F%99%82", true),
        (.base64, base64(email) + " " + base64(password), true),
        (.basicAuth, base64(email + ":" + password), true),
    ]

    @Test("echoSecretsEncoded on login: the email and password of the body, in each encoding, in the JSON text and x-request-id")
    func echoEncodedLogin() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            for (encoding, echoed, inHeader) in Self.loginEchoes {
                server.enqueueFaults([.echoSecretsEncoded(status: 401, encoding: encoding)], for: .login)
                let response = try await http.send(.POST, "/api/login", json: Self.loginBody, token: nil)
                #expect(response.status == 401)
                #expect(response.text == #"{"message":"Credentials rejected: \#(echoed)","code":401}"#, "\(encoding)")
                #expect(response.header("x-request-id") == (inHeader ? "Credentials rejected: " + echoed : nil), "\(encoding)")
                // The escapes are JSON's own: decoded, the message holds the secrets in clear.
                let decoded = try #require(try response.object()["message"] as? String)
                if encoding == .unicodeEscaped || encoding == .htmlSafeEscaped {
                    #expect(decoded == "Credentials rejected: \(Self.email) \(Self.password)")
                } else {
                    #expect(!decoded.contains(Self.email) && !decoded.contains(Self.password))
                }
            }
        }
    }

    @Test("echoSecretsEncoded on an LLMaaS route: the bearer value, OpenAI-shaped; none without one")
    func echoEncodedBearer() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let token = "sk-<live>&key"
            let expected: [(MockSecretEncoding, String)] = [
                (.unicodeEscaped, token.utf16.map { String(format: "\\u%04x", $0) }.joined()),
                (.htmlSafeEscaped, #"sk-\u003clive\u003e\u0026key"#),
                (.percentEncoded, "sk-%3Clive%3E%26key"),
                (.base64, Self.base64(token)),
                (.basicAuth, Self.base64(token + ":")),
            ]
            for (encoding, echoed) in expected {
                server.enqueueFaults([.echoSecretsEncoded(status: 200, encoding: encoding)], for: .rerank)
                let response = try await http.send(.POST, "/v1/rerank", json: "{}", token: token)
                #expect(response.status == 200)
                #expect(
                    response.text
                        == #"{"error":{"message":"Credentials rejected: \#(echoed)","type":"api_error","param":null,"code":null}}"#,
                    "\(encoding)"
                )
                #expect(response.header("x-request-id") == "Credentials rejected: " + echoed)
            }
            server.enqueueFaults([.echoSecretsEncoded(status: 401, encoding: .base64)], for: .embeddings)
            let anonymous = try await http.send(.POST, "/v1/embeddings", json: "{}", token: nil)
            #expect(
                anonymous.text
                    == #"{"error":{"message":"Credentials rejected: none","type":"authentication_error","param":null,"code":"invalid_api_key"}}"#
            )
        }
    }

    // MARK: - secretsSeen

    @Test("secretsSeen: bearer values on every route (refused and faulted ones too), login emails and passwords, issued tokens")
    func secretsSeen() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            #expect(server.secretsSeen.isEmpty)
            let token = try await http.login()
            _ = try await http.send(.POST, "/api/login", json: #"{"email":"who@ex.test","password":"wrong-one"}"#, token: nil)
            _ = try await http.send(.GET, "/v1/models")
            _ = try await http.send(.GET, "/v1/models")
            _ = try await http.send(.GET, "/api/v1/models", token: "  unknown-token ")
            server.enqueueFaults([.status(503)], for: .assistants)
            _ = try await http.send(.GET, "/api/v1/user/assistants", token: "faulted-token")
            _ = try await http.send(.GET, "/api/v1/models", token: nil, headers: [("Authorization", "Basic dXNlcjpwYXNz")])
            _ = try await http.send(.GET, "/api/v1/models", token: token)
            let expected = [
                MockAccount.demo.email, MockAccount.demo.password, token, "who@ex.test", "wrong-one", MockAccount.demoAPIKey,
                "unknown-token",
                "faulted-token",
            ]
            #expect(server.secretsSeen == expected.sorted())
            server.resetCounters()
            #expect(server.secretsSeen == expected.sorted(), "kept across resetCounters")
        }
    }
}
