/// An email/password account that can log in to a ``MockAIYouServer``.
public struct MockAccount: Sendable, Hashable {
    /// The login email.
    public var email: String
    /// The login password.
    public var password: String
    /// The user id reported in the login answer (`user.id`).
    public var userID: Int
    /// The first name reported in the login answer (`user.firstName`).
    public var firstName: String

    /// Creates an account.
    ///
    /// - Parameters:
    ///   - email: The login email.
    ///   - password: The login password.
    ///   - userID: The user id reported after login.
    ///   - firstName: The first name reported after login.
    public init(email: String, password: String, userID: Int, firstName: String) {
        self.email = email
        self.password = password
        self.userID = userID
        self.firstName = firstName
    }

    /// The account every server knows unless configured otherwise:
    /// `demo@aiyou.test` / `demo-password`, user 42, "Demo".
    public static let demo = MockAccount(
        email: "demo@aiyou.test",
        password: "demo-password",
        userID: 42,
        firstName: "Demo"
    )

    /// The API key every server accepts unless configured otherwise: `aiyou-mock-api-key`.
    public static let demoAPIKey = "aiyou-mock-api-key"
}
