import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A raw answer from the mock server.
struct RawResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed with `JSONSerialization` (fragments allowed).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(self.body), options: [.fragmentsAllowed])
    }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        guard let object = try self.json() as? [String: Any] else { throw TestFailure("not a JSON object: \(self.text)") }
        return object
    }

    func header(_ name: String) -> String? { self.headers.first(name: name) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Sends requests to a mock server over loopback with AsyncHTTPClient.
struct TestHTTP: Sendable {
    let baseURL: String
    var client: HTTPClient = .shared
    var timeout: TimeAmount = .seconds(10 * Int64(TestTiming.slowdown))

    init(_ server: MockAIYouServer, client: HTTPClient = .shared) {
        self.baseURL = server.baseURL
        self.client = client
    }

    init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// The same sender with another deadline (AsyncHTTPClient retries refused connections
    /// until the deadline, so checks against a stopped server use a short one).
    func timeout(_ timeout: TimeAmount) -> TestHTTP {
        var copy = self
        copy.timeout = timeout
        return copy
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        body: ByteBuffer? = nil,
        token: String? = MockAccount.demoAPIKey,
        headers extra: [(String, String)] = []
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.body = .bytes(body)
        }
        for (name, value) in extra {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        let response = try await self.client.execute(request, timeout: self.timeout)
        var collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return RawResponse(
            status: Int(response.status.code),
            headers: response.headers,
            body: collected.readBytes(length: collected.readableBytes) ?? []
        )
    }

    /// Logs in with the demo account and returns the token.
    func login(_ account: MockAccount = .demo) async throws -> String {
        let response = try await self.send(
            .POST,
            "/api/login",
            json: #"{"email":"\#(account.email)","password":"\#(account.password)"}"#,
            token: nil
        )
        guard response.status == 200, let token = try response.object()["token"] as? String else {
            throw TestFailure("login failed: \(response.status) \(response.text)")
        }
        return token
    }

    /// A chat request body with one user message.
    static func chatBody(_ text: String, stream: Bool? = nil, extra: String = "") -> String {
        let streamField = stream.map { #","stream":\#($0)"# } ?? ""
        return #"{"messages":[{"role":"user","content":[{"type":"text","text":"\#(text)"}]}]\#(streamField)\#(extra)}"#
    }
}

/// Polls `condition` every few milliseconds for up to `timeout`.
/// The wait is generous: it ends as soon as the condition holds, and under ThreadSanitizer, with
/// the whole suite sharing two cores, a server has been seen to need more than 30 s to start.
func eventually(timeout: Duration = .seconds(120), _ condition: () -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// Runs `body` with a new HTTP client and shuts the client down afterwards, also when `body`
/// throws (a client dropped without a shutdown traps in AsyncHTTPClient's deinit, which would
/// take the whole test process down with one failing test).
func withHTTPClient<Result>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(client)
        // The body may have shut the client down itself (to watch connections close).
        try? await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
