/// Errors thrown by ``MockAIYouServer``'s lifecycle methods.
public struct MockServerError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case alreadyStarted
        case failedToStart
    }

    private let code: Code

    /// ``MockAIYouServer/start()`` was called on a server that was already started (or stopped).
    public static let alreadyStarted = MockServerError(code: .alreadyStarted)
    /// The server stopped before it was listening (for example, the address could not be bound).
    public static let failedToStart = MockServerError(code: .failedToStart)

    /// A readable description of the error.
    public var description: String {
        switch self.code {
        case .alreadyStarted: "The mock server was already started; a server runs once."
        case .failedToStart: "The mock server stopped before it was listening."
        }
    }
}
