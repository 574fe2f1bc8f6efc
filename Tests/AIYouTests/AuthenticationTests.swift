import AIYouMockServer
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Authentication")
struct AuthenticationTests {
    @Test("50 concurrent first calls cause exactly one login")
    func singleFlightLogin() async throws {
        try await withServerAndClient { server, client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { try await client.assistants().count } }
                for try await count in group { #expect(count == 3) }
            }
            #expect(server.requestCount(.login) == 1)
            #expect(server.requestCount(.assistants) == 50)
        }
    }

    @Test(
        "login answers of both shapes are understood; the token is sent as a bearer token and reused",
        arguments: MockResponseShape.allCases
    )
    func reusesToken(shape: MockResponseShape) async throws {
        try await withServerAndClient(server: { $0.shape = shape }) { server, client in
            _ = try await client.assistants()
            _ = try await client.models()
            #expect(server.requestCount(.login) == 1)
            let tokens = (server.recordedRequests(.assistants) + server.recordedRequests(.listModels)).compactMap {
                $0.header("authorization")
            }
            #expect(tokens.count == 2)
            #expect(Set(tokens).count == 1)
            #expect(tokens[0].hasPrefix("Bearer "))
        }
    }

    @Test("the client logs in again before the token expires, without a 401")
    func refreshBeforeExpiry() async throws {
        let time = ManualTime()
        // The server dates the token by the real clock, the client reads the test's: the margin of
        // 600 s leaves room for however slowly (a sanitizer, a loaded machine) the login came.
        try await withServerAndClient(
            server: { $0.tokenLifetime = .seconds(3600) },
            client: {
                $0.timeSource = time.source
                $0.tokenRefreshMargin = .seconds(600)
            }
        ) { server, client in
            _ = try await client.assistants()
            time.advance(by: .seconds(2000))
            _ = try await client.assistants()
            #expect(server.requestCount(.login) == 1, "still well inside the lifetime")
            time.advance(by: .seconds(1300))  // 3300 s: within the 600 s refresh margin
            _ = try await client.assistants()
            #expect(server.requestCount(.login) == 2)
            #expect(server.requestCount(.assistants) == 3, "no request was rejected")
        }
    }

    @Test("a 401 on an expired token causes one re-login and the call succeeds")
    func reloginAfter401() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.expireAllTokens()
            let assistants = try await client.assistants()
            #expect(assistants.count == 3)
            #expect(server.requestCount(.login) == 2)
            #expect(server.requestCount(.assistants) == 3, "first call, rejected call, retried call")
        }
    }

    @Test("concurrent 401s share one re-login")
    func concurrent401s() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.expireAllTokens()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 { group.addTask { _ = try await client.assistants() } }
                try await group.waitForAll()
            }
            #expect(server.requestCount(.login) == 2)
        }
    }

    @Test("a token that is refused even after a fresh login fails with unauthorized, without looping")
    func no401Loop() async throws {
        try await withServerAndClient { server, client in
            _ = try await client.assistants()
            server.enqueueFaults([.status(401), .status(401), .status(401)], for: .assistants)
            await expectAIYouError(.unauthorized) { try await client.assistants() }
            #expect(server.requestCount(.login) == 2)
            #expect(server.requestCount(.assistants) == 3)
        }
    }

    @Test("wrong password: unauthorized error, one login attempt, no secret in the error")
    func wrongPassword() async throws {
        try await MockAIYouServer.withRunning { server in
            let credentials = Credentials.emailPassword(email: MockAccount.demo.email, password: "wrong-password-123")
            try await withAIYouClient(Fixture.configuration(server, credentials: credentials)) { client in
                let error = await expectAIYouError(.unauthorized) { try await client.assistants() }
                #expect(server.requestCount(.login) == 1)
                #expect(server.requestCount(.assistants) == 0)
                let text = "\(error.map { "\($0) \(String(reflecting: $0))" } ?? "")"
                #expect(!text.contains("wrong-password-123"))
                #expect(!text.contains(MockAccount.demo.email))
            }
        }
    }

    @Test("a bearer token never logs in; a 401 with it is final")
    func bearerToken() async throws {
        try await MockAIYouServer.withRunning { server in
            try await withAIYouClient(Fixture.configuration(server, credentials: Fixture.apiKey)) { client in
                let assistants = try await client.assistants()
                #expect(assistants.count == 3)
                #expect(server.recordedRequests(.assistants).last?.header("authorization") == "Bearer \(MockAccount.demoAPIKey)")
            }
            try await withAIYouClient(Fixture.configuration(server, credentials: .bearerToken("not-a-valid-key"))) { client in
                await expectAIYouError(.unauthorized) { try await client.assistants() }
            }
            #expect(server.requestCount(.login) == 0)
            #expect(server.requestCount(.assistants) == 2)
        }
    }
}
