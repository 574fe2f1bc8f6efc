import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// The embedded server's `/v1/files` and `/v1/batches`, over raw HTTP.
@Suite("LLMaaS files and batches")
struct LLMaaSBatchTests {
    static let boundary = "batch-boundary-7"

    static func form(_ file: String?, filename: String = "requests.jsonl", purpose: String? = "batch") -> ByteBuffer {
        var buffer = ByteBuffer()
        if let purpose {
            buffer.writeString("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n")
        }
        if let file {
            buffer.writeString(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/jsonl\r\n\r\n"
            )
            buffer.writeString(file)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(Self.boundary)--\r\n")
        return buffer
    }

    static func upload(_ http: TestHTTP, _ file: String?, purpose: String? = "batch") async throws -> RawResponse {
        try await http.send(
            .POST,
            "/v1/files",
            body: Self.form(file, purpose: purpose),
            headers: [("Content-Type", "multipart/form-data; boundary=\(Self.boundary)")]
        )
    }

    static func chatLine(_ id: String, _ text: String) -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-oss:120b","messages":[{"role":"user","content":"\#(text)"}]}}"#
    }

    /// Uploads `lines` and creates a batch over them; the batch's id.
    static func batch(_ http: TestHTTP, _ lines: [String], endpoint: String = "/v1/chat/completions") async throws -> String {
        let uploaded = try await Self.upload(http, lines.joined(separator: "\n") + "\n")
        let fileID = try #require(try uploaded.object()["id"] as? String)
        let created = try await http.send(
            .POST,
            "/v1/batches",
            json: #"{"input_file_id":"\#(fileID)","endpoint":"\#(endpoint)","completion_window":"24h"}"#
        )
        #expect(created.status == 200, "\(created.text)")
        return try #require(try created.object()["id"] as? String)
    }

    @Test("upload: stored as sent, described, and its content served as JSONL; refusals are OpenAI errors")
    func files() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let content = Self.chatLine("a", "x") + "\n"
            let uploaded = try await Self.upload(http, content)
            #expect(uploaded.status == 200, "\(uploaded.text)")
            let object = try uploaded.object()
            let id = try #require(object["id"] as? String)
            #expect(object["object"] as? String == "file" && object["purpose"] as? String == "batch")
            #expect(object["filename"] as? String == "requests.jsonl" && object["bytes"] as? Int == content.utf8.count)
            let described = try await http.send(.GET, "/v1/files/\(id)")
            #expect(try described.object()["id"] as? String == id)
            let served = try await http.send(.GET, "/v1/files/\(id)/content")
            #expect(served.status == 200 && served.text == content && served.header("content-type") == "application/jsonl")
            #expect(served.header("content-length") == String(content.utf8.count))

