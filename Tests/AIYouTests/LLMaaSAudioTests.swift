import AIYouMockServer
import Foundation
import NIOCore
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Transcription on LLMaaS")
struct LLMaaSAudioTests {
    static let answer = #"""
        {"text":"Hello and welcome.","language":"en",
         "segments":[{"id":0,"seek":0,"start":0.0,"end":1.8,"text":" Hello and welcome.","tokens":[50364,2425],
           "temperature":0.0,"avg_logprob":-0.19,"compression_ratio":1.2,"no_speech_prob":0.03},
          {"id":"1","start":"1.8","end":null,"text":" Bye."},
          {"id":2,"start":"NaN","end":1e999,"text":3},
          "not a segment"]}
        """#

    /// The multipart fields and the file part of an upload, as the client describes it.
    static func parts(_ request: TransportRequest) -> (fields: [String: String], fileField: String)? {
        guard case .multipart(let upload) = request.body else { return nil }
        return (Dictionary(upload.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }), upload.fileField)
    }

    @Test("the file goes as part `file` with language, initial_prompt, task and response_format; the answer's segments are read")
    func upload() async throws {
        let path = try AudioTests.makeFile(name: "réunion.wav", size: 5_000)
        defer { AudioTests.remove(path) }
        let transport = ScriptedTransport([.answer(200, body: Self.answer)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let result = try await client.transcribe(
            fileAt: path,
            language: "fr",
            format: "verbose_json",
            initialPrompt: "Cloud Temple, LLMaaS",
            task: .translate
        )
        #expect(result.text == "Hello and welcome.")
        #expect(result.language == "en")
        #expect(
            result.segments == [
                .init(id: 0, start: 0, end: 1.8, text: " Hello and welcome."), .init(id: 1, start: 1.8, end: 1.8, text: " Bye."),
                .init(id: 2, start: 0, end: 0, text: "3"),
            ]
        )
        let sent = try #require(transport.sent.first)
        #expect(sent.target == "/v1/audio/transcriptions")
        let parts = try #require(Self.parts(sent))
        #expect(parts.fileField == "file")
        #expect(
            parts.fields == [
                "language": "fr", "response_format": "verbose_json", "initial_prompt": "Cloud Temple, LLMaaS", "task": "translate",
            ]
        )
    }

    @Test("without options only the file is sent; format json is sent as response_format")
    func minimal() async throws {
        let path = try AudioTests.makeFile(name: "a.mp3", size: 100)
        defer { AudioTests.remove(path) }
        let transport = ScriptedTransport([.answer(200, body: #"{"text":"ok"}"#), .answer(200, body: #"{"text":"ok"}"#)])
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        let result = try await client.transcribe(fileAt: path)
        #expect(result == Transcription(text: "ok"))
        #expect(Self.parts(transport.sent[0])?.fields == [:])
        _ = try await client.transcribe(fileAt: path, format: "json", task: .transcribe)
        #expect(Self.parts(transport.sent[1])?.fields == ["response_format": "json", "task": "transcribe"])
    }

    @Test("LLMaaS answers JSON only: another format is refused before sending, as is an empty prompt")
    func formats() async throws {
        let path = try AudioTests.makeFile(name: "a.m4a", size: 100)
        defer { AudioTests.remove(path) }
        let transport = ScriptedTransport()
        let client = try AIYouClient.scripted(transport) { $0.api = .llmaas }
        for format in ["text", "srt", "vtt", "JSON"] {
            let error = await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: path, format: format) }
            #expect(error?.message.contains("json") == true)
        }
        await expectAIYouError(.invalidRequest) { try await client.transcribe(fileAt: path, initialPrompt: " ") }
        #expect(transport.sent.isEmpty)
    }

    @Test("on AI.YOU initialPrompt and task are .unsupported and nothing is sent; AI.YOU keeps its part names")
    func aiyou() async throws {
        let path = try AudioTests.makeFile(name: "a.wav", size: 100)
        defer { AudioTests.remove(path) }
        let transport = ScriptedTransport([.answer(200, body: #"{"transcription":"bonjour","language":"fr"}"#)])
        let client = try AIYouClient.scripted(transport)
        let prompt = await expectAIYouError(.unsupported) { try await client.transcribe(fileAt: path, initialPrompt: "x") }
        #expect(prompt?.message.contains("initialPrompt") == true)
        await expectAIYouError(.unsupported) { try await client.transcribe(fileAt: path, task: .translate) }
        #expect(transport.sent.isEmpty)
        let result = try await client.transcribe(fileAt: path, language: "fr", format: "text")
        #expect(result == Transcription(text: "bonjour", language: "fr"))
        let sent = try #require(transport.sent.first)
        #expect(sent.target == "/api/v1/audio/transcriptions")
        #expect(Self.parts(sent)?.fileField == "audioFile")
        #expect(Self.parts(sent)?.fields == ["language": "fr", "format": "text"])
    }

    @Test("TranscriptionTask's raw values")
    func task() {
        #expect(TranscriptionTask.transcribe.rawValue == "transcribe")
        #expect(TranscriptionTask.translate.description == "translate")
    }
}
