import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Secrets stay out of logs and errors")
struct RedactionTests {
    @Test("trace-level logs of a session with login, re-login, chat, errors and retries contain no email, password or token")
    func logsAreClean() async throws {
        let capture = LogCapture()
        try await withServerAndClient(client: { $0.logger = capture.logger }) { server, client in
            _ = try await client.chatCompletion(chatRequest("Bonjour"))
            server.expireAllTokens()
            _ = try await client.assistants()
            server.enqueueFaults([.status(503, body: #"{"message":"down","token":"leaked-token-value"}"#)], for: .threads)
            _ = try await client.threads()
            server.enqueueFaults([.status(400, body: #"{"message":"bad request for demo@aiyou.test"}"#)], for: .threads)
            _ = try? await client.threads()
            let issuedTokens = server.recordedRequests(.assistants).compactMap { $0.header("authorization") }.map {
                String($0.dropFirst("Bearer ".count))
            }
            #expect(!issuedTokens.isEmpty)
            let text = capture.text
            #expect(text.contains("aiyou.request.id"), "the capture saw the client's logs")
            #expect(text.contains("retrying"))
            for secret in [MockAccount.demo.email, MockAccount.demo.password, "leaked-token-value"] + issuedTokens {
                #expect(!text.contains(secret), "log contains a secret")
            }
            #expect(text.contains("[REDACTED]"), "the login body is logged at trace, redacted")
        }
    }

    @Test("error descriptions never contain secrets, even when the server echoes them")
    func errorsAreClean() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            let token = server.recordedRequests(.assistants).last!.header("authorization")!.dropFirst("Bearer ".count)
            let echo =
                #"{"message":"rejected \#(token) for \#(MockAccount.demo.email) with password \#(MockAccount.demo.password)","type":"x"}"#
            server.enqueueFaults([.status(422, body: echo)], for: .assistants)
            let error = try #require(await expectAIYouError(.apiError) { try await client.assistants() })
            let texts = [error.description, error.debugDescription, error.message, error.bodyExcerpt ?? "", "\(error)"]
            for text in texts {
                #expect(!text.contains(token))
                #expect(!text.contains(MockAccount.demo.email))
                #expect(!text.contains(MockAccount.demo.password))
            }
            #expect(error.status == 422)
            #expect(error.errorType == "x")
        }
    }

    @Test("every token ever issued, a password at the 300-character cut, the request id and the error type stay out of errors and logs")
    func everyFieldAndEveryToken() async throws {
        let capture = LogCapture()
        try await withServerAndClient(client: { $0.logger = capture.logger }) { server, client in
            _ = try await client.assistants()
            let first = try #require(client.pipeline.authenticator.issuedTokens.first)
            server.expireAllTokens()
            _ = try await client.assistants()
            let tokens = client.pipeline.authenticator.issuedTokens
            #expect(tokens.count == 2 && tokens.contains(first), "a second login happened")
            let password = MockAccount.demo.password
            // The password starts at character 295: a client cutting at 300 before redacting would
            // keep "demo-". The message also carries the token issued before the re-login, escape
            // sequences, and a JSON-escaped copy of the login body.
            let message =
                String(repeating: "x", count: 294) + " " + password + " old token \(first) " + #"\u001b[31m \u0007"#
                + #" {\"email\":\"\#(MockAccount.demo.email)\",\"password\":\"\#(password)\"}"#
            let body = #"{"message": "\#(message)", "type": "\#(first)\u001b]0;title\u0007", "code": 500}"#
            server.enqueueFaults([.status(422, body: body, headers: ["x-request-id": "req-\(tokens[0])"])], for: .assistants)
            let error = try #require(await expectAIYouError(.apiError) { try await client.assistants() })
            let outputs = [
                error.description, error.debugDescription, error.message, error.errorType ?? "", error.requestID ?? "",
                error.bodyExcerpt ?? "",
                "\(error)", String(reflecting: error), capture.text,
            ]
            for output in outputs {
                for secret in tokens + [MockAccount.demo.email, password, String(password.prefix(5)) + "…"] {
                    #expect(!output.contains(secret), "\(output.prefix(80))… contains a secret")
                }
                #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "no escape sequence survives")
            }
            #expect(error.message.contains("[REDACTED]"))
            #expect(error.requestID == "req-[REDACTED]")
        }
    }

    @Test("secret shapes are masked without knowing the values")
    func patterns() {
        let text =
            #"Authorization: Bearer abc.def-123 {"password": "p@ss", "email":"x@y.fr"} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature bob.smith+tag@mail.example.org."#
        let redacted = Redactor.redactPatterns(in: text)
        for secret in ["abc.def-123", "p@ss", "x@y.fr", "eyJhbGciOiJIUzI1NiJ9", "bob.smith"] {
            #expect(!redacted.contains(secret), "\(redacted)")
        }
        #expect(redacted.hasSuffix("[REDACTED]."))
        #expect(Redactor.redactPatterns(in: "nothing to hide here") == "nothing to hide here")
        #expect(Redactor(knownSecrets: ["s3cr3t"]).redact("x s3cr3t y s3cr3t") == "x [REDACTED] y [REDACTED]")
    }
}
