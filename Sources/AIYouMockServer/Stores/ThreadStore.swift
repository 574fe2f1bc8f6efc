import Foundation
import NIOConcurrencyHelpers

/// A saved conversation thread.
struct StoredThread: Sendable {
    /// Numeric id; the string `id` of the API is its decimal text, `threadIdParam` the number.
    var id: Int
    var content: String
    var contentJSON: String
    var assistantID: String
    var assistantName: String
    var assistantOpenAIID: String
    var firstMessage: String
    var createdAt: Date
    var updatedAt: Date
    var isNewAppThread: Bool
}

/// The fields a save request may set.
struct ThreadDraft: Sendable {
    var assistantID: String
    var conversation: String
    var threadID: String?
    var firstMessage: String?
    var contentJSON: String?
    var isNewAppThread: Bool?
}

/// The in-memory threads of the demo user, newest first.
final class ThreadStore: Sendable {
    private struct State {
        /// Oldest first; new threads are appended.
        var threads: [StoredThread] = []
        var nextID = 1001
    }

    private let state: NIOLockedValueBox<State>

    /// Creates a store holding `seededCount` threads, the newest created an hour ago.
    init(seededCount: Int, now: Date = Date()) {
        var state = State()
        let count = max(0, seededCount)
        for index in 0..<count {
            let assistant = Fixtures.assistants[index % Fixtures.assistants.count]
            let firstMessage = Fixtures.seededFirstMessage(index)
            let answer = "Voici ma réponse à : \(firstMessage)"
            // Index 0 is the oldest thread.
            let created = now.addingTimeInterval(-Double(count - index) * 3600)
            state.threads.append(
                StoredThread(
                    id: state.nextID,
                    content: "user: \(firstMessage)\nassistant: \(answer)",
                    contentJSON: JSONValue.array([
                        ["role": "user", "content": .string(firstMessage)],
                        ["role": "assistant", "content": .string(answer)],
                    ]).serialized,
                    assistantID: String(assistant.id),
                    assistantName: assistant.name,
                    assistantOpenAIID: assistant.openAIID,
                    firstMessage: firstMessage,
                    createdAt: created,
                    updatedAt: created.addingTimeInterval(120),
                    isNewAppThread: false
                )
            )
            state.nextID += 1
        }
        self.state = NIOLockedValueBox(state)
    }

    /// Saves a conversation: updates the thread named by `draft.threadID` when it exists,
    /// otherwise adds a new one. Returns the stored thread.
    func save(_ draft: ThreadDraft, now: Date = Date()) -> StoredThread {
        let assistant = Fixtures.assistant(withID: draft.assistantID)
        return self.state.withLockedValue { state in
            if let threadID = draft.threadID, let index = state.threads.firstIndex(where: { String($0.id) == threadID }) {
                state.threads[index].content = draft.conversation
                if let contentJSON = draft.contentJSON { state.threads[index].contentJSON = contentJSON }
                if let firstMessage = draft.firstMessage { state.threads[index].firstMessage = firstMessage }
                if let isNew = draft.isNewAppThread { state.threads[index].isNewAppThread = isNew }
                state.threads[index].updatedAt = now
                return state.threads[index]
            }
            let thread = StoredThread(
                id: state.nextID,
                content: draft.conversation,
                contentJSON: draft.contentJSON ?? "[]",
                assistantID: assistant.map { String($0.id) } ?? draft.assistantID,
                assistantName: assistant?.name ?? "Assistant \(draft.assistantID)",
                assistantOpenAIID: assistant?.openAIID ?? "asst_\(draft.assistantID)",
                firstMessage: draft.firstMessage ?? String(draft.conversation.prefix(120)),
                createdAt: now,
                updatedAt: now,
                isNewAppThread: draft.isNewAppThread ?? true
            )
            state.nextID += 1
            state.threads.append(thread)
            return thread
        }
    }

    /// One page of the threads matching `search` (case-insensitive, on content, first message
    /// and assistant name), newest first, with the number of matching threads.
    func page(_ page: Int, itemsPerPage: Int, search: String?) -> (threads: [StoredThread], total: Int) {
        let all = self.state.withLockedValue { $0.threads }
        let term = search?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let matching = all.reversed().filter { thread in
            term.isEmpty
                || thread.content.lowercased().contains(term)
                || thread.firstMessage.lowercased().contains(term)
                || thread.assistantName.lowercased().contains(term)
        }
        let start = (page - 1) * itemsPerPage
        guard start < matching.count else { return ([], matching.count) }
        let end = min(matching.count, start + itemsPerPage)
        return (Array(matching[start..<end]), matching.count)
    }

    /// Deletes the thread with this id; `false` when there is none.
    func delete(id: String) -> Bool {
        self.state.withLockedValue { state in
            guard let index = state.threads.firstIndex(where: { String($0.id) == id }) else { return false }
            state.threads.remove(at: index)
            return true
        }
    }

    /// The number of threads.
    var count: Int { self.state.withLockedValue { $0.threads.count } }
}
