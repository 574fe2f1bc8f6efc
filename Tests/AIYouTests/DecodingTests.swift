import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Every shape API.md lists decodes into the same values.
@Suite("Tolerant decoding")
struct DecodingTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test("a completion decodes wrapped or bare, with content as string or parts")
    func completionShapes() throws {
        let wrapped = """
            {"response": {"id": "c1", "model": "m", "created": 1700000000, "choices": [{"index": 0, "message": {"role": "assistant", "content": "Salut", "refusal": null}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}}, "extra": true}
            """
        let bare = """
            {"id": "c1", "object": "chat.completion", "model": "m", "created": 1700000000, "choices": [{"index": 0, "message": {"role": "assistant", "content": [{"type": "text", "text": "Sal"}, {"type": "text", "text": "ut"}]}, "finish_reason": "stop"}], "usage": {"prompt_tokens": "10", "completion_tokens": 20, "total_tokens": 30}}
            """
        for json in [wrapped, bare] {
            let completion = try decode(ChatCompletion.self, json)
            #expect(completion.id == "c1")
            #expect(completion.text == "Salut")
            #expect(completion.choices.first?.finishReason == "stop")
            #expect(completion.usage == ChatCompletion.Usage(promptTokens: 10, completionTokens: 20, totalTokens: 30))
            #expect(completion.created == Date(timeIntervalSince1970: 1_700_000_000))
        }
        let minimal = try decode(ChatCompletion.self, #"{"choices": [{"message": {"content": null}}]}"#)
        #expect(minimal.text == "")
        #expect(minimal.usage == nil)
    }

    @Test("an error object is not a completion")
    func errorObjectIsNotACompletion() {
        #expect(throws: DecodingError.self) {
            try decode(ChatCompletion.self, #"{"object": "error", "message": "Stream options...", "code": 400}"#)
        }
    }

    @Test("stream chunks decode with or without role, content and usage")
    func chunks() throws {
        let first = try decode(
            ChatCompletionChunk.self,
            #"{"id":"x","model":"m","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Bon"},"finish_reason":null}]}"#
        )
        #expect(first.text == "Bon")
        #expect(first.choices.first?.delta.role == .assistant)
        let last = try decode(
            ChatCompletionChunk.self,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#
        )
        #expect(last.text == nil)
        #expect(last.choices.first?.finishReason == "stop")
        #expect(last.usage?.totalTokens == 3)
    }

    @Test("assistants decode from a Hydra collection and from a plain array, ids as numbers or strings")
    func assistants() throws {
        let hydra = """
            {"@context": "/api/contexts/Assistant", "@id": "/api/v1/user/assistants", "@type": "hydra:Collection", "hydra:totalItems": 2,
             "hydra:member": [{"id": 602, "assistantId": "asst_1", "name": "A", "threadHistories": [{"threadId": 9, "firstMessage": "hi"}]}, {"id": "603", "name": "B"}]}
            """
        let plain =
            #"[{"id": "602", "assistantId": "asst_1", "name": "A", "threadHistories": [{"threadId": "9", "firstMessage": "hi"}]}, {"id": 603, "name": "B", "unknown": {"x": 1}}]"#
        for json in [hydra, plain] {
            let list = try decode(CollectionResponse<Assistant>.self, json)
            #expect(list.items.map(\.id) == ["602", "603"])
            #expect(list.items[0].threadHistories == [ThreadHistory(threadID: "9", firstMessage: "hi")])
            #expect(list.items[1].threadHistories.isEmpty)
        }
    }

    @Test("models decode from {models,total}, provider arrays, plain arrays; context_window as number or string")
    func models() throws {
        let object = #"{"models": [{"name": "a", "context_window": 8192}, {"name": "b", "context_window": "4096"}], "total": 2}"#
        let providers =
            #"[{"provider": "p1", "models": [{"name": "a", "context_window": "8192"}]}, {"models": [{"name": "b", "context_window": 4096}]}]"#
        let plain = #"[{"name": "a", "context_window": 8192}, {"id": "b", "context_window": "4096"}]"#
        for json in [object, providers, plain] {
            let list = try decode(ModelList.self, json)
            #expect(list.models.map(\.name) == ["a", "b"])
            #expect(list.models.map(\.contextWindow) == [8192, 4096])
            #expect(list.total == 2)
        }
        #expect(try decode(ModelList.self, providers).models.first?.provider == "p1")
    }

    @Test("thread pages decode ids, dates and flags in either form; missing fields are nil")
    func threads() throws {
        let json = """
            {"threads": [
              {"id": "t1", "threadIdParam": 7, "content": "c", "assistantName": "A", "assistantModel": null, "assistantId": 602, "assistantIdOpenAi": "asst_1", "firstMessage": "f", "createdAt": "2024-05-01T10:00:00+02:00", "updatedAt": "2024-05-01T08:00:00.123Z", "isNewAppThread": false},
              {"id": 2, "assistantId": "603", "createdAt": 1714550400}
            ], "totalItems": 23, "itemsPerPage": 10, "currentPage": 1}
            """
        let page = try decode(ThreadPage.self, json)
        #expect(page.threads.map(\.id) == ["t1", "2"])
        #expect(page.threads[0].threadIDParam == "7")
        #expect(page.threads[0].assistantID == "602")
        #expect(page.threads[0].assistantModel == nil)
        #expect(page.threads[0].createdAt == Date(timeIntervalSince1970: 1_714_550_400))
        #expect(page.threads[0].updatedAt != nil)
        #expect(page.threads[1].createdAt == Date(timeIntervalSince1970: 1_714_550_400))
        #expect(page.threads[1].firstMessage == nil)
        #expect(page.totalPages == 3)
        #expect(page.hasNextPage)
    }

    @Test("login answers decode expires_at with fractions, offsets or not at all; user.id as number or string")
    func login() throws {
        let withFraction = try decode(LoginResponse.self, #"{"token": "t", "expires_at": "2030-01-01T00:00:00.500Z", "user": {"id": 42}}"#)
        #expect(withFraction.expiresAt == Date(timeIntervalSince1970: 1_893_456_000.5))
        let withOffset = try decode(LoginResponse.self, #"{"token": "t", "expires_at": "2030-01-01T02:00:00+02:00", "user": {"id": "42"}}"#)
        #expect(withOffset.expiresAt == Date(timeIntervalSince1970: 1_893_456_000))
        let without = try decode(LoginResponse.self, #"{"token": "t"}"#)
        #expect(without.expiresAt == nil)
    }

    @Test("saved conversations and transcriptions decode")
    func savedAndTranscription() throws {
        #expect(try decode(SavedConversation.self, #"{"id": 5, "object": "thread", "createdAt": 1700000000}"#).id == "5")
        #expect(try decode(SavedConversation.self, #"{"id": "t5"}"#).createdAt == nil)
        #expect(try decode(Transcription.self, #"{"transcription": "bonjour"}"#).text == "bonjour")
    }

    @Test("error bodies: flat, with object error, nested, API Platform")
    func errorBodies() throws {
        let flat = try decode(ErrorBody.self, #"{"message": "bad", "type": "invalid", "code": 400}"#)
        #expect(flat.message == "bad" && flat.code == "400" && !flat.isErrorObject)
        #expect(try decode(ErrorBody.self, #"{"object": "error", "message": "m"}"#).isErrorObject)
        #expect(try decode(ErrorBody.self, #"{"error": {"message": "nested"}}"#).message == "nested")
        #expect(try decode(ErrorBody.self, #"{"hydra:description": "d"}"#).message == "d")
    }
}
