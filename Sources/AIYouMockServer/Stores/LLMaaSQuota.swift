import Foundation
import Hummingbird
import Synchronization

/// The headers of every successful LLMaaS answer: the rate-limit headers the LLMaaS
/// documentation shows and a request id.
///
/// - `X-RateLimit-Limit-Requests: 1000`
/// - `X-RateLimit-Remaining-Requests`: 999 for the first successful LLMaaS answer, one less for
///   each following one, back to 999 after 0 (it counts answers, it limits nothing).
/// - `X-RateLimit-Reset-Requests`: the Unix time in seconds one minute after the answer.
/// - `x-request-id`: a new random UUID, lowercase.
final class LLMaaSQuota: Sendable {
    /// The documented request limit.
    static let limit = 1000

    static let limitName = HTTPFieldName("X-RateLimit-Limit-Requests")!
    static let remainingName = HTTPFieldName("X-RateLimit-Remaining-Requests")!
    static let resetName = HTTPFieldName("X-RateLimit-Reset-Requests")!
    static let requestIDName = HTTPFieldName("x-request-id")!

    private let answered = Atomic<Int>(0)

    /// The headers of the next successful answer (each call counts one answer).
    func nextHeaders() -> HTTPFields {
        let number = self.answered.add(1, ordering: .relaxed).newValue
        var headers = HTTPFields()
        headers.reserveCapacity(6)
        headers[Self.limitName] = String(Self.limit)
        headers[Self.remainingName] = String(Self.limit - 1 - (number - 1) % Self.limit)
        headers[Self.resetName] = String(Int(Date().timeIntervalSince1970) + 60)
        headers[Self.requestIDName] = UUID().uuidString.lowercased()
        return headers
    }

    /// The headers of a 429 answer: the limit, nothing remaining, and a reset `retryAfter`
    /// seconds from now when it is a number of seconds (else one minute).
    static func exhaustedHeaders(retryAfter: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[Self.limitName] = String(Self.limit)
        headers[Self.remainingName] = "0"
        let seconds = Double(retryAfter).flatMap { $0.isFinite && $0 >= 0 && $0 <= 86_400 ? Int($0.rounded(.up)) : nil } ?? 60
        headers[Self.resetName] = String(Int(Date().timeIntervalSince1970) + seconds)
        return headers
    }
}
