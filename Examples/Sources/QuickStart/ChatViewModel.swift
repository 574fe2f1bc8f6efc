import AIYou
import AIYouMockServer

/// A main-actor view model, as in an app: its state is a plain, non-`Sendable` array, changed
/// inside the `withAIYouClient` closure, which runs on the main actor too (the caller's
/// isolation), so no `await` hop and no `Sendable` wrapper are needed for it.
@MainActor
final class ChatViewModel {
    private(set) var questions: [String] = []
    private(set) var answers: [String] = []
    private let configuration: Configuration

    init(baseURL: String) {
        configuration = Configuration(baseURL: baseURL, credentials: .bearerToken(MockAccount.demoAPIKey))
    }

    /// Asks each question in turn with one client, and keeps the answers.
    func ask(_ newQuestions: [String]) async throws {
        try await withAIYouClient(configuration) { client in
            for question in newQuestions {
                let completion = try await client.chatCompletion(
                    ChatCompletionRequest(messages: [.text(question)], assistantID: "602")
                )
                questions.append(question)
                answers.append(completion.text)
            }
        }
    }
}
