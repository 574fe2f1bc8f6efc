import NIOCore
import NIOHTTP1

@_spi(Benchmarks) @testable import AIYou

/// A ``Transport`` that plays a script instead of using the network: each attempt takes the next
/// step (an answer or a failure) and is recorded. Lets tests drive the pipeline's policy —
/// retries, idempotency, budgets, pauses — without sockets.
final class ScriptedTransport: Transport {
    enum Step: Sendable {
        /// An answer with this status, headers and whole body.
        case answer(Int, headers: [(String, String)] = [], body: String = "")
        /// A failure on the wire.
        case failure(TransportError.Kind, requestSent: Bool)
    }

    private struct State: Sendable {
        var steps: [Step] = []
        var sent: [TransportRequest] = []
    }

    private let state = Locked(State())
    /// Answered when the script has run out.
    private let fallback: Step

    init(_ steps: [Step] = [], fallback: Step = .answer(200, body: "[]")) {
        self.fallback = fallback
        state.withLock { $0.steps = steps }
    }

    /// Appends steps to the script.
    func script(_ steps: Step...) {
        state.withLock { $0.steps += steps }
    }

    /// Every attempt sent so far.
    var sent: [TransportRequest] { state.withLock { $0.sent } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let step = state.withLock { state in
            state.sent.append(request)
            return state.steps.isEmpty ? fallback : state.steps.removeFirst()
        }
        switch step {
        case .answer(let status, let headers, let body):
            return TransportResponse(status: status, headers: HTTPHeaders(headers), body: .whole(ByteBuffer(string: body)))
        case .failure(let kind, let requestSent):
            throw TransportError(kind, "scripted \(kind)", requestSent: requestSent)
        }
    }

    func shutdown() async throws {}
}

extension AIYouClient {
    /// A client whose every request goes to `transport`, with a bearer token, the given retry
    /// policy and `time` (no real sleeping).
    static func scripted(
        _ transport: ScriptedTransport, time: ManualTime = ManualTime(), adjust: (inout Configuration) -> Void = { _ in }
    ) throws -> AIYouClient {
        var configuration = Configuration(baseURL: "http://127.0.0.1:9", credentials: .bearerToken("scripted-token"))
        configuration.retry = .init(maxRetries: 2, initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        configuration.timeSource = time.source
        adjust(&configuration)
        _ = try configuration.validated()
        return AIYouClient(configuration: configuration, transport: transport)
    }
}
