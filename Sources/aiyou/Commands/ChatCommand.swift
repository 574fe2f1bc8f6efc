import AIYou
import ArgumentParser
import Foundation

/// `aiyou chat [PROMPT]`: one question, or an interactive conversation when no prompt is given.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Ask a question (the answer streams to stdout), or chat interactively until /exit."
    )

    @ParentCommand var root: AIYouCommand

    @Argument(help: "The question. Without it, an interactive conversation starts (type /exit to leave).")
    var prompt: [String] = []

    @Option(name: .long, help: "Assistant id (default: your first assistant, unless --model is given).")
    var assistant: String?

    @Option(name: .long, help: "Model name.")
    var model: String?

    @Option(name: .long, help: "System prompt.")
    var system: String?

    @Option(name: .long, help: "Sampling temperature, 0…2.")
    var temperature: Double?

    @Option(name: .long, help: "Maximum tokens in the answer.")
    var maxTokens: Int?

    @Flag(name: .long, help: "Wait for the whole answer instead of streaming it.")
    var noStream = false

    @Flag(name: .long, help: "LLMaaS: let the model call a local get_weather tool until it answers, printing each call.")
    var toolDemo = false

    func run() async throws {
        let global = root.global
        try await global.withClient { client in
            if toolDemo {
                return try await ToolDemo(model: model, json: global.json).run(prompt.joined(separator: " "), client: client)
            }
            let assistantID = try await resolveAssistant(client)
            var history: [ChatMessage] = []
            if !prompt.isEmpty {
                _ = try await ask(
                    prompt.joined(separator: " "),
                    history: &history,
                    assistantID: assistantID,
                    client: client,
                    json: global.json
                )
                return
            }
            Terminal.note("Interactive chat — type /exit to leave.")
            while true {
                Terminal.write("> ")
                guard let line = readLine() else { break }
                let text = line.trimmingCharacters(in: .whitespaces)
                if text == "/exit" || text == "/quit" { break }
                if text.isEmpty { continue }
                _ = try await ask(text, history: &history, assistantID: assistantID, client: client, json: global.json)
            }
        }
    }

    private func resolveAssistant(_ client: AIYouClient) async throws -> String? {
        if let assistant { return assistant }
        if model != nil { return nil }
        if client.configuration.api == .llmaas {
            throw AIYouError(.invalidRequest, "chat: LLMaaS needs --model (list them with: aiyou --api llmaas models)")
        }
        guard let first = try await client.assistants().first else {
            throw AIYouError(.invalidRequest, "chat: you have no assistant; pass --assistant or --model")
        }
        return first.id
    }

    /// Sends `text` with the history so far, prints the answer, and appends both to the history.
    private func ask(
        _ text: String,
        history: inout [ChatMessage],
        assistantID: String?,
        client: AIYouClient,
        json: Bool
    ) async throws -> String {
        history.append(.text(text))
        let request = ChatCompletionRequest(
            messages: history,
            assistantID: assistantID,
            model: model,
            temperature: temperature,
            systemPrompt: system,
            maxTokens: maxTokens
        )
        let answer: String
        if json {
            let completion = noStream ? try await client.chatCompletion(request) : try await client.chatCompletionStream(request).collect()
            try Terminal.printJSON(completion.jsonObject)
            answer = completion.text
        } else if noStream {
            answer = try await client.chatCompletion(request).text
            Terminal.write(answer + "\n")
        } else {
            var collected = ""
            for try await delta in try await client.chatCompletionStream(request).textDeltas {
                Terminal.write(delta)
                collected += delta
            }
            Terminal.write("\n")
            answer = collected
        }
        history.append(.text(answer, role: .assistant))
        return answer
    }
}
