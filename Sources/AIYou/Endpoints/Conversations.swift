import Logging

extension AIYouClient {
    /// Saves a conversation as a thread (`POST /api/v1/save`), or updates the thread given by
    /// ``SaveConversationRequest/threadID``.
    /// - Throws: ``AIYouError`` — ``AIYouError/Code/invalidRequest`` before sending when
    ///   `assistantID` or `conversation` is empty.
    public func saveConversation(
        _ request: SaveConversationRequest,
        options: RequestOptions = RequestOptions()
    ) async throws -> SavedConversation {
        try request.validate()
        var apiRequest = try APIRequest(.saveConversation, on: configuration.api, json: request)
        // A saved thread shows in the thread list and in its assistant's recent threads.
        apiRequest.invalidates = [.threads, .assistants]
        return try await pipeline.decode(SavedConversation.self, apiRequest, options: options)
    }
}
