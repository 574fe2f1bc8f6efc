/// How the client proves who it is.
///
/// Choose one with a static member: ``emailPassword(email:password:)`` logs in on first use and
/// keeps the session's JWT fresh; ``bearerToken(_:)`` sends a ready token (API key) and never logs in.
/// Printing, dumping or interpolating a `Credentials` value never shows the secrets.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    enum Storage: Sendable, Hashable {
        case emailPassword(email: String, password: String)
        case bearerToken(String)
    }

    let storage: Storage

    /// Log in with an AI.YOU account; the client calls `POST /api/login` on first use and again
    /// shortly before the token expires or after a 401.
    public static func emailPassword(email: String, password: String) -> Credentials {
        Credentials(storage: .emailPassword(email: email, password: password))
    }

    /// Use a ready bearer token (API key). The client never calls login; a 401 is final.
    public static func bearerToken(_ token: String) -> Credentials {
        Credentials(storage: .bearerToken(token))
    }

    /// Use an API key, as LLMaaS keys from the Cloud Temple Console are: sent as
    /// `Authorization: Bearer <key>` on every request; a 401 is final. The same as
    /// ``bearerToken(_:)``.
    public static func apiKey(_ key: String) -> Credentials {
        bearerToken(key)
    }

    /// `true` when the client can log in again by itself after a 401.
    public var canRefresh: Bool {
        if case .emailPassword = storage { return true }
        return false
    }

    /// The strings that must never be shown anywhere.
    var secrets: [String] {
        switch storage {
        case .emailPassword(let email, let password): [email, password]
        case .bearerToken(let token): [token]
        }
    }

    /// Throws ``AIYouError/Code/invalidConfiguration`` when a field is empty or blank.
    func validate() throws(AIYouError) {
        switch storage {
        case .emailPassword(let email, let password):
            if email.allSatisfy(\.isWhitespace) {
                throw .invalidConfiguration("credentials: the email is empty")
            }
            if !email.contains("@") {
                throw .invalidConfiguration("credentials: the email is not an e-mail address")
            }
            if password.isEmpty {
                throw .invalidConfiguration("credentials: the password is empty")
            }
        case .bearerToken(let token):
            if token.allSatisfy(\.isWhitespace) {
                throw .invalidConfiguration("credentials: the bearer token is empty")
            }
            if token.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw .invalidConfiguration("credentials: the bearer token contains a line break")
            }
        }
    }

    /// A redacted description: the kind of credentials only.
    public var description: String {
        switch storage {
        case .emailPassword: "Credentials.emailPassword(email: \(Redactor.mask), password: \(Redactor.mask))"
        case .bearerToken: "Credentials.bearerToken(\(Redactor.mask))"
        }
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the secrets, so `dump(_:)` and `print(_:)` in collections stay safe.
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": canRefresh ? "emailPassword" : "bearerToken"], displayStyle: .struct)
    }
}
