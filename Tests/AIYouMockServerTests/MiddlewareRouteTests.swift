import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

@testable import AIYouMockServer

/// The middleware chain (record, faults, authentication, answer faults, route) driven through
/// the router in-process by Hummingbird's `.router` test framework: no socket, and a testing
/// channel in place of a connection.
@Suite("Middleware chain through the router")
struct MiddlewareRouteTests {
    private static let apiKey: HTTPFields = [.authorization: "Bearer \(MockAccount.demoAPIKey)"]

    /// Runs `body` against the router of a server that is never started: the inspection and
    /// control members of `server` work on the same state as the router.
    private static func withRouter(
        _ body: @escaping @Sendable (MockAIYouServer, any TestClientProtocol) async throws -> Void
    ) async throws {
        let server = MockAIYouServer()
        let application = Application(router: MockRouterBuilder(state: server.state).build())
        try await application.test(.router) { client in
            try await body(server, client)
        }
    }

    @Test("a request without a token is refused in each dialect's words, and recorded")
    func unauthenticatedIsRefusedAndRecorded() async throws {
        try await Self.withRouter { server, client in
            let aiyou = try await client.execute(uri: "/api/v1/models", method: .get)
            #expect(aiyou.status == .unauthorized)
            #expect(aiyou.headers[.wwwAuthenticate] == "Bearer")
            #expect(String(buffer: aiyou.body) == #"{"message":"JWT Token not found","code":401}"#)

            let llmaas = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(llmaas.status == .unauthorized)
            #expect(
                String(buffer: llmaas.body)
                    == #"{"error":{"message":"Invalid API key","type":"authentication_error","param":null,"code":"invalid_api_key"}}"#
            )

            #expect(server.requestCount(.listModels) == 1)
            #expect(server.requestCount(.llmaasModels) == 1)
            #expect(server.recordedRequests(.llmaasModels).first?.path == "/v1/models")
            #expect(server.secretsSeen == ["nope"])
        }
    }

    @Test("an expired token is refused with \"Expired JWT Token\"")
    func expiredTokenIsRefused() async throws {
        try await Self.withRouter { server, client in
            let login = try await client.execute(
                uri: "/api/login",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"demo@aiyou.test","password":"demo-password"}"#)
            )
            #expect(login.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: login.body)) as? [String: Any]
            let token = try #require(object?["token"] as? String)
            server.expireAllTokens()

            let refused = try await client.execute(uri: "/api/v1/models", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate] == "Bearer")
            #expect(String(buffer: refused.body) == #"{"message":"Expired JWT Token","code":401}"#)
        }
    }

    @Test("a queued status fault answers before authentication, once")
    func statusFaultAnswersBeforeAuthentication() async throws {
        try await Self.withRouter { server, client in
            server.enqueueFaults([.status(503)], for: .listModels)
            let faulted = try await client.execute(uri: "/api/v1/models", method: .get)
            #expect(faulted.status == .serviceUnavailable)
            #expect(String(buffer: faulted.body) == #"{"message":"Injected failure","code":503}"#)

            let refused = try await client.execute(uri: "/api/v1/models", method: .get)
            #expect(refused.status == .unauthorized)
            #expect(server.requestCount(.listModels) == 2)
        }
    }

    @Test("an answer fault does not touch a refusal, and is spent by it")
    func answerFaultSpentOnRefusal() async throws {
        try await Self.withRouter { server, client in
            server.enqueueFaults([.truncatedBody], for: .llmaasModels)
            let refused = try await client.execute(uri: "/v1/models", method: .get)
            #expect(refused.status == .unauthorized)
            #expect(String(buffer: refused.body).hasSuffix(#""code":"invalid_api_key"}}"#))

            let answered = try await client.execute(uri: "/v1/models", method: .get, headers: Self.apiKey)
            #expect(answered.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: answered.body)) as? [String: Any]
            #expect(object?["object"] as? String == "list")
        }
    }

    @Test("a body over 16 MiB is refused with 413, and still recorded")
    func oversizedBodyIsRefusedAndRecorded() async throws {
        try await Self.withRouter { server, client in
            var headers = Self.apiKey
            headers[.contentType] = "application/json"
            let body = ByteBuffer(repeating: UInt8(ascii: " "), count: RecordMiddleware.maxBodySize + 1)
            let response = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: headers, body: body)
            #expect(response.status == .contentTooLarge)
            #expect(
                String(buffer: response.body)
                    == #"{"error":{"message":"Request body too large.","type":"invalid_request_error","param":null,"code":null}}"#
            )
            #expect(server.requestCount(.llmaasChatCompletions) == 1)
            #expect(server.recordedRequests(.llmaasChatCompletions).first?.body.isEmpty == true)
            #expect(server.secretsSeen == [MockAccount.demoAPIKey])

            let aiyou = try await client.execute(uri: "/api/v1/chat/completions", method: .post, headers: headers, body: body)
            #expect(aiyou.status == .contentTooLarge)
            #expect(String(buffer: aiyou.body) == #"{"message":"Request body too large.","code":413}"#)
            #expect(server.requestCount(.chatCompletions) == 1)
        }
    }

    @Test("an authenticated request reaches its route")
    func authenticatedRequestReachesRoute() async throws {
        try await Self.withRouter { server, client in
            let response = try await client.execute(uri: "/v1/models", method: .get, headers: Self.apiKey)
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(object?["object"] as? String == "list")
            #expect((object?["data"] as? [Any])?.isEmpty == false)
            #expect(server.requestCount(.llmaasModels) == 1)
        }
    }

    @Test("an unknown LLMaaS path gets OpenAI's 404, an unknown AI.YOU path Hummingbird's")
    func unknownPathsGetTheirDialectsNotFound() async throws {
        try await Self.withRouter { server, client in
            let llmaas = try await client.execute(uri: "/v1/images/variations", method: .post, headers: Self.apiKey)
            #expect(llmaas.status == .notFound)
            #expect(
                String(buffer: llmaas.body)
                    == #"{"error":{"message":"Invalid URL (POST /v1/images/variations)","type":"invalid_request_error","param":null,"code":null}}"#
            )

            let aiyou = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: Self.apiKey)
            #expect(aiyou.status == .notFound)
            #expect(aiyou.body.readableBytes == 0)
            #expect(server.totalRequestCount == 0)
        }
    }
}
