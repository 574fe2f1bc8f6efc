import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The embedded server echoes the secrets it saw, encoded (``MockFault/echoSecretsEncoded(status:encoding:)``):
/// over loopback, every error text and log line of the client shows a mask where each one was.
@Suite("Secrets echoed encoded by the server stay out of errors and logs")
struct EchoedSecretsTests {
    /// An API key with the characters encodings treat specially.
    static let apiKey = "ak-Zx+9/Qm=<w>&v=="

    /// Every text of `error` a user or a log may see.
    static func texts(of error: AIYouError) -> [String] {
        [
            error.description, error.debugDescription, error.message, error.bodyExcerpt ?? "", error.requestID ?? "",
            error.errorType ?? "", "\(error)", String(reflecting: error),
        ]
    }

    /// The secrets and the forms they may be echoed in (the server's and others).
    static func forms(of secrets: [String]) -> [String] {
        var forms: [String] = []
        for secret in secrets {
            forms += EchoEncoding.allCases.map { $0.encode(secret) }
            forms.append(EchoEncoding.base64Standard.encode(secret + ":"))
            let rfc3986 = secret.utf8.map { byte -> String in
                let scalar = Unicode.Scalar(byte)
                return byte < 0x80
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "-_~".contains(Character(scalar)))
                    ? String(scalar) : String(format: "%%%02X", byte)
            }
            forms.append(rfc3986.joined())
        }
        if secrets.count >= 2 { forms.append(EchoEncoding.base64Standard.encode(secrets[0] + ":" + secrets[1])) }
        return forms
    }

    /// Expects that no text holds any form of `secrets`, and that `message` reads `expected`.
    static func expectClean(
        _ error: AIYouError?,
        secrets: [String],
        logs: String,
        operation: AIYouOperation,
        message expected: String,
        requestID: String? = nil
    ) {
        guard let error else { return }
        #expect(error.message == expected)
        #expect(error.operation == operation)
        #expect(error.requestID == nil || error.requestID == (requestID ?? expected))
        for text in texts(of: error) + [logs] {
            for form in forms(of: secrets) {
                #expect(!text.contains(form), "\(form) in \(text.prefix(300))")
            }
        }
    }

    @Test("login: the email and password echoed in the body and x-request-id", arguments: MockSecretEncoding.allCases)
    func login(_ encoding: MockSecretEncoding) async throws {
        let capture = LogCapture()
        try await withServerAndClient(client: { $0.logger = capture.logger }) { server, client in
            server.enqueueFaults([.echoSecretsEncoded(status: 400, encoding: encoding)], for: .login)
            let error = await expectAIYouError(.unauthorized) { try await client.assistants() }
            let masks = encoding == .basicAuth ? "[REDACTED]" : "[REDACTED] [REDACTED]"
            Self.expectClean(
                error,
                secrets: [MockAccount.demo.email, MockAccount.demo.password],
                logs: capture.text,
                operation: .login,
                message: "login rejected as a bad request: Credentials rejected: \(masks)",
                requestID: "Credentials rejected: \(masks)"
            )
            #expect(error?.bodyExcerpt?.contains("Credentials rejected: \(masks)") == true, "\(error?.bodyExcerpt ?? "")")
        }
    }

    @Test("the session token echoed in an error answer", arguments: MockSecretEncoding.allCases)
    func sessionToken(_ encoding: MockSecretEncoding) async throws {
        let capture = LogCapture()
        try await withServerAndClient(client: { $0.logger = capture.logger }) { server, client in
            _ = try await client.assistants()
            let token = try #require(client.pipeline.authenticator.issuedTokens.first)
            server.enqueueFaults([.echoSecretsEncoded(status: 422, encoding: encoding)], for: .assistants)
            let error = await expectAIYouError(.apiError) { try await client.assistants() }
            Self.expectClean(
                error,
                secrets: [token],
                logs: capture.text,
                operation: .assistants,
                message: "Credentials rejected: [REDACTED]"
            )
        }
    }

    @Test("an API key with +/=<>& echoed in a 4xx answer and in a 2xx error object", arguments: MockSecretEncoding.allCases)
    func apiKey(_ encoding: MockSecretEncoding) async throws {
        let capture = LogCapture()
        try await withLLMaaS(client: {
            $0.credentials = .apiKey(Self.apiKey)
            $0.logger = capture.logger
        }) { server, client in
            server.enqueueFaults([.echoSecretsEncoded(status: 422, encoding: encoding)], for: .llmaasModels)
            let refused = await expectAIYouError(.apiError) { try await client.models() }
            Self.expectClean(
                refused,
                secrets: [Self.apiKey],
                logs: capture.text,
                operation: .models,
                message: "Credentials rejected: [REDACTED]"
            )
            server.enqueueFaults([.echoSecretsEncoded(status: 200, encoding: encoding)], for: .llmaasChatCompletions)
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "gpt-oss:120b")
            let successful = await expectAIYouError(.apiError) { try await client.chatCompletion(request) }
            Self.expectClean(
                successful,
                secrets: [Self.apiKey],
                logs: capture.text,
                operation: .chatCompletion,
                message: "Credentials rejected: [REDACTED]"
            )
        }
    }

    @Test("a 2xx error object of 30 MiB echoing the key is read only to maxErrorBodyBytes")
    func largeSuccessfulErrorObject() async throws {
        try await withLLMaaS(client: { $0.credentials = .apiKey(Self.apiKey) }) { server, client in
            server.enqueueFaults([.errorObject(status: 200, messageBytes: 30 * 1024 * 1024)], for: .llmaasChatCompletions)
            let request = ChatCompletionRequest(messages: [.text("Bonjour")], model: "gpt-oss:120b")
            let error = try #require(await expectAIYouError(.decoding) { try await client.chatCompletion(request) })
            // Cut at 64 KiB, the object does not parse: no message was taken from it.
            #expect(error.message.hasPrefix("could not read") && error.operation == .chatCompletion, "\(error.message)")
            let excerpt = try #require(error.bodyExcerpt)
            let escapedKey = EchoEncoding.jsonEscaped.encode(Self.apiKey)
            #expect(excerpt.hasPrefix(#"{"error":{"message":"[REDACTED]xxxx"#), "\(excerpt.prefix(80))")
            for text in Self.texts(of: error) { #expect(!text.contains(Self.apiKey) && !text.contains(escapedKey)) }
            // Streamed, the error object is the one event of a 200 event stream.
            server.enqueueFaults([.errorObject(status: 200, messageBytes: 512 * 1024)], for: .llmaasChatCompletions)
            let streamed = try #require(await expectAIYouError(.decoding) { try await client.chatCompletionStream(request).collect() })
            #expect(streamed.bodyExcerpt?.hasPrefix(#"{"error":{"message":"[REDACTED]xxxx"#) == true)
            for text in Self.texts(of: streamed) { #expect(!text.contains(Self.apiKey) && !text.contains(escapedKey)) }
        }
    }
}
