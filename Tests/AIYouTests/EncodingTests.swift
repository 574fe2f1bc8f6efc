import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Request encoding")
struct EncodingTests {
    func json(_ value: some Encodable) throws -> [String: Any] {
        let buffer = try JSONCoding.encode(value, operation: "test")
        return try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as! [String: Any]
    }

    @Test("unset and empty optional fields are left out, never null or empty")
    func omitsUnset() throws {
        let request = ChatCompletionRequest(messages: [.text("bonjour")], assistantID: "602", model: "", systemPrompt: "", stop: [], threadID: nil)
        let object = try json(request)
        #expect(Set(object.keys) == ["messages", "assistantId"])
        let messages = object["messages"] as! [[String: Any]]
        #expect(messages[0]["role"] as? String == "user")
        #expect((messages[0]["content"] as! [[String: String]]) == [["type": "text", "text": "bonjour"]])
    }

    @Test("every field uses the service's name")
    func fieldNames() throws {
        var request = ChatCompletionRequest(
            messages: [.image(url: "https://x/y.png", caption: "quoi ?")], assistantID: "1", model: "m", temperature: 0.5, topP: 1,
            systemPrompt: "sys", stop: ["\n"], threadID: "t", maxTokens: 5, form: "json"
        )
        request.stream = true
        let object = try json(request)
        #expect(Set(object.keys) == ["messages", "assistantId", "model", "temperature", "top_p", "promptSystem", "stream", "stop", "threadId", "max_tokens", "form"])
        #expect(object["max_tokens"] as? Int == 5)
        let parts = (object["messages"] as! [[String: Any]])[0]["content"] as! [[String: String]]
        #expect(parts == [["type": "text", "text": "quoi ?"], ["type": "image", "text": "https://x/y.png"]])
    }

    @Test("the message builder and helpers produce the parts in order")
    func builders() {
        let message = ChatMessage.builder(role: .user).text("a").image(url: "u").text("b").build()
        #expect(message.content == [.text("a"), .image(url: "u"), .text("b")])
        #expect(message.text == "ab")
        #expect(ChatMessage.text("s", role: .system).role == .system)
        #expect(ChatMessage.image(url: "u").content == [.image(url: "u")])
    }

    @Test("save requests omit unset fields")
    func saveRequest() throws {
        let object = try json(SaveConversationRequest(assistantID: "602", conversation: "c", firstMessage: ""))
        #expect(Set(object.keys) == ["assistantId", "conversation"])
        let full = try json(SaveConversationRequest(assistantID: "602", conversation: "c", threadID: "t", contentJSON: "{}", isNewAppThread: true))
        #expect(Set(full.keys) == ["assistantId", "conversation", "threadId", "contentJson", "isNewAppThread"])
    }

    @Test("query values are percent-encoded")
    func queryEncoding() {
        let request = APIRequest(operation: "t", method: .GET, path: "/p", query: [("search", "café & co/?=")])
        #expect(request.target == "/p?search=caf%C3%A9%20%26%20co%2F%3F%3D")
        #expect(PercentEncoding.encodePathSegment("a/b c") == "a%2Fb%20c")
    }
}
