import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// The fast decoders cannot drift from their `Codable` types: every key of each type's
/// `CodingKeys` is either read by the fast path (a sample holding it decodes there, to the value
/// `JSONDecoder` gives) or declared as left to `JSONDecoder` (then the fast path gives up on it,
/// never drops it). A key added to a type without either fails here.
@Suite("Fast decoders cover their types' keys")
struct FastPathCoverageTests {
    /// One sample value (JSON) for each key the fast path reads, per type.
    static let usage = [
        "prompt_tokens": "3", "completion_tokens": "5", "total_tokens": "8", "reasoning_tokens": "2",
        "completion_tokens_details": #"{"reasoning_tokens":2}"#,
    ]
    static let function = ["name": #""get_weather""#, "arguments": #""{\"city\":\"Lyon\"}""#]
    static let toolCall = ["id": #""call_1""#, "type": #""function""#, "function": object(function)]
    static let toolCallPiece = toolCall.merging(["index": "1"]) { $1 }
    static let message = [
        "role": #""assistant""#, "content": #""Bonjour""#, "refusal": #""none""#, "tool_calls": "[\(object(toolCall))]",
        "reasoning_content": #""Think.""#, "reasoning": #""Thought.""#,
    ]
    static let choice = ["index": "0", "message": object(message), "finish_reason": #""stop""#]
    static let completion = [
        "id": #""cmpl-1""#, "object": #""chat.completion""#, "model": #""m""#, "created": "1700000000",
        "choices": "[\(object(choice))]", "usage": object(usage),
    ]
    static let delta = [
        "role": #""assistant""#, "content": #""Bon""#, "tool_calls": "[\(object(toolCallPiece))]", "reasoning_content": #""Hm""#,
        "reasoning": #""Hmm""#,
    ]
    static let chunkChoice = ["index": "0", "delta": object(delta), "finish_reason": #""stop""#]
    static let chunk = [
        "id": #""c-1""#, "model": #""m""#, "created": "1700000000", "choices": "[\(object(chunkChoice))]", "usage": object(usage),
    ]

    static func object(_ members: [String: String]) -> String {
        "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func keys<Keys: CodingKey & CaseIterable>(_: Keys.Type) -> Set<String> {
        Set(Keys.allCases.map(\.stringValue))
    }

    /// Keys of `Keys` neither in `samples` nor in `delegated` (a sample key the type does not
    /// have counts too: the samples must follow the type).
    static func uncovered<Keys: CodingKey & CaseIterable>(_ type: Keys.Type, samples: Set<String>, delegated: Set<String>) -> Set<String> {
        let keys = Self.keys(type)
        return keys.subtracting(samples).subtracting(delegated).union(samples.subtracting(keys))
    }

    static func fastCompletion(_ json: String) -> ChatCompletion? {
        Array(json.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) }
    }

    static func fastChunk(_ json: String) -> ChatCompletionChunk? {
        var decoder = ChatCompletionChunkDecoder()
        return Array(json.utf8).withUnsafeBytes { decoder.decodeCommonShape($0) }
    }

    @Test("every key of the completion types is read by the fast path or declared as left to JSONDecoder")
    func completionKeys() throws {
        let delegated = ChatCompletionDecoder.keysLeftToJSONDecoder
        #expect(Self.uncovered(ChatCompletion.Usage.CodingKeys.self, samples: Set(Self.usage.keys), delegated: delegated).isEmpty)
        #expect(Self.uncovered(AssistantMessage.CodingKeys.self, samples: Set(Self.message.keys), delegated: delegated).isEmpty)
        #expect(Self.uncovered(ChatCompletion.Choice.CodingKeys.self, samples: Set(Self.choice.keys), delegated: delegated).isEmpty)
        #expect(Self.uncovered(ToolCall.CodingKeys.self, samples: Set(Self.toolCall.keys), delegated: delegated).isEmpty)
        #expect(Self.uncovered(ToolCall.FunctionKeys.self, samples: Set(Self.function.keys), delegated: delegated).isEmpty)
        // `response` wraps the whole completion: the wrapped sample below covers it.
        #expect(
            Self.uncovered(ChatCompletion.CodingKeys.self, samples: Set(Self.completion.keys).union(["response"]), delegated: delegated)
                .isEmpty
        )

        for json in [Self.object(Self.completion), "{\"response\":\(Self.object(Self.completion))}"] {
            let fast = try #require(Self.fastCompletion(json), "the fast path gave up on \(json)")
            #expect(fast == (try JSONDecoder().decode(ChatCompletion.self, from: Data(json.utf8))))
        }
    }

    @Test("every key of the chunk types is read by the fast path or declared as left to JSONDecoder")
    func chunkKeys() throws {
        let delegated = ChatCompletionChunkDecoder.keysLeftToJSONDecoder
        #expect(Self.uncovered(ChatCompletion.Usage.CodingKeys.self, samples: Set(Self.usage.keys), delegated: delegated).isEmpty)
        #expect(Self.uncovered(ChatCompletionChunk.Delta.CodingKeys.self, samples: Set(Self.delta.keys), delegated: delegated).isEmpty)
        #expect(
            Self.uncovered(ChatCompletionChunk.ToolCallDelta.CodingKeys.self, samples: Set(Self.toolCallPiece.keys), delegated: delegated)
                .isEmpty
        )
        #expect(Self.uncovered(ToolCall.FunctionKeys.self, samples: Set(Self.function.keys), delegated: delegated).isEmpty)
        #expect(
            Self.uncovered(ChatCompletionChunk.Choice.CodingKeys.self, samples: Set(Self.chunkChoice.keys), delegated: delegated).isEmpty
        )
        #expect(Self.uncovered(ChatCompletionChunk.CodingKeys.self, samples: Set(Self.chunk.keys), delegated: delegated).isEmpty)

        let json = Self.object(Self.chunk)
        let fast = try #require(Self.fastChunk(json), "the fast path gave up on \(json)")
        #expect(fast == (try JSONDecoder().decode(ChatCompletionChunk.self, from: Data(json.utf8))))
    }

    @Test("a key left to JSONDecoder makes the fast path give up, and JSONDecoder reads it")
    func delegatedKeysAreNotDropped() throws {
        for key in ChatCompletionChunkDecoder.keysLeftToJSONDecoder {
            var choice = Self.chunkChoice
            choice[key] = Self.object(Self.delta)
            let json = Self.object(Self.chunk.merging(["choices": "[\(Self.object(choice))]"]) { $1 })
            #expect(Self.fastChunk(json) == nil, "\(key) is declared as left to JSONDecoder, but the fast path read \(json)")
            _ = try JSONDecoder().decode(ChatCompletionChunk.self, from: Data(json.utf8))
        }
        for key in ChatCompletionDecoder.keysLeftToJSONDecoder {
            var message = Self.message
            message[key] = #""a refusal""#
            let choice = Self.choice.merging(["message": Self.object(message)]) { $1 }
            let json = Self.object(Self.completion.merging(["choices": "[\(Self.object(choice))]"]) { $1 })
            #expect(Self.fastCompletion(json) == nil, "\(key) is declared as left to JSONDecoder, but the fast path read \(json)")
            _ = try JSONDecoder().decode(ChatCompletion.self, from: Data(json.utf8))
        }
    }
}
