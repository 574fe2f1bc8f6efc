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
        let chat = try #require(
            FaultOption(
                argument:
                    "llmaas-chat=many-deltas:400000:ab,many-deltas:2:a:b,many-deltas:3:,tool-storm:500:8,deep-args:100000,deep-args:5000:object,repeat-index:64,long-args:200000:xy"
            )
        )
        #expect(chat.route == .llmaasChatCompletions)
        #expect(
            chat.faults == [
                .manyDeltas(count: 400_000, text: "ab"), .manyDeltas(count: 2, text: "a:b"), .manyDeltas(count: 3, text: ""),
                .toolCallStorm(calls: 500, perChunk: 8), .deepArguments(depth: 100_000, asObject: false),
                .deepArguments(depth: 5000, asObject: true), .repeatedChoiceIndex(times: 64),
                .longToolArguments(pieces: 200_000, pieceText: "xy"),
            ]
        )
        let echoes = try #require(
            FaultOption(
                argument:
                    "embeddings=error-object:200:4096,echo-encoded:401:unicode-escaped,echo-encoded:200:html-safe-escaped,echo-encoded:500:percent-encoded,echo-encoded:422:base64,echo-encoded:401:basic-auth"
            )
        )
        #expect(
            echoes.faults == [
                .errorObject(status: 200, messageBytes: 4096), .echoSecretsEncoded(status: 401, encoding: .unicodeEscaped),
                .echoSecretsEncoded(status: 200, encoding: .htmlSafeEscaped), .echoSecretsEncoded(status: 500, encoding: .percentEncoded),
                .echoSecretsEncoded(status: 422, encoding: .base64), .echoSecretsEncoded(status: 401, encoding: .basicAuth),
            ]
        )
        #expect(
            FaultOption(argument: "chat=empty-chunks:5ms:empty-choices,empty-chunks:1s:empty-delta,empty-chunks:20:role-only")?.faults == [
                .endlessEmptyChunks(interval: .milliseconds(5), kind: .emptyChoices),
                .endlessEmptyChunks(interval: .seconds(1), kind: .emptyDelta),
                .endlessEmptyChunks(interval: .seconds(20), kind: .roleOnly),
            ]
        )
        #expect(Set(FaultOption.encodings.values).count == MockSecretEncoding.allCases.count)
        #expect(Set(FaultOption.emptyChunkKinds.values).count == MockEmptyChunk.allCases.count)
        for invalid in [
            "chat=many-deltas:5", "chat=many-deltas:-1:a", "chat=many-deltas:x:a", "chat=tool-storm:5", "chat=tool-storm:5:0",
            "chat=tool-storm:-1:2", "chat=deep-args:0", "chat=deep-args:5:obj", "chat=deep-args:5:object:x", "chat=repeat-index:-2",
            "chat=repeat-index", "chat=error-object:200", "chat=error-object:99:10", "chat=error-object:200:-1",
            "chat=echo-encoded:401", "chat=echo-encoded:401:rot13", "chat=empty-chunks:5ms", "chat=empty-chunks:x:role-only",
            "chat=empty-chunks:5ms:nothing", "chat=long-args:3", "chat=long-args:-3:a",
        ] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
        let llmaasRoutes: [(String, MockRoute)] = [
            ("llmaas-chat", .llmaasChatCompletions), ("llmaas-completions", .llmaasCompletions), ("embeddings", .embeddings),
            ("rerank", .rerank), ("rerank-v2", .rerankV2), ("llmaas-models", .llmaasModels),
            ("llmaas-transcriptions", .llmaasTranscriptions), ("speech", .speech), ("images", .imageGenerations),
        ]
        for (name, route) in llmaasRoutes {
            let option = FaultOption(argument: "\(name)=503,drop-after:2")
            #expect(option?.route == route, "\(name)")
            #expect(option?.faults == [.status(503), .dropStreamAfter(events: 2)], "\(name)")
        }
        #expect(Set(FaultOption.routes.values).count == MockRoute.allCases.count)
        #expect(
            FaultOption(argument: "speech=reversed-embeddings,oversized-audio:1048576,invalid-base64,truncated")?.faults == [
                .reversedEmbeddings, .oversizedAudio(bytes: 1_048_576), .invalidBase64, .truncatedBody,
            ]
        )
        for invalid in ["speech=oversized-audio", "speech=oversized-audio:-1", "speech=truncated:1", "embeddings=invalid-base64:x"] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
        for invalid in [
            "nope=503", "chat=", "chat=700", "chat=429:soon", "chat=drop-after:-1", "chat", "chat=delay:x", "chat=delay:1e300",
            "chat=delay:inf",
            "chat=delay:nan", "chat=drip:500", "chat=drip:999:1s", "chat=oversized-line:-5", "chat=escapes",
        ] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
    }

    @Test("flawed:FLAW and proxy-error:KIND name every answer flaw and proxy error body")
    func flawsAndProxyErrors() throws {
        let option = try #require(FaultOption(argument: "llmaas-chat=flawed:not-json,flawed:fenced,proxy-error:python-dict"))
        #expect(option.faults == [.flawedAnswer(.notJSON), .flawedAnswer(.fenced), .proxyError(.pythonDict)])
        #expect(Set(FaultOption.answerFlaws.values).count == MockAnswerFlaw.allCases.count)
        #expect(Set(FaultOption.proxyErrors.values).count == MockProxyError.allCases.count)
        for invalid in ["chat=flawed", "chat=flawed:bad", "chat=proxy-error", "chat=proxy-error:teapot"] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
    }
}
