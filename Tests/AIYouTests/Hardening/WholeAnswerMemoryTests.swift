import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Reading and decoding an answer at `maxResponseBodyBytes` (32 MiB) takes at most a few times its size,
/// whatever its shape: a shape `JSONDecoder` would blow up (a million small values) is refused by
/// the value budget before it is decoded; anything allowed decodes within the bound. Each case is
/// measured alone (the peak resident memory is process-wide).
@Suite("Whole answers decode within a few times their size", .serialized)
struct WholeAnswerMemoryTests {
    static let size = 32 << 20

    /// `element(n)` repeated until the JSON reaches about ``size`` bytes, between `head` and `tail`.
    static func body(_ head: String, _ tail: String, _ element: (Int) -> String) -> String {
        var text = head
        text.reserveCapacity(size + 1024)
        var n = 0
        while text.utf8.count < size - tail.utf8.count - 256 {
            if n > 0 { text += "," }
            text += element(n)
            n += 1
        }
        return text + tail
    }

    enum Endpoint: String, CaseIterable, Sendable {
        /// The issue's case: a million rerank results of ~34 bytes (5 million values).
        case rerankMillionResults
        /// Rerank results carrying their documents: long strings, few values.
        case rerankLongDocuments
        /// A chat answer whose content comes as text parts (JSONDecoder's path).
        case chatParts
        /// A catalogue of LLMaaS models, each ~330 bytes.
        case llmaasModels
        /// A page of threads with long contents.
        case threadPage
        /// Values allowed by the budget (one per 32 bytes), in a field nobody reads.
        case denseButAllowed
    }

    static func scripted(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .rerankMillionResults:
            body(#"{"id":"r","results":["#, "]}") { #"{"index":\#($0 % 1000),"relevance_score":0.5}"# }
        case .rerankLongDocuments:
            body(#"{"id":"r","results":["#, "]}") {
                #"{"index":\#($0 % 1000),"relevance_score":0.5,"document":{"text":"\#(String(repeating: "d", count: 40_000))"}}"#
            }
        case .chatParts:
            body(#"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":["#, "]}}]}") { _ in
                #"{"type":"text","text":"\#(String(repeating: "t", count: 4000))"}"#
            }
        case .llmaasModels:
            body(#"{"object":"list","data":["#, "]}") {
                #"{"id":"model-\#($0)","object":"model","created":1767100000,"owned_by":"CloudTemple","root":"model-\#($0)","aliases":["model-\#($0)"],"parent":null,"max_model_len":250000,"permission":[{"id":"perm","object":"model_permission","allow_sampling":true,"allow_view":true,"organization":"*","group":null}]}"#
            }
        case .threadPage:
            body(#"{"totalItems":50,"itemsPerPage":50,"currentPage":1,"threads":["#, "]}") {
                #"{"id":"t\#($0)","content":"\#(String(repeating: "c", count: 200_000))","firstMessage":"hello","assistantId":602,"createdAt":"2024-01-01T00:00:00Z"}"#
            }
        case .denseButAllowed:
            body(#"{"object":"list","data":[],"extra":["#, "]}") { _ in #""xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""# }
        }
    }

    /// The body read (1×, inside the measurement here), `JSONDecoder`'s map and the decoded value:
    /// a chat answer in text parts is the largest, as it keeps the parts and their joined text.
    @Test("the peak memory of reading and decoding a 32 MiB answer stays within 5 times its size", arguments: Endpoint.allCases)
    func peak(_ endpoint: Endpoint) async throws {
        let body = Self.scripted(endpoint)
        let transport = ScriptedTransport([.answer(200, body: body)])
        let client = try AIYouClient.scripted(transport) {
            $0.api = endpoint == .threadPage ? .aiyou : .llmaas
        }
        var outcome = ""
        let growth = await ProcessMemory.peakGrowth {
            do {
                switch endpoint {
                case .rerankMillionResults, .rerankLongDocuments:
                    let result = try await client.rerank(model: "m", query: "q", documents: Array(repeating: "d", count: 1000))
                    outcome = "\(result.results.count) results"
                case .chatParts:
                    outcome =
                        "\(try await client.chatCompletion(ChatCompletionRequest(messages: [.text("Hi")], model: "m")).text.utf8.count) bytes"
                case .llmaasModels, .denseButAllowed:
                    outcome = "\(try await client.models().models.count) models"
                case .threadPage:
                    outcome = "\(try await client.threads(page: 1, itemsPerPage: 50).threads.count) threads"
                }
            } catch let error as AIYouError {
                outcome = "\(error.code)"
            } catch {
                outcome = "\(error)"
            }
        }
        print("32 MiB \(endpoint.rawValue): \(outcome), peak RSS growth \(growth >> 20) MiB")
        // ThreadSanitizer's allocator keeps more of what is freed resident (209 MiB for the parts).
        let bound = (ProcessMemory.underThreadSanitizer ? 8 : 5) * Self.size
        #expect(growth < bound, "\(endpoint.rawValue): peak RSS grew by \(growth >> 20) MiB (\(outcome))")
        switch endpoint {
        case .rerankMillionResults, .llmaasModels: #expect(outcome == "limitExceeded", "more values than the budget")
        case .rerankLongDocuments: #expect(outcome.hasSuffix(" results"))
        case .chatParts: #expect(outcome.hasSuffix(" bytes"))
        case .threadPage: #expect(outcome.hasSuffix(" threads"))
        case .denseButAllowed: #expect(outcome == "0 models")
        }
        try await client.shutdown()
    }
}
