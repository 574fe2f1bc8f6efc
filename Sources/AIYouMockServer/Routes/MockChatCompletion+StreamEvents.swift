extension MockChatCompletion {
    /// The AI.YOU stream of an answer: the reply in `chunkCount` content chunks (the first
    /// with the role), then the final chunk with the usage.
    struct StreamEvents: ChatStreamEvents {
        let completion: MockChatCompletion
        let chunkCount: Int
        private let characters: [Character]

        init(completion: MockChatCompletion, chunkCount: Int) {
            self.completion = completion
            self.chunkCount = max(1, chunkCount)
            self.characters = Array(completion.reply)
        }

        var contentEventCount: Int { self.chunkCount }

        func contentEvent(at index: Int) -> JSONValue {
            self.completion.contentChunk(piece(index, of: self.chunkCount, in: self.characters), isFirst: index == 0)
        }

        var closingEvents: [JSONValue] { [self.completion.finalChunk] }
    }
}
