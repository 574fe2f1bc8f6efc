// The README's first example, as a new user would paste it into `main.swift`: top-level code,
// which runs on the main actor. The embedded server stands in for AI.YOU, so it needs no
// account and no network.
import AIYou
import AIYouMockServer

try await MockAIYouServer.withRunning { server in  // 127.0.0.1, a free port
    let configuration = Configuration(baseURL: server.baseURL, credentials: .bearerToken(MockAccount.demoAPIKey))
    try await withAIYouClient(configuration) { client in
        let answer = try await client.chatCompletion(
            ChatCompletionRequest(messages: [.text("Bonjour")], assistantID: "602")
        )
        print(answer.text)
    }

    // The same from a main-actor class that keeps its answers in a non-Sendable array.
    let viewModel = ChatViewModel(baseURL: server.baseURL)
    try await viewModel.ask(["Quelle heure est-il ?", "Merci !"])
    for (question, answer) in zip(viewModel.questions, viewModel.answers) {
        print("\(question) → \(answer)")
    }
}
