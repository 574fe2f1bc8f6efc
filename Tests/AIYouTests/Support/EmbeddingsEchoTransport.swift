import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

@testable import AIYou

/// A ``Transport`` that answers `POST /v1/embeddings` itself, without sockets: each text gets a
/// vector computed from its bytes (``vector(for:dimensions:)``), the items are written in reverse
/// index order, and every attempt waits `delay` (real time) so that concurrent batches overlap.
/// It records the texts of every attempt and the most attempts it had in flight at once; a
/// status can be scripted for the attempts whose first text is given.
final class EmbeddingsEchoTransport: Transport {
    private struct State: Sendable {
        var inFlight = 0
        var maxInFlight = 0
        var attempts: [[String]] = []
        var scripted: [String: [(status: Int, body: String)]] = [:]
    }

    private let state = Locked(State())
    let dimensions: Int
    let delay: Duration

    init(dimensions: Int = 4, delay: Duration = .zero) {
        self.dimensions = dimensions
        self.delay = delay
    }

    /// The next attempts whose first text is `text` get these answers instead, one each.
    func script(firstText text: String, _ answers: (status: Int, body: String)...) {
        state.withLock { $0.scripted[text, default: []] += answers }
    }

    /// The texts of every attempt, in the order they were sent.
    var attempts: [[String]] { state.withLock { $0.attempts } }
    /// The most attempts in flight at once.
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// The vector of `text`: numbers from a hash of its bytes, some needing an exponent.
    static func vector(for text: String, dimensions: Int) -> [Float] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return (0..<dimensions).map { position in
            hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Float(hash >> 40) / Float(1 << 24) - 0.5
            return position == 0 ? unit / 100_000 : unit
        }
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        guard case .json(let buffer) = request.body,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { return Self.answer(400, #"{"error":{"message":"not JSON","type":"invalid_request_error"}}"#) }
        let texts: [String] = (object["input"] as? [String]) ?? (object["input"] as? String).map { [$0] } ?? []
        let scripted = state.withLock { state -> (status: Int, body: String)? in
            state.attempts.append(texts)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            guard let first = texts.first, var answers = state.scripted[first], !answers.isEmpty else { return nil }
            defer { state.scripted[first] = answers }
            return answers.removeFirst()
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if delay > .zero { try? await Task.sleep(for: delay) }
        if let scripted { return Self.answer(scripted.status, scripted.body) }
        let items = texts.enumerated().reversed().map { index, text in
            let numbers = Self.vector(for: text, dimensions: dimensions).map(\.description).joined(separator: ",")
            return #"{"object":"embedding","index":\#(index),"embedding":[\#(numbers)]}"#
        }
        let words = texts.reduce(0) { $0 + $1.split(separator: " ").count }
        let model = object["model"] as? String ?? ""
        return Self.answer(
            200,
            #"{"object":"list","model":"\#(model)","data":[\#(items.joined(separator: ","))],"usage":{"prompt_tokens":\#(words),"total_tokens":\#(words)}}"#
        )
    }

    private static func answer(_ status: Int, _ body: String) -> TransportResponse {
        TransportResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: .whole(ByteBuffer(string: body))
        )
    }

    func shutdown() async throws {}

    func nextEventLoopExecutor() -> EventLoopTaskExecutor {
        EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
    }
}

extension AIYouClient {
    /// An LLMaaS client whose every request goes to `transport` (retries wait on a manual clock).
    static func llmaas(_ transport: any Transport, time: ManualTime = ManualTime()) throws -> AIYouClient {
        var configuration = Configuration(api: .llmaas, baseURL: "http://127.0.0.1:9", credentials: .apiKey("scripted-key"))
        configuration.retry = .init(maxRetries: 2, initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        configuration.timeSource = time.source
        _ = try configuration.validated()
        return AIYouClient(configuration: configuration, transport: transport)
    }
}