            let noPurpose = try await Self.upload(http, content, purpose: nil)
            #expect(noPurpose.status == 400)
            #expect(try LLMaaS.error(noPurpose)["param"] as? String == "purpose")
            let fineTune = try await Self.upload(http, content, purpose: "fine-tune")
            #expect(fineTune.status == 400)
            #expect(try LLMaaS.error(fineTune)["param"] as? String == "purpose")
            let noFile = try await Self.upload(http, nil)
            #expect(noFile.status == 400)
            #expect(try LLMaaS.error(noFile)["param"] as? String == "file")
            let json = try await http.send(.POST, "/v1/files", json: "{}")
            #expect(json.status == 400)
            let missing = try await http.send(.GET, "/v1/files/file-nope/content")
            #expect(missing.status == 404)
            #expect(try LLMaaS.error(missing)["code"] as? String == "file_not_found")
            #expect(server.requestCount(.uploadFile) == 5 && server.requestCount(.fileContent) == 2)
        }
    }

    @Test("each read moves a batch one step; its results are what the chat and embeddings routes answer")
    func progression() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.batchReadsPerStep = 2
            let embedding = #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{"model":"bge-m3","input":"x"}}"#
            let id = try await Self.batch(http, [Self.chatLine("c", "Salut"), embedding])
            var statuses: [String] = []
            var batch: [String: Any] = [:]
            for _ in 0..<6 {
                batch = try await http.send(.GET, "/v1/batches/\(id)").object()
                statuses.append(try #require(batch["status"] as? String))
            }
            #expect(statuses == ["validating", "in_progress", "in_progress", "finalizing", "finalizing", "completed"])
            #expect(batch["request_counts"] as? [String: Int] == ["total": 2, "completed": 2, "failed": 0])
            #expect(batch["in_progress_at"] is Int && batch["finalizing_at"] is Int && batch["completed_at"] is Int)
            #expect(batch["error_file_id"] is NSNull)
            let output = try #require(batch["output_file_id"] as? String)
            let lines = try await http.send(.GET, "/v1/files/\(output)/content").text.split(separator: "\n")
            #expect(lines.count == 2)
            let chatLine = try LLMaaS.object(lines[0])
            #expect(chatLine["custom_id"] as? String == "c" && chatLine["error"] is NSNull)
            let response = try #require(chatLine["response"] as? [String: Any])
            #expect(response["status_code"] as? Int == 200)
            let direct = try await http.send(.POST, "/v1/chat/completions", json: LLMaaS.chat("Salut")).object()
            let body = try #require(response["body"] as? [String: Any])
            for key in ["model", "choices", "usage"] {
                #expect(LLMaaS.json(["v": body[key] ?? NSNull()]) == LLMaaS.json(["v": direct[key] ?? NSNull()]), "\(key)")
            }
            let embeddingBody = try #require((try LLMaaS.object(lines[1])["response"] as? [String: Any])?["body"] as? [String: Any])
            let directEmbedding = try await http.send(.POST, "/v1/embeddings", json: #"{"model":"bge-m3","input":"x"}"#).object()
            #expect(LLMaaS.json(embeddingBody) == LLMaaS.json(directEmbedding))
        }
    }

    @Test("an input file with bad lines fails the batch at its first read, each refusal naming its line")
    func refusedInput() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let id = try await Self.batch(
                http,
                [Self.chatLine("a", "x"), "not json", #"{"method":"POST"}"#, Self.chatLine("a", "y")]
            )
            let batch = try await http.send(.GET, "/v1/batches/\(id)").object()
            #expect(batch["status"] as? String == "failed" && batch["failed_at"] is Int)
            let errors = try #require((batch["errors"] as? [String: Any])?["data"] as? [[String: Any]])
            #expect(errors.map { $0["code"] as? String } == ["invalid_json_line", "missing_custom_id", "duplicate_custom_id"])
            #expect(errors.map { $0["line"] as? Int } == [2, 3, 4])
            let again = try await http.send(.GET, "/v1/batches/\(id)").object()
            #expect(again["status"] as? String == "failed" && again["output_file_id"] is NSNull)
        }
    }

    @Test("create, list and cancel refuse what the service refuses")
    func refusals() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let fileID = try #require(try await Self.upload(http, Self.chatLine("a", "x")).object()["id"] as? String)
            func create(_ body: String) async throws -> RawResponse { try await http.send(.POST, "/v1/batches", json: body) }
            let window = try await create(#"{"input_file_id":"\#(fileID)","endpoint":"/v1/chat/completions","completion_window":"48h"}"#)
            #expect(window.status == 400)
            #expect(try LLMaaS.error(window)["param"] as? String == "completion_window")
            let endpoint = try await create(#"{"input_file_id":"\#(fileID)","endpoint":"/v1/rerank","completion_window":"24h"}"#)
            #expect(endpoint.status == 400)
            #expect(try LLMaaS.error(endpoint)["param"] as? String == "endpoint")
            let unknown = try await create(#"{"input_file_id":"file-nope","endpoint":"/v1/embeddings","completion_window":"24h"}"#)
            #expect(unknown.status == 404)
            let metadata = try await create(
                #"{"input_file_id":"\#(fileID)","endpoint":"/v1/embeddings","completion_window":"24h","metadata":[]}"#
            )
            #expect(metadata.status == 400)
            let demo = try await http.send(.GET, "/v1/batches/\(MockAIYouServer.demoBatchID)").object()
            let output = try #require(demo["output_file_id"] as? String)
            let notBatch = try await create(#"{"input_file_id":"\#(output)","endpoint":"/v1/embeddings","completion_window":"24h"}"#)
            #expect(notBatch.status == 400, "a results file is not a batch input")

            #expect(try await http.send(.GET, "/v1/batches?limit=0").status == 400)
            #expect(try await http.send(.GET, "/v1/batches?limit=101").status == 400)
            #expect(try await http.send(.GET, "/v1/batches?after=batch_nope").status == 404)
            #expect(try await http.send(.GET, "/v1/batches/batch_nope").status == 404)
            #expect(try await http.send(.POST, "/v1/batches/batch_nope/cancel").status == 404)
            let ended = try await http.send(.POST, "/v1/batches/\(MockAIYouServer.demoBatchID)/cancel")
            #expect(ended.status == 400)
            let running = try await http.send(.POST, "/v1/batches/\(MockAIYouServer.demoRunningBatchID)/cancel").object()
            #expect(running["status"] as? String == "cancelling" && running["cancelling_at"] is Int)
            let cancelled = try await http.send(.GET, "/v1/batches/\(MockAIYouServer.demoRunningBatchID)").object()
            #expect(cancelled["status"] as? String == "cancelled")
        }
    }

    @Test(
        "an upload beyond 100 MB is refused with 413 file_too_large, read to its end but not kept",
        .timeLimit(TestTiming.limit(minutes: 5))
    )
    func tooLarge() async throws {
        try await MockAIYouServer.withRunning { server in
            let head = ByteBuffer(
                string: "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                    + "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n\r\n"
            )
            let tail = ByteBuffer(string: "\r\n--\(Self.boundary)--\r\n")
            let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
            let pieces = MockAIYouServer.maxBatchFileBytes / piece.readableBytes + 1
            var request = HTTPClientRequest(url: server.baseURL + "/v1/files")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
            request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(Self.boundary)")
            let length = head.readableBytes + pieces * piece.readableBytes + tail.readableBytes
            request.body = .stream(UploadPieces(head: head, piece: piece, count: pieces, tail: tail), length: .known(Int64(length)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(240))
            let body = try await response.body.collect(upTo: 1 << 16)
            #expect(response.status.code == 413, "\(String(buffer: body))")
            #expect(String(buffer: body).contains("file_too_large"))
            #expect(server.requestCount(.uploadFile) == 1)
        }
    }
}

/// A multipart body made of `count` copies of one piece between a head and a tail.
struct UploadPieces: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let head: ByteBuffer
    let piece: ByteBuffer
    let count: Int
    let tail: ByteBuffer

    func makeAsyncIterator() -> Iterator { Iterator(pieces: self) }

    struct Iterator: AsyncIteratorProtocol {
        let pieces: UploadPieces
        var index = -1

        mutating func next() async -> ByteBuffer? {
            defer { index += 1 }
            switch index {
            case -1: return pieces.head
            case pieces.count: return pieces.tail
            case let index where index < pieces.count: return pieces.piece
            default: return nil
            }
        }
    }
}
