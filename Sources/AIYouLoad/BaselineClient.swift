import AIYou
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The naive way to call AI.YOU with AsyncHTTPClient, as a yardstick: async `execute`, `collect`,
/// `JSONDecoder`; for streams, split lines and decode each `data:` line with `JSONDecoder`.
/// Same server, same body, same pool size as the SDK side.
///
/// It owns an `HTTPClient`: call ``shutdown()`` once done.
public struct BaselineClient: Sendable {
    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
        }
        struct Wrapped: Decodable { var choices: [Choice] }
        var response: Wrapped?
        var choices: [Choice]?
    }

    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta
        }
        var choices: [Choice]
    }

    struct AssistantList: Decodable {
        struct Member: Decodable { var name: String? }
        var members: [Member]
        init(from decoder: any Decoder) throws {
            if let array = try? [Member](from: decoder) {
                members = array
            } else {
                struct Hydra: Decodable {
                    var member: [Member]
                    enum CodingKeys: String, CodingKey { case member = "hydra:member" }
                }
                members = try Hydra(from: decoder).member
            }
        }
    }

    let http: HTTPClient
    let baseURL: String
    let token: String
    let chatBody: ByteBuffer
    let streamBody: ByteBuffer

    /// Creates a client for `baseURL` that sends `token` as its bearer token and `request` as
    /// the body of every chat call (streamed or not).
    ///
    /// - Parameters:
    ///   - baseURL: The service's base URL, e.g. `http://127.0.0.1:8080`.
    ///   - token: The bearer token (an API key).
    ///   - request: The chat request every chat call sends.
    ///   - poolSize: The most connections kept open to the host.
    /// - Throws: An encoding error when `request` cannot be encoded as JSON.
    public init(baseURL: String, token: String, request: ChatCompletionRequest, poolSize: Int) throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: poolSize)
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.baseURL = baseURL
        self.token = token
        let encoder = JSONEncoder()
        var streaming = try JSONSerialization.jsonObject(with: encoder.encode(request)) as! [String: Any]
        streaming["stream"] = true
        var plain = streaming
        plain["stream"] = false
        self.chatBody = ByteBuffer(data: try JSONSerialization.data(withJSONObject: plain))
        self.streamBody = ByteBuffer(data: try JSONSerialization.data(withJSONObject: streaming))
    }

    /// Shuts the HTTP client down; no call may be made afterwards.
    ///
    /// - Throws: AsyncHTTPClient's shutdown error, if any.
    public func shutdown() async throws { try await http.shutdown() }

    private func request(_ path: String, method: HTTPMethod, body: ByteBuffer?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        return request
    }

    /// One non-streamed chat completion; returns its text length.
    ///
    /// - Throws: ``BenchError`` for a status other than 200; AsyncHTTPClient's and
    ///   `JSONDecoder`'s errors.
    public func chat() async throws -> Int {
        let response = try await http.execute(request("/api/v1/chat/completions", method: .POST, body: chatBody), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 32 * 1024 * 1024)
        guard response.status == .ok else { throw BenchError("HTTP \(response.status.code)") }
        let completion = try JSONDecoder().decode(Completion.self, from: body)
        return (completion.response?.choices ?? completion.choices ?? []).first?.message.content?.count ?? 0
    }

    /// One assistants listing; returns the count.
    ///
    /// - Throws: ``BenchError`` for a status other than 200; AsyncHTTPClient's and
    ///   `JSONDecoder`'s errors.
    public func assistants() async throws -> Int {
        let response = try await http.execute(request("/api/v1/user/assistants", method: .GET, body: nil), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 32 * 1024 * 1024)
        guard response.status == .ok else { throw BenchError("HTTP \(response.status.code)") }
        return try JSONDecoder().decode(AssistantList.self, from: body).members.count
    }

    /// One streamed answer, split into lines and decoded event by event; returns the event count.
    ///
    /// - Throws: ``BenchError`` for a status other than 200; AsyncHTTPClient's and
    ///   `JSONDecoder`'s errors.
    public func stream() async throws -> Int {
        let response = try await http.execute(request("/api/v1/chat/completions", method: .POST, body: streamBody), timeout: .seconds(60))
        guard response.status == .ok else { throw BenchError("HTTP \(response.status.code)") }
        let decoder = JSONDecoder()
        var carry = Data()
        var events = 0
        for try await buffer in response.body {
            carry.append(contentsOf: buffer.readableBytesView)
            while let newline = carry.firstIndex(of: UInt8(ascii: "\n")) {
                var line = carry[carry.startIndex..<newline]
                carry = carry[(newline + 1)...]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                guard line.starts(with: Data("data: ".utf8)) else { continue }
                let payload = line.dropFirst(6)
                if payload.elementsEqual(Data("[DONE]".utf8)) { continue }
                _ = try decoder.decode(Chunk.self, from: Data(payload))
                events += 1
            }
        }
        return events
    }
}
