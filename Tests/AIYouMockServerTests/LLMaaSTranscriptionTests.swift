import AIYouMockServer
import Foundation
import NIOCore
import Testing

@Suite("LLMaaS audio transcriptions")
struct LLMaaSTranscriptionTests {
    static let path = "/v1/audio/transcriptions"
    static let boundary = "llmaas-boundary-42"

    /// A multipart body with a `file` part (when `filename` is given; `""` sends the part without
    /// a filename) and text parts.
    static func form(filename: String?, bytes: [UInt8], fields: [(String, String)]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for (name, value) in fields {
            buffer.writeString("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let filename {
            let disposition = filename.isEmpty ? "form-data; name=\"file\"" : "form-data; name=\"file\"; filename=\"\(filename)\""
            buffer.writeString("--\(Self.boundary)\r\nContent-Disposition: \(disposition)\r\nContent-Type: audio/wav\r\n\r\n")
            buffer.writeBytes(bytes)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(Self.boundary)--\r\n")
        return buffer
    }

    static func send(
        _ http: TestHTTP,
        filename: String?,
        bytes: [UInt8] = Array(repeating: 7, count: 1234),
        fields: [(String, String)],
        token: String? = MockAccount.demoAPIKey
    ) async throws -> RawResponse {
        try await http.send(
            .POST,
            Self.path,
            body: Self.form(filename: filename, bytes: bytes, fields: fields),
            token: token,
            headers: [("Content-Type", "multipart/form-data; boundary=\(Self.boundary)")]
        )
    }

    @Test("a transcription: the exact Whisper-style answer, and the upload recorded")
    func transcribe() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
            let response = try await Self.send(
                http,
                filename: "réunion.wav",
                bytes: bytes,
                fields: [("model", "whisper-1"), ("language", "fr"), ("response_format", "verbose_json")]
            )
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("X-RateLimit-Remaining-Requests") == "999")
            let text = "Transcribed 70000 bytes of réunion.wav"
            #expect(
                response.text
                    == #"{"text":"\#(text)","language":"fr","segments":[{"id":0,"seek":0,"start":0.0,"end":1.8,"text":" \#(text)","tokens":[50364],"temperature":0.0,"avg_logprob":-0.19,"compression_ratio":1.2,"no_speech_prob":0.03}]}"#
            )
            #expect(
                server.lastUpload
                    == UploadRecord(
                        filename: "réunion.wav",
                        fileContentType: "audio/wav",
                        byteCount: 70_000,
                        language: "fr",
                        format: nil,
                        model: "whisper-1",
                        prompt: nil,
                        task: nil,
                        responseFormat: "verbose_json"
                    )
            )
            #expect(server.requestCount(.llmaasTranscriptions) == 1)
            #expect(server.recordedRequests(.llmaasTranscriptions).first?.body.isEmpty == true)
        }
    }

    @Test("translate answers in English; initial_prompt (or prompt) is echoed; the language defaults to en")
    func translateAndPrompt() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let translated = try await Self.send(
                http,
                filename: "a.mp3",
                fields: [("task", "translate"), ("language", "de"), ("initial_prompt", "Cloud Temple")]
            )
            let object = try translated.object()
            #expect(object["text"] as? String == "Translated 1234 bytes of a.mp3 (prompt: Cloud Temple)")
            #expect(object["language"] as? String == "en")
            #expect(server.lastUpload?.task == "translate")
            #expect(server.lastUpload?.prompt == "Cloud Temple")

            let prompted = try await Self.send(http, filename: "b.m4a", fields: [("prompt", "LLMaaS"), ("response_format", "json")])
            #expect(try prompted.object()["text"] as? String == "Transcribed 1234 bytes of b.m4a (prompt: LLMaaS)")
            #expect(try prompted.object()["language"] as? String == "en")
            let segment = try #require((try prompted.object()["segments"] as? [[String: Any]])?.first)
            #expect(segment["text"] as? String == " Transcribed 1234 bytes of b.m4a (prompt: LLMaaS)")
        }
    }

    @Test("refusals: no file, a file without a name, a bad task, text/srt/vtt formats, not multipart")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let cases: [(filename: String?, fields: [(String, String)], param: String)] = [
                (nil, [("language", "fr")], "file"),
                ("", [], "file"),
                ("a.wav", [("task", "summarize")], "task"),
                ("a.wav", [("response_format", "text")], "response_format"),
                ("a.wav", [("response_format", "srt")], "response_format"),
                ("a.wav", [("response_format", "vtt")], "response_format"),
            ]
            for (filename, fields, param) in cases {
                let response = try await Self.send(http, filename: filename, fields: fields)
                #expect(response.status == 400, "\(fields)")
                let error = try LLMaaS.error(response)
                #expect(error["param"] as? String == param, "\(fields)")
                #expect(error["type"] as? String == "invalid_request_error")
            }
            let srt = try await Self.send(http, filename: "a.wav", fields: [("response_format", "srt")])
            #expect((try LLMaaS.error(srt)["message"] as? String)?.contains("not supported") == true)
            #expect(server.lastUpload == nil)

            let json = try await http.send(.POST, Self.path, json: "{}")
            #expect(json.status == 400)
            #expect(try LLMaaS.error(json)["param"] as? String == "file")
            let refused = try await Self.send(http, filename: "a.wav", fields: [], token: nil)
            #expect(refused.status == 401)
            #expect(try LLMaaS.error(refused)["code"] as? String == "invalid_api_key")
        }
    }
}
