import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The production ``Transport``: AsyncHTTPClient's delegate API, with the client's own response
/// delegates. JSON answers are read whole on the event loop by ``WholeResponse`` (one hop back to
/// the caller, a deadline over the whole exchange); streams by ``EventStreamResponse`` (a deadline
/// per phase, back-pressure, a bounded tail).
///
/// Uploads use the write-acknowledged body stream of that API: each file chunk is read only after
/// the previous one was accepted by the connection, so a large file never piles up in memory.
package final class HTTPClientTransport: Transport {
    let http: HTTPClient
    private let ownsHTTPClient: Bool
    private let baseURL: String
    private let templates = RequestTemplates()
    /// AsyncHTTPClient's own messages stay off: its trace output is not ours to redact.
    private let logger = Configuration.disabledLogger
    /// One executor per event loop of the client's group (internal for the tests of the loop choice).
    let executors: [EventLoopTaskExecutor]
    private let nextExecutor = Atomic<Int>(0)

    package init(http: HTTPClient, ownsHTTPClient: Bool, baseURL: String) {
        self.http = http
        self.ownsHTTPClient = ownsHTTPClient
        self.baseURL = baseURL
        self.executors = http.eventLoopGroup.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) }
    }

    package func nextEventLoopExecutor() -> EventLoopTaskExecutor {
        executors[nextExecutor.add(1, ordering: .relaxed).oldValue % executors.count]
    }

    /// The event loop this call runs on, when it is one of the client's (the caller's task prefers
    /// an ``EventLoopTaskExecutor``): the answer is then delivered on it, so that it resumes the
    /// caller without a thread hop.
    private var currentEventLoop: (any EventLoop)? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        return executors.contains { $0.eventLoop === loop } ? loop : nil
    }

    package func shutdown() async throws {
        guard ownsHTTPClient else { return }
        // Let every event loop finish what it is doing first. A call's answer reaches its caller a
        // moment before AsyncHTTPClient puts the connection back into its pool, on the event loop;
        // a shutdown in between made AsyncHTTPClient trap ("a connection that we don't know was
        // released"), about once in six runs of the load tool, which shuts down right after its
        // last call.
        // Two rounds: the release may itself wait for a write's completion, scheduled one tick later.
        for _ in 0..<2 {
            for loop in http.eventLoopGroup.makeIterator() {
                try? await loop.submit {}.get()
            }
        }
        try await http.shutdown()
    }

    /// The loop a call made off the client's loops is delivered on: the one with the fewest of
    /// this client's calls in flight, the first on a tie.
    ///
    /// AsyncHTTPClient leases an idle connection on the delivery loop when it has one and opens new
    /// connections there, so a lone caller keeps one connection on one loop, and many callers
    /// spread over the loops. `.indifferent` took the loops in turn while the idle connection
    /// stayed where it was: the connection's loop handed every part of the answer to the other
    /// loop, which woke the caller, two more thread wake-ups per call (issue 20's trace).
    private func leastBusyExecutor() -> EventLoopTaskExecutor {
        var best = executors[0]
        var bestLoad = best.callsInFlight.load(ordering: .relaxed)
        var index = 1
        while bestLoad > 0, index < executors.count {
            let load = executors[index].callsInFlight.load(ordering: .relaxed)
            if load < bestLoad {
                best = executors[index]
                bestLoad = load
            }
            index += 1
        }
        return best
    }

    package func send(_ request: TransportRequest) async throws -> TransportResponse {
        // A caller on one of the client's loops gets its answer there (no thread hop at all); any
        // other caller on the least busy loop, counted until its answer (a stream's: its head).
        let current: any EventLoop
        let counted: EventLoopTaskExecutor?
        if let loop = currentEventLoop {
            current = loop
            counted = nil
        } else {
            let executor = leastBusyExecutor()
            executor.callsInFlight.add(1, ordering: .relaxed)
            current = executor.eventLoop
            counted = executor
        }
        defer { counted?.callsInFlight.subtract(1, ordering: .relaxed) }
        // `.delegate(on:)`, not `.delegateAndChannel(on:)`: the answer comes back on that loop,
        // and the pool prefers (and opens) connections on it, but may use an idle one on
        // another loop. Requiring the channel's loop made AsyncHTTPClient open a short-lived
        // "overflow" connection for almost every call at 64 callers (12,892 connections for
        // 12,905 calls), at half the throughput.
        let eventLoop = HTTPClient.EventLoopPreference.delegate(on: current)
        var interruption: UploadInterruption?
        let body: HTTPClient.Body?
        switch request.body {
        case .none:
            body = nil
        case .json(let buffer):
            body = .byteBuffer(buffer)
        case .multipart(let upload):
            let stop = UploadInterruption()
            interruption = stop
            body = .stream(contentLength: Int64(upload.contentLength)) { writer in
                stop.bodyStream(on: current) {
                    var chunks = upload.makeBodySequence().makeAsyncIterator()
                    while let chunk = try await chunks.next() {
                        try await writer.write(.byteBuffer(chunk)).get()
                    }
                }
            }
        }
        let prepared: HTTPClient.Request
        do {
            prepared = try templates.request(
                baseURL: baseURL,
                target: request.target,
                method: request.method,
                headers: request.headers,
                body: body
            )
        } catch {
            throw TransportError(.invalidRequest, "the request URL is not valid", requestSent: false, underlying: error)
        }
        switch request.accept {
        case .json:
            return try await sendWhole(prepared, request, eventLoop: eventLoop, interruption: interruption)
        case .eventStream:
            return try await sendStream(prepared, request, eventLoop: eventLoop)
        case .jsonLines, .anyBody:
            // A file's content, or an MCP answer: any successful answer is read piece by piece.
            return try await sendStream(
                prepared,
                request,
                eventLoop: eventLoop,
                idleReason: "no data for longer than timeouts.streamIdle",
                streams: { _ in true }
            )
        case .audio:
            return try await sendStream(
                prepared,
                request,
                eventLoop: eventLoop,
                idleReason: "no audio for longer than timeouts.streamIdle",
                streams: Self.isAudio
            )
        }
    }

    private func sendWhole(
        _ prepared: HTTPClient.Request,
        _ request: TransportRequest,
        eventLoop: HTTPClient.EventLoopPreference,
        interruption: UploadInterruption?
    ) async throws
        -> TransportResponse
    {
        let delegate = WholeResponse(limits: request.limits, upload: interruption)
        let task = http.execute(
            request: prepared,
            delegate: delegate,
            eventLoop: eventLoop,
            deadline: .now() + TimeAmount(request.timeout),
            logger: logger
        )
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            if let partial = delegate.partialErrorAnswer(after: error) { return partial }
            throw Self.transportError(error, requestSent: delegate.requestSent)
        }
    }

    /// Opens a stream. A successful answer whose content type `streams` accepts (by default
    /// `text/event-stream`) is returned as a source; anything else (an error status, another
    /// content type) is read whole, up to the error-body limit, within the request timeout.
    private func sendStream(
        _ prepared: HTTPClient.Request,
        _ request: TransportRequest,
        eventLoop: HTTPClient.EventLoopPreference,
        idleReason: String = EventStreamResponse.eventIdleReason,
        streams: (String) -> Bool = { $0.hasPrefix("text/event-stream") }
    ) async throws
        -> TransportResponse
    {
        let delegate = EventStreamResponse(requestTimeout: request.timeout, eventTimeout: request.eventTimeout, idleReason: idleReason)
        let task = http.execute(request: prepared, delegate: delegate, eventLoop: eventLoop, deadline: nil, logger: logger)
        delegate.start(task)
        let head = try await delegate.head()
        let status = Int(head.status.code)
        let contentType = head.headers.first(name: "content-type")?.lowercased() ?? ""
        if (200..<300).contains(status), streams(contentType) {
            delegate.startEvents()
            return TransportResponse(status: status, headers: head.headers, body: .stream(delegate))
        }
        let body = try await delegate.collect(limit: request.limits.maxErrorBodyBytes)
        return TransportResponse(status: status, headers: head.headers, body: .whole(body))
    }

    /// Whether a (lowercased) content type is that of audio bytes: `audio/…`,
    /// `application/octet-stream`, or none at all.
    static func isAudio(_ contentType: String) -> Bool {
        let type = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        return type.isEmpty || type.hasPrefix("audio/") || type == "application/octet-stream"
    }

    /// Classifies a failure of AsyncHTTPClient or NIO.
    static func transportError(_ error: any Error, requestSent: Bool) -> TransportError {
        switch error {
        case let error as TransportError:
            return error
        case is CancellationError:
            return TransportError(.cancelled, "cancelled", requestSent: requestSent, underlying: error)
        case let error as HTTPClientError:
            switch error {
            case .cancelled:
                return TransportError(.cancelled, "cancelled", requestSent: requestSent, underlying: error)
            case .deadlineExceeded:
                return TransportError(
                    .requestTimeout,
                    "no complete answer before the request timeout",
                    requestSent: requestSent,
                    underlying: error
                )
            case .readTimeout:
                return TransportError(
                    .idleTimeout,
                    "the connection stayed silent longer than the idle timeout",
                    requestSent: requestSent,
                    underlying: error
                )
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return TransportError(
                    .connectTimeout,
                    "could not connect before the connect timeout",
                    requestSent: requestSent,
                    underlying: error
                )
            case .alreadyShutdown:
                return TransportError(.shutdown, "the HTTP client has been shut down", requestSent: requestSent, underlying: error)
            case .remoteConnectionClosed:
                return TransportError(.broken, "the service closed the connection", requestSent: requestSent, underlying: error)
            default:
                return TransportError(.broken, error.shortDescription, requestSent: requestSent, underlying: error)
            }
        case is HTTPParserError:
            return TransportError(.broken, "the answer was cut off or malformed", requestSent: requestSent, underlying: error)
        case ChannelError.connectTimeout:
            return TransportError(
                .connectTimeout,
                "could not connect before the connect timeout",
                requestSent: requestSent,
                underlying: error
            )
        case is NIOConnectionError:
            return TransportError(.connectionFailed, "could not connect", requestSent: requestSent, underlying: error)
        case let error as IOError where [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode):
            return TransportError(
                .connectionFailed,
                "could not connect (\(ErrorMapping.describe(error)))",
                requestSent: requestSent,
                underlying: error
            )
        default:
            return TransportError(
                .broken,
                "connection failed (\(ErrorMapping.describe(error)))",
                requestSent: requestSent,
                underlying: error
            )
        }
    }
}

/// `HTTPClient.Request` parses its URL string with Foundation on every request. The parsed form
/// depends only on the method and the URL, so one request per method and target is parsed once,
/// kept, and copied with each call's headers and body. Targets with a query (thread pages,
/// searches) vary without bound and are parsed each time.
final class RequestTemplates: Sendable {
    private struct Key: Hashable, Sendable {
        var method: String
        var target: String
    }

    private let templates = Locked<[Key: HTTPClient.Request]>([:])
    private static let capacity = 64

    func request(
        baseURL: String,
        target: String,
        method: HTTPMethod,
        headers: HTTPHeaders,
        body: HTTPClient.Body?
    ) throws -> HTTPClient.Request {
        guard !target.utf8.contains(UInt8(ascii: "?")) else {
            return try HTTPClient.Request(url: baseURL + target, method: method, headers: headers, body: body)
        }
        let key = Key(method: method.rawValue, target: target)
        if var request = templates.withLock({ $0[key] }) {
            request.headers = headers
            request.body = body
            return request
        }
        let request = try HTTPClient.Request(url: baseURL + target, method: method, headers: headers, body: body)
        templates.withLock { templates in
            if templates.count < Self.capacity { templates[key] = request }
        }
        return request
    }
}
