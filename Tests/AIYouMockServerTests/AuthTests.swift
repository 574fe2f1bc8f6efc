import AsyncHTTPClient
import Foundation
import Testing

@testable import AIYouMockServer

@Suite("Authentication")
struct AuthTests {
    @Test("login succeeds in both shapes", arguments: MockResponseShape.allCases)
    func loginSucceeds(shape: MockResponseShape) async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = shape
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let http = TestHTTP(server)
            let response = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"demo@aiyou.test","password":"demo-password"}"#,
                token: nil
            )
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let body = try response.object()
            let token = try #require(body["token"] as? String)
            #expect(!token.isEmpty)
            #expect(!token.contains("demo"))
            let expiresAt = try #require(body["expires_at"] as? String)
            let user = try #require(body["user"] as? [String: Any])
            #expect(user["email"] as? String == "demo@aiyou.test")
            #expect(user["firstName"] as? String == "Demo")
            #expect(user["profileImage"] is String)
            switch shape {
            case .primary:
                #expect(expiresAt.hasSuffix("Z"))
                #expect(expiresAt.contains("."))
                #expect(user["id"] as? Int == 42)
                #expect(!(user["id"] is String))
            case .alternate:
                #expect(expiresAt.hasSuffix("+02:00"))
                #expect(!expiresAt.contains("."))
                #expect(user["id"] as? String == "42")
            }
            // Both forms are RFC 3339 and about an hour ahead.
            let parsed = try #require(Self.parseDate(expiresAt))
            #expect(abs(parsed.timeIntervalSinceNow - 3600) < 60)
            #expect(server.issuedTokenCount == 1)
        }
    }

    @Test("wrong credentials get 401, a missing or broken body 400", arguments: MockResponseShape.allCases)
    func loginFailures(shape: MockResponseShape) async throws {
        var configuration = MockServerConfiguration()
        configuration.shape = shape
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let http = TestHTTP(server)
            let wrong = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"demo@aiyou.test","password":"nope"}"#,
                token: nil
            )
            #expect(wrong.status == 401)
            let body = try wrong.object()
            #expect(body["message"] as? String == "Invalid credentials.")
            #expect(body["code"] as? Int == 401)

            for broken in ["", "not json", #"{"email":"demo@aiyou.test"}"#, "[1,2]"] {
                let response = try await http.send(.POST, "/api/login", json: broken, token: nil)
                #expect(response.status == 400, "body \(broken)")
                #expect(try response.object()["code"] as? Int == 400)
            }
            #expect(server.requestCount(.login) == 5)
            #expect(server.issuedTokenCount == 0)
        }
    }

    @Test("v1 routes need a bearer token; API keys and issued tokens work; expired tokens are refused")
    func bearerTokens() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let missing = try await http.send(.GET, "/api/v1/models", token: nil)
            #expect(missing.status == 401)
            #expect(try missing.object()["message"] as? String == "JWT Token not found")

            let unknown = try await http.send(.GET, "/api/v1/models", token: "made-up")
            #expect(unknown.status == 401)

            let withKey = try await http.send(.GET, "/api/v1/models", token: MockAccount.demoAPIKey)
            #expect(withKey.status == 200)

            let token = try await http.login()
            #expect(try await http.send(.GET, "/api/v1/models", token: token).status == 200)

            server.expireAllTokens()
            let expired = try await http.send(.GET, "/api/v1/models", token: token)
            #expect(expired.status == 401)
            let body = try expired.object()
            #expect(body["message"] as? String == "Expired JWT Token")
            #expect(body["code"] as? Int == 401)

            // API keys never expire; new logins work again.
            #expect(try await http.send(.GET, "/api/v1/models").status == 200)
            let fresh = try await http.login()
            #expect(try await http.send(.GET, "/api/v1/models", token: fresh).status == 200)
            #expect(server.issuedTokenCount == 2)
            // Rejected requests are counted too.
            #expect(server.requestCount(.listModels) == 7)
        }
    }

    @Test("tokens are valid for exactly the configured lifetime")
    func tokenStoreLifetime() {
        let store = TokenStore(apiKeys: [], lifetime: .milliseconds(600))
        let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let (token, expiresAt) = store.issue(now: issuedAt)
        #expect(expiresAt == issuedAt.addingTimeInterval(0.6))
        #expect(store.validate(token, now: issuedAt.addingTimeInterval(0.59)) == .valid)
        #expect(store.validate(token, now: issuedAt.addingTimeInterval(0.61)) == .expired)
        #expect(store.validate("never-issued", now: issuedAt) == .unknown)
    }

    @Test("an expired token is refused over HTTP")
    func tokenLifetime() async throws {
        var configuration = MockServerConfiguration()
        configuration.tokenLifetime = .milliseconds(200)
        configuration.accounts = [MockAccount(email: "a@b.test", password: "pw", userID: 7, firstName: "Ann")]
        try await MockAIYouServer.withRunning(configuration: configuration) { server in
            let http = TestHTTP(server)
            let token = try await http.login(configuration.accounts[0])
            // Whether the first use still falls inside 200 ms depends on the machine's load, so
            // only the expiry is checked here; the exact lifetime is checked on the store above.
            try await Task.sleep(for: .milliseconds(250))
            #expect(try await http.send(.GET, "/api/v1/models", token: token).status == 401)
            // The demo account is not configured here.
            let demo = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"demo@aiyou.test","password":"demo-password"}"#,
                token: nil
            )
            #expect(demo.status == 401)
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
