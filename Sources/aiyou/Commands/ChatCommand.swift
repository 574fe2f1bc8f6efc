import AIYou
import AIYouMCP
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

    @Option(
        name: .long,
        help: "A reasoning model's thinking: show (on stderr, apart from the answer; with --json, the field \"reasoning\") or hide."
    )
    var reasoning: ReasoningDisplay = .show

    @Flag(name: .long, help: "Move <think>…</think> out of the answer into the reasoning (models served without a reasoning parser).")
    var splitThinkTags = false

    @Flag(name: .long, help: "LLMaaS: let the model call a local get_weather tool until it answers, printing each call.")
    var toolDemo = false

    @OptionGroup var mcp: MCPOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Interactive chat: the most UTF-8 bytes of questions and answers kept and sent back; the oldest turns are dropped first.",
            valueName: "bytes"
        )
    )
    var historyBytes: Int = ChatCommand.defaultHistoryBytes

    /// The interactive chat's default history budget: 256 KiB of messages.
    static let defaultHistoryBytes = 256 * 1024

    func validate() throws {
        guard historyBytes > 0 else { throw ValidationError("--history-bytes must be positive") }
    }

    func run() async throws {
        let global = root.global
        try await global.withClient(configure: { $0.splitsThinkTags = splitThinkTags }) { client in
            if !mcp.servers.isEmpty {
                return try await MCPChat(model: model, json: global.json, options: mcp.selection).run(
                    prompt.joined(separator: " "),
                    client: client
                )
            }
            if toolDemo {
                return try await ToolDemo(model: model, json: global.json).run(prompt.joined(separator: " "), client: client)
            }
            let assistantID = try await resolveAssistant(client)
            if !prompt.isEmpty {
                // One question: the answer is printed as it arrives and not kept.
                let request = chatRequest([.text(prompt.joined(separator: " "))], assistantID: assistantID)
                _ = try await answer(request, client: client, json: global.json, keeping: 0)
                return
            }
            try await converse(assistantID: assistantID, client: client, json: global.json)
        }
    }

    /// The interactive conversation, until `/exit` or the end of the input. The history sent
    /// with each question stays within ``historyBytes``; a one-line notice on stderr says when
    /// turns are dropped or an answer is kept cut.
    private func converse(assistantID: String?, client: AIYouClient, json: Bool) async throws {
        var history = ChatHistory(budget: historyBytes)
        Terminal.note("Interactive chat — type /exit to leave.")
        while true {
            Terminal.write("> ")
            guard let line = await Terminal.readInputLine() else { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text == "/exit" || text == "/quit" { break }
            if text.isEmpty { continue }
            let questionBytes = text.utf8.count
            guard questionBytes <= history.budget else {
                Terminal.note(
                    "aiyou: this message (\(questionBytes) bytes) is larger than the history budget (\(history.budget) bytes, --history-bytes): not sent"
                )
                continue
            }
            let droppedBefore = history.makeRoom(for: questionBytes)
            if droppedBefore > 0 {
                Terminal.note("aiyou: history budget of \(history.budget) bytes reached: dropped the \(droppedBefore) oldest turn(s)")
            }
            let request = chatRequest(history.messages(with: text), assistantID: assistantID)
            let kept = try await answer(request, client: client, json: json, keeping: history.room(forAnswerTo: text))
            let droppedAfter = history.append(question: text, answer: kept.text)
            var notes: [String] = []
            if droppedAfter > 0 { notes.append("dropped the \(droppedAfter) oldest turn(s)") }
            if kept.isCut { notes.append("the answer (\(kept.totalBytes) bytes) is kept cut to its first \(kept.text.utf8.count) bytes") }
            if !notes.isEmpty {
                Terminal.note("aiyou: history budget of \(history.budget) bytes reached: " + notes.joined(separator: "; "))
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

    private func chatRequest(_ messages: [ChatMessage], assistantID: String?) -> ChatCompletionRequest {
        ChatCompletionRequest(
            messages: messages,
            assistantID: assistantID,
            model: model,
            temperature: temperature,
            systemPrompt: system,
            maxTokens: maxTokens
        )
    }

    /// Sends `request` and prints the answer — streamed as it arrives unless `--no-stream`, as
    /// text or as JSON — and returns the first `keep` bytes of its text. Nothing more of the
    /// answer is held while it streams.
    private func answer(
        _ request: ChatCompletionRequest,
        client: AIYouClient,
        json: Bool,
        keeping keep: Int
    ) async throws
        -> BoundedText
    {
        var kept = BoundedText(limit: keep)
        let showsReasoning = reasoning == .show
        if noStream {
            let completion = try await client.chatCompletion(request)
            if json {
                try Terminal.printJSON((showsReasoning ? completion : completion.withoutReasoning).jsonObject)
            } else {
                if showsReasoning, let thought = completion.choices.first?.message.reasoning, !thought.isEmpty {
                    Terminal.writeToStandardError(ReasoningDisplay.label + thought + "\n")
                }
                Terminal.write(completion.text + "\n")
            }
            kept.append(completion.text)
            return kept
        }
        let stream = try await client.chatCompletionStream(request)
        guard json else {
            // The answer goes to stdout as it comes, the reasoning to stderr: a pipe gets the answer only.
            var reasoningOpen = false
            for try await event in stream.events {
                switch event {
                case .reasoning(let piece, choice: 0) where showsReasoning:
                    if !reasoningOpen { Terminal.writeToStandardError(ReasoningDisplay.label) }
                    reasoningOpen = true
                    Terminal.writeToStandardError(piece)
                case .text(let piece, choice: 0):
                    if reasoningOpen { Terminal.writeToStandardError("\n") }
                    reasoningOpen = false
                    Terminal.write(piece)
                    kept.append(piece)
                default:
                    continue
                }
            }
            if reasoningOpen { Terminal.writeToStandardError("\n") }
            Terminal.write("\n")
            return kept
        }
        // The reasoning and the text of the first choice are written as they come; every chunk,
        // stripped of both, goes to an accumulator for the small fields written at the end.
        var accumulator = ChatCompletionAccumulator()
        var output = StreamedChatJSON()
        for try await chunk in stream {
            var stripped = chunk
            for index in stripped.choices.indices {
                let isFirst = stripped.choices[index].index == 0
                if let thought = stripped.choices[index].delta.reasoning {
                    stripped.choices[index].delta.reasoning = nil
                    if isFirst, showsReasoning, !thought.isEmpty, !output.writeReasoning(thought) {
                        // Reasoning after the answer began: shown apart rather than lost.
                        Terminal.writeToStandardError(ReasoningDisplay.label + thought + "\n")
                    }
                }
                guard let content = stripped.choices[index].delta.content else { continue }
                stripped.choices[index].delta.content = nil
                if isFirst, !content.isEmpty {
                    output.writeText(content)
                    kept.append(content)
                }
            }
            try accumulator.add(stripped)
        }
        try output.finish(accumulator.completion)
        return kept
    }
}
