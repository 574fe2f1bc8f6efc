import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Random and mutated inputs must never crash the parser or a decoder: every input ends in a
/// value or a thrown error. Seeded, so a failure reproduces.
@Suite("Fuzzing the SSE parser and the response decoders")
struct FuzzTests {
    static let validStreams: [String] = [
        "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Bon\"}}]}\n\ndata: [DONE]\n\n",
        ": keep-alive\r\nevent: message\r\nid: 3\r\ndata: {\"choices\":\r\ndata: [{\"delta\":{\"content\":\"é\"}}]}\r\n\r\n",
        "retry: 10\rdata: x\r\rdata:\r\r",
    ]

    static let validBodies: [String] = [
        #"{"response": {"id": "c1", "model": "m", "created": 1700000000, "choices": [{"index": 0, "message": {"role": "assistant", "content": "Salut"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}}"#,
        #"{"id":"c","object":"chat.completion","choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]}"#,
        #"{"hydra:member": [{"id": 602, "name": "A", "threadHistories": [{"threadId": 9}]}], "hydra:totalItems": 1}"#,
        #"[{"provider": "p", "models": [{"name": "a", "context_window": "8192"}]}]"#,
        #"{"models": [{"name": "a", "context_window": 8192}], "total": 1}"#,
        #"{"threads": [{"id": 1, "createdAt": "2024-05-01T10:00:00+02:00", "isNewAppThread": "true"}], "totalItems": 1, "itemsPerPage": 10, "currentPage": 1}"#,
        #"{"token": "t", "expires_at": "2030-01-01T00:00:00.5Z", "user": {"id": 42}}"#,
        #"{"object": "error", "message": "Stream options", "code": 400}"#,
        #"{"id": 5, "object": "thread", "createdAt": 1700000000}"#,
        #"{"transcription": "bonjour"}"#,
    ]

    /// Flips, inserts, deletes and duplicates bytes.
    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array("{}[]\":,\\\r\n 0-.eE".utf8) + [0, 0xFF, 0xC3, 0xA9, 0xE2]
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.insert(interesting.randomElement(using: &generator)!, at: min(index, bytes.count))
            case 2 where !bytes.isEmpty: bytes.remove(at: index)
            case 3 where !bytes.isEmpty: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 16)], at: index)
            default: bytes = Array(bytes.prefix(index))
            }
        }
        return bytes
    }

    @Test("the SSE parser survives 5,000 random and mutated streams in random chunks")
    func sseParser() async throws {
        var generator = SeededGenerator(seed: 2026)
        var events = 0
        for round in 0..<5_000 {
            if round.isMultiple(of: 250) { await Task.yield() }
            let input: [UInt8]
            if round.isMultiple(of: 3) {
                input = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                input = Self.mutate(Array(Self.validStreams.randomElement(using: &generator)!.utf8), using: &generator)
            }
            let sizes = (0..<8).map { _ in Int.random(in: 1...32, using: &generator) }
            let parsed = try SSEParserTests.parse(input, chunkSizes: sizes)
            events += parsed.count
            // Splitting differently never changes the result.
            #expect(try parsed == SSEParserTests.parse(input, chunkSizes: [max(input.count, 1)]), "round \(round)")
        }
        #expect(events > 0)
    }

    @Test("every decoder survives 20,000 mutated and random bodies")
    func decoders() async {
        var generator = SeededGenerator(seed: 7)
        let decoder = JSONDecoder()
        let decoders: [(Data) -> Void] = [
            { _ = try? decoder.decode(ChatCompletion.self, from: $0) },
            { _ = try? decoder.decode(ChatCompletionChunk.self, from: $0) },
            { _ = try? decoder.decode(CollectionResponse<Assistant>.self, from: $0) },
            { _ = try? decoder.decode(ModelList.self, from: $0) },
            { _ = try? decoder.decode(ThreadPage.self, from: $0) },
            { _ = try? decoder.decode(LoginResponse.self, from: $0) },
            { _ = try? decoder.decode(ErrorBody.self, from: $0) },
            { _ = try? decoder.decode(SavedConversation.self, from: $0) },
            { _ = try? decoder.decode(Transcription.self, from: $0) },
        ]
        var decodedSomething = 0
        for round in 0..<20_000 {
            if round.isMultiple(of: 250) { await Task.yield() }
            let bytes: [UInt8] =
                round.isMultiple(of: 5)
                ? (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                : Self.mutate(Array(Self.validBodies.randomElement(using: &generator)!.utf8), using: &generator)
            let data = Data(bytes)
            for decode in decoders { decode(data) }
            if (try? decoder.decode(ModelList.self, from: data)) != nil { decodedSomething += 1 }
        }
        #expect(decodedSomething > 0, "some mutations still decode, proving the inputs reach the decoders")
    }

    @Test("error mapping and redaction survive arbitrary bodies")
    func errorMapping() async {
        var generator = SeededGenerator(seed: 99)
        let redactor = Redactor(knownSecrets: ["secret-value"])
        for round in 0..<5_000 {
            if round.isMultiple(of: 250) { await Task.yield() }
            let bytes = Self.mutate(
                Array(Self.validBodies.randomElement(using: &generator)!.utf8) + Array(" Bearer eyJa.b.c x@y.fr".utf8),
                using: &generator
            )
            let excerpt = ErrorMapping(credentials: nil, authenticator: nil).excerpt(of: ByteBuffer(bytes: bytes), redactor: redactor)
            #expect(excerpt.count <= AIYouError.maxExcerptLength + 1)
            _ = Redactor.redactPatterns(in: String(decoding: bytes, as: UTF8.self))
        }
    }
}
