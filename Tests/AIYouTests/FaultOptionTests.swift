import AIYouMockServer
import Testing

@testable import aiyou

@Suite("aiyou serve --fault")
struct FaultOptionTests {
    @Test("fault specs parse into the server's faults")
    func parsing() throws {
        let option = try #require(
            FaultOption(argument: "chat=503,429:2,delay:250ms,hang,drop,drop-after:3,malformed-json,malformed-sse,wrong-content-type,empty")
        )
        #expect(option.route == .chatCompletions)
        #expect(
            option.faults == [
                .status(503), .rateLimited(retryAfter: "2"), .delay(.milliseconds(250)), .hang, .dropConnection,
                .dropStreamAfter(events: 3),
                .malformedJSON, .malformedSSE, .wrongContentType, .emptyBody,
            ]
        )
        #expect(FaultOption(argument: "assistants=502")?.route == .assistants)
        let hostile = try #require(
            FaultOption(
                argument:
                    "chat=oversized-line:2000000,endless-comments:20ms,tail-after-done,drip:500:1s,absurd-numbers,echo-secrets:401,escapes:422,drop-after-processing"
            )
        )
        #expect(
            hostile.faults == [
                .oversizedStreamLine(bytes: 2_000_000), .endlessComments(interval: .milliseconds(20)), .tailAfterDone,
                .drip(status: 500, interval: .seconds(1)), .absurdNumbers, .echoSecrets(status: 401), .escapeSequences(status: 422),
                .dropAfterProcessing,
            ]
        )
        #expect(
            FaultOption(argument: "threads=lying-pages:9999,lying-full-pages:5")?.faults == [
                .lyingPageCounts(totalItems: 9999, fullPages: false), .lyingPageCounts(totalItems: 5, fullPages: true),
            ]
        )
        let llmaasRoutes: [(String, MockRoute)] = [
            ("llmaas-chat", .llmaasChatCompletions), ("llmaas-completions", .llmaasCompletions), ("embeddings", .embeddings),
            ("rerank", .rerank), ("rerank-v2", .rerankV2), ("llmaas-models", .llmaasModels),
            ("llmaas-transcriptions", .llmaasTranscriptions),
        ]
        for (name, route) in llmaasRoutes {
            let option = FaultOption(argument: "\(name)=503,drop-after:2")
            #expect(option?.route == route, "\(name)")
            #expect(option?.faults == [.status(503), .dropStreamAfter(events: 2)], "\(name)")
        }
        #expect(Set(FaultOption.routes.values).count == MockRoute.allCases.count)
        for invalid in [
            "nope=503", "chat=", "chat=700", "chat=429:soon", "chat=drop-after:-1", "chat", "chat=delay:x", "chat=delay:1e300",
            "chat=delay:inf",
            "chat=delay:nan", "chat=drip:500", "chat=drip:999:1s", "chat=oversized-line:-5", "chat=escapes",
        ] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
    }
}
