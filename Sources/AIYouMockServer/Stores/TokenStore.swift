import Foundation
import NIOConcurrencyHelpers

/// The bearer tokens the server accepts: tokens issued by login, each with an expiry, and API
/// keys that never expire.
final class TokenStore: Sendable {
    /// What the server makes of a presented token.
    enum Validity: Sendable, Equatable {
        case valid
        case expired
        case unknown
    }

    private struct State {
        var expiries: [String: Date] = [:]
        var issuedCount = 0
    }

    private let apiKeys: Set<String>
    private let lifetime: TimeInterval
    private let state = NIOLockedValueBox(State())

    /// Creates a store accepting `apiKeys` and issuing tokens that live for `lifetime`.
    init(apiKeys: Set<String>, lifetime: Duration) {
        self.apiKeys = apiKeys
        let components = lifetime.components
        self.lifetime = Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Issues a new opaque token.
    func issue(now: Date = Date()) -> (token: String, expiresAt: Date) {
        let token = Self.makeToken()
        let expiresAt = now.addingTimeInterval(self.lifetime)
        self.state.withLockedValue { state in
            state.expiries[token] = expiresAt
            state.issuedCount += 1
        }
        return (token, expiresAt)
    }

    /// Checks a presented token.
    func validate(_ token: String, now: Date = Date()) -> Validity {
        if self.apiKeys.contains(token) { return .valid }
        guard let expiry = self.state.withLockedValue({ $0.expiries[token] }) else { return .unknown }
        return expiry > now ? .valid : .expired
    }

    /// Makes every token issued so far expired (API keys are untouched).
    func expireAll() {
        self.state.withLockedValue { state in
            for token in state.expiries.keys {
                state.expiries[token] = .distantPast
            }
        }
    }

    /// The number of successful logins since start or the last ``resetIssuedCount()``.
    var issuedCount: Int { self.state.withLockedValue { $0.issuedCount } }

    /// Sets the login counter back to zero; issued tokens stay valid.
    func resetIssuedCount() {
        self.state.withLockedValue { $0.issuedCount = 0 }
    }

    private static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let words = (0..<4).map { _ in generator.next() as UInt64 }
        return "mock."
            + words.map { word in
                let hex = String(word, radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            }.joined()
    }
}
