import AIYou

/// The interactive chat's conversation, held within a budget of UTF-8 bytes (the text of the
/// questions and answers): the oldest turns — a question with its answer — are dropped first to
/// make room, and an answer that does not fit even alone is kept cut.
struct ChatHistory {
    /// A question and the answer kept for it.
    struct Turn {
        var question: String
        var answer: String
        var bytes: Int { question.utf8.count + answer.utf8.count }
    }

    /// The most UTF-8 bytes of messages held (and so sent with a question).
    let budget: Int
    private(set) var turns: [Turn] = []
    /// The UTF-8 bytes of every message in ``turns``.
    private(set) var bytes = 0

    init(budget: Int) {
        self.budget = budget
    }

    /// Drops the oldest turns until a question of `questionBytes` fits beside the others;
    /// returns how many were dropped.
    mutating func makeRoom(for questionBytes: Int) -> Int {
        var dropped = 0
        while dropped < turns.count, bytes + questionBytes > budget {
            bytes -= turns[dropped].bytes
            dropped += 1
        }
        turns.removeFirst(dropped)
        return dropped
    }

    /// The messages to send with `question`: the turns held, then the question.
    func messages(with question: String) -> [ChatMessage] {
        turns.flatMap { [ChatMessage.text($0.question), .text($0.answer, role: .assistant)] } + [.text(question)]
    }

    /// The most bytes of an answer to `question` that can be kept, once every older turn is
    /// dropped for it.
    func room(forAnswerTo question: String) -> Int {
        max(0, budget - question.utf8.count)
    }

    /// Adds a turn (its answer already cut to ``room(forAnswerTo:)``) and drops the oldest turns
    /// until the history is within the budget again; returns how many were dropped.
    mutating func append(question: String, answer: String) -> Int {
        let turn = Turn(question: question, answer: answer)
        turns.append(turn)
        bytes += turn.bytes
        var dropped = 0
        while turns.count - dropped > 1, bytes > budget {
            bytes -= turns[dropped].bytes
            dropped += 1
        }
        turns.removeFirst(dropped)
        return dropped
    }
}
