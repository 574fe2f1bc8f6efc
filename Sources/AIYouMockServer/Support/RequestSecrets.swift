import Foundation
import Hummingbird
import NIOFoundationCompat

/// The secrets a request carries: the bearer values of its `Authorization` headers, and on
/// login the email and password of its JSON body.
struct RequestSecrets: Sendable, Equatable {
    /// The value after `Bearer ` (any case, spaces trimmed) of each `Authorization` header that has one.
    var bearerTokens: [String] = []
    /// The login body's `email`, when it is a non-empty string.
    var email: String?
    /// The login body's `password`, when it is a non-empty string.
    var password: String?

    /// No secrets: what a request carries until they are read.
    init() {}

    /// Reads the secrets of `request`, whose collected body is `body`, on `route`.
    init(request: Request, body: ByteBuffer, route: MockRoute) {
        for value in request.headers[values: .authorization] {
            if let token = Self.bearerValue(value) { self.bearerTokens.append(token) }
        }
        guard route == .login, body.readableBytes > 0,
            let json = try? JSONDecoder().decode(JSONValue.self, from: body)
        else { return }
        self.email = json["email"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        self.password = json["password"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every secret, in the order token(s), email, password.
    var all: [String] {
        self.bearerTokens + [self.email, self.password].compactMap { $0 }
    }

    /// The bearer value of an `Authorization` header value, `nil` for another scheme or an
    /// empty value.
    static func bearerValue(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}
