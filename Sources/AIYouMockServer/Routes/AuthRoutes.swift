import Foundation
import Hummingbird

/// `POST /api/login`.
struct AuthRoutes: Sendable {
    let state: MockServerState

    func login(_ input: RouteRequest) -> Response {
        guard let body = input.json,
            let email = body["email"]?.stringValue, !email.isEmpty,
            let password = body["password"]?.stringValue, !password.isEmpty
        else {
            return MockResponses.error(.badRequest, message: "The \"email\" and \"password\" fields are required.")
        }
        guard let account = self.state.account(email: email, password: password) else {
            return MockResponses.error(.unauthorized, message: "Invalid credentials.")
        }
        let (token, expiresAt) = self.state.tokens.issue()
        self.state.secrets.insert(contentsOf: [token])
        let userID: JSONValue = input.shape == .primary ? .int(account.userID) : .string(String(account.userID))
        return MockResponses.json([
            "token": .string(token),
            "expires_at": input.absurdNumbers ? AbsurdNumbers.huge : .string(MockDateFormatter.string(from: expiresAt, shape: input.shape)),
            "user": [
                "id": userID,
                "email": .string(account.email),
                "profileImage": .string("https://ai.dragonflygroup.fr/uploads/users/\(account.userID).png"),
                "firstName": .string(account.firstName),
            ],
        ])
    }
}
