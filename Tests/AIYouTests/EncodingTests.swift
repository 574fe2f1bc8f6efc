import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Request encoding")
struct EncodingTests {
    func json(_ value: some JSONBody) throws -> [String: Any] {
        let buffer = value.jsonBuffer
        return try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as! [String: Any]
    }

    @Test("unset and empty optional fields are left out, never null or empty")
    func omitsUnset() throws {
        let request = ChatCompletionRequest(
            messages: [.text("bonjour")],
            assistantID: "602",
            model: "",
            systemPrompt: "",
            stop: [],
            threadID: nil
        )
        let object = try json(request)
        #expect(Set(object.keys) == ["messages", "assistantId"])
        let messages = object["messages"] as! [[String: Any]]
        #expect(messages[0]["role"] as? String == "user")
        #expect((messages[0]["content"] as! [[String: String]]) == [["type": "text", "text": "bonjour"]])
    }

    @Test("every field uses the service's name")
    func fieldNames() throws {
        var request = ChatCompletionRequest(
            messages: [.image(url: "https://x/y.png", caption: "quoi ?")],
            assistantID: "1",
            model: "m",
            temperature: 0.5,
            topP: 1,
            systemPrompt: "sys",
            stop: ["\n"],
            threadID: "t",
            maxTokens: 5,
            form: "json"
        )
        request.stream = true
        let object = try json(request)
        #expect(
            Set(object.keys) == [
                "messages", "assistantId", "model", "temperature", "top_p", "promptSystem", "stream", "stop", "threadId", "max_tokens",
                "form",
            ]
        )
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
        let full = try json(
            SaveConversationRequest(assistantID: "602", conversation: "c", threadID: "t", contentJSON: "{}", isNewAppThread: true)
        )
        #expect(Set(full.keys) == ["assistantId", "conversation", "threadId", "contentJson", "isNewAppThread"])
    }

    @Test("query values are percent-encoded")
    func queryEncoding() {
        let request = APIRequest(operation: .threads, method: .GET, path: "/p", query: [("search", "café & co/?=")])
        #expect(request.target == "/p?search=caf%C3%A9%20%26%20co%2F%3F%3D")
        #expect(PercentEncoding.encodeComponent("a/b c") == "a%2Fb%20c")
    }

    /// Random strings with what JSON must escape: quotes, backslashes, control characters,
    /// slashes, and multi-byte UTF-8.
    static func randomText(_ generator: inout SeededGenerator) -> String {
        let pieces = ["a", "é", "\"", "\\", "/", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "日本", "🇫🇷", " ", "{", "}", "\u{2028}", "0"]
        return (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test("the JSON writer gives what JSONEncoder gives, on 1,500 generated requests")
    func differentialAgainstJSONEncoder() throws {
        var generator = SeededGenerator(seed: 4)
        let encoder = JSONEncoder()
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &generator) ? value() : nil }
        for _ in 0..<1_500 {
            let messages = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                ChatMessage(
                    role: [.user, .assistant, .system].randomElement(using: &generator)!,
                    content: (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                        Bool.random(using: &generator)
                            ? .text(Self.randomText(&generator)) : .image(url: "https://x.test/" + Self.randomText(&generator))
                    }
                )
            }
            var request = ChatCompletionRequest(
                messages: messages,
                assistantID: maybe(Self.randomText(&generator)),
                model: maybe(Self.randomText(&generator)),
                temperature: maybe(Double(Int.random(in: 0...200, using: &generator)) / 100),
                topP: maybe(Double.random(in: 0...1, using: &generator)),
                systemPrompt: maybe(Self.randomText(&generator)),
                stop: maybe((0..<Int.random(in: 0...3, using: &generator)).map { _ in Self.randomText(&generator) }),
                threadID: maybe(Self.randomText(&generator)),
                maxTokens: maybe(Int.random(in: 1...100_000, using: &generator)),
                form: maybe(Self.randomText(&generator))
            )
            request.stream = maybe(Bool.random(using: &generator))
            let ours = try JSONSerialization.jsonObject(with: Data(request.jsonBuffer.readableBytesView)) as! NSDictionary
            let reference = try JSONSerialization.jsonObject(with: encoder.encode(request)) as! NSDictionary
            #expect(ours == reference)
            let save = SaveConversationRequest(
                assistantID: Self.randomText(&generator),
                conversation: Self.randomText(&generator),
                threadID: maybe(Self.randomText(&generator)),
                firstMessage: maybe(Self.randomText(&generator)),
                isNewAppThread: maybe(Bool.random(using: &generator))
            )
            #expect(
                try JSONSerialization.jsonObject(with: Data(save.jsonBuffer.readableBytesView)) as! NSDictionary
                    == JSONSerialization.jsonObject(with: encoder.encode(save)) as! NSDictionary
            )
        }
    }
}
