import NIOCore
import NIOHTTP1
import NIOPosix

@_spi(Benchmarks) @testable import AIYou

/// A ``Transport`` that plays a script instead of using the network: each attempt takes the next
/// step (an answer or a failure) and is recorded. Lets tests drive the pipeline's policy —
/// retries, idempotency, budgets, pauses — without sockets.
final class ScriptedTransport: Transport {
    enum Step: Sendable {
        /// An answer with this status, headers and whole body.
        case answer(Int, headers: [(String, String)] = [], body: String = "")
        /// A 200 `text/event-stream` answer whose body is `text`, read as one piece (no
        /// connection: no idle timeout applies).
        case events(String)
        /// A failure on the wire.
        case failure(TransportError.Kind, requestSent: Bool)
        /// Waits until `gate` opens (or the task is cancelled), then plays `step`.
        indirect case held(Gate, Step)
    }

    /// Holds scripted answers until the test opens it.
    final class Gate: Sendable {
        private let state = Locked<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        init() {}

        /// Lets every held answer through, now and later.
        func open() {
            let waiters = state.withLock { state in
                state.isOpen = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        /// Waiting attempts.
        var waiting: Int { state.withLock { $0.waiters.count } }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isOpen = state.withLock { state in
                    if !state.isOpen { state.waiters.append(continuation) }
                    return state.isOpen
                }
                if isOpen { continuation.resume() }
            }
        }
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
        return try await play(step)
    }

    private func play(_ step: Step) async throws -> TransportResponse {
        switch step {
        case .held(let gate, let step):
            await gate.wait()
            return try await play(step)
        case .answer(let status, let headers, let body):
            return TransportResponse(status: status, headers: HTTPHeaders(headers), body: .whole(ByteBuffer(string: body)))
        case .events(let text):
            return TransportResponse(
                status: 200,
                headers: HTTPHeaders([("Content-Type", "text/event-stream")]),
                body: .stream(SequenceStreamSource([ByteBuffer(string: text)].async))
            )
        case .failure(let kind, let requestSent):
            throw TransportError(kind, "scripted \(kind)", requestSent: requestSent)
        }
    }

    func shutdown() async throws {}

    func nextEventLoopExecutor() -> EventLoopTaskExecutor {
        EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
    }
}

extension AIYouClient {
    /// A client whose every request goes to `transport`, with a bearer token, the given retry
    /// policy and `time` (no real sleeping).
    static func scripted(
        _ transport: ScriptedTransport,
        time: ManualTime = ManualTime(),
        adjust: (inout Configuration) -> Void = { _ in }
    ) throws -> AIYouClient {
        var configuration = Configuration(baseURL: "http://127.0.0.1:9", credentials: .bearerToken("scripted-token"))
        configuration.retry = .init(maxRetries: 2, initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        configuration.timeSource = time.source
        adjust(&configuration)
        _ = try configuration.validated()
        return AIYouClient(configuration: configuration, transport: transport)
    }
}
