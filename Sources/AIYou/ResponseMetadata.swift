import Foundation
import NIOHTTP1

/// What the service said about an answer besides its body: status, headers, request id and
/// rate-limit state, and what the call took to get it.
public struct ResponseMetadata: Sendable {
    /// The HTTP status of the answer.
    public var status: Int
    /// The answer's headers, as received.
    public var headers: HTTPHeaders
    /// The service's request id (`x-request-id`), with control characters escaped.
    public var requestID: String?
    /// The service's rate-limit headers, read through the client's bounded reader.
    public var rateLimit: RateLimitStatus
    /// Requests the call sent, the first one included (retries and a re-login's resend count).
    public var attempts: Int
    /// Time from the call's start to the answer's head (retries and waits included).
    public var duration: Duration
}

/// The `X-RateLimit-*` headers of an answer; `nil` where the service sent none or an unreadable value.
public struct RateLimitStatus: Sendable, Hashable {
    /// `X-RateLimit-Remaining-Requests`.
    public var remainingRequests: Int?
    /// `X-RateLimit-Remaining-Tokens`.
    public var remainingTokens: Int?
    /// `X-RateLimit-Reset-Requests`, as a delay from when the answer arrived (0…1 day).
    public var resetRequests: Duration?

    init(headers: HTTPHeaders, now: Date) {
        func count(_ name: String) -> Int? {
            headers.first(name: name).flatMap { WireValue.decimal($0[...]) }.flatMap(WireValue.integer)
        }
        remainingRequests = count("x-ratelimit-remaining-requests")
        remainingTokens = count("x-ratelimit-remaining-tokens")
        resetRequests = headers.first(name: "x-ratelimit-reset-requests").flatMap { RetryPolicy.resetDelay($0, now: now) }
    }
}

/// A value returned by a call, with the metadata of the answer it came from.
public struct ValueWithMetadata<Value: Sendable>: Sendable {
    /// What the call returned.
    public var value: Value
    /// The metadata of the last answer the service sent for it; `nil` when no request was sent
    /// (the value came from the response cache).
    public var metadata: ResponseMetadata?
}

extension AIYouClient {
    /// Runs `body` and returns its result with the metadata of the last answer the service sent
    /// during it — the same way for every endpoint:
    ///
    /// ```swift
    /// let response = try await client.withResponse { try await $0.chatCompletion(request) }
    /// print(response.value.text, response.metadata?.requestID ?? "-", response.metadata?.rateLimit.remainingRequests ?? -1)
    /// ```
    /// `body` runs in the caller's isolation. For a stream, the metadata is that of the answer
    /// that opened it. Throws what `body` throws.
    public func withResponse<Value: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (AIYouClient) async throws -> Value
    ) async throws -> ValueWithMetadata<Value> {
        let recorder = MetadataRecorder()
        let value = try await MetadataRecorder.$current.withValue(recorder) { try await body(self) }
        return ValueWithMetadata(value: value, metadata: recorder.last)
    }
}

/// Collects the metadata of answers for ``AIYouClient/withResponse(isolation:_:)``; a task-local,
/// so that every call made inside the closure (and its child tasks) reports to it.
final class MetadataRecorder: Sendable {
    @TaskLocal static var current: MetadataRecorder?
    private let state = Locked<ResponseMetadata?>(nil)

    func record(_ metadata: ResponseMetadata) {
        state.withLock { $0 = metadata }
    }

    var last: ResponseMetadata? { state.withLock { $0 } }
}
