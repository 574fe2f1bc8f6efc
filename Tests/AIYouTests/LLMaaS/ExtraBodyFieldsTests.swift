import AIYouMockServer
import Foundation
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Escape hatch: extra body fields, extra headers, unmodelled answer fields")
struct ExtraBodyFieldsTests {
    static let request = ChatCompletionRequest(messages: [.text("salut")], model: "gpt-oss:120b")

    @Test("extra fields are merged into the body the server receives, after the modelled ones, whole and streamed")
    func merged() async throws {
        try await withLLMaaS { server, client in
            let options = RequestOptions(
                headers: [("X-Tenant", "acme")],
                extraBodyFields: ["top_k": 20, "chat_template_kwargs": ["enable_thinking": false], "repetition_penalty": 1.1]
            )
            _ = try await client.chatCompletion(Self.request, options: options)
            _ = try await client.chatCompletionStream(Self.request, options: options).collect()
            let recorded = server.recordedRequests(.llmaasChatCompletions)
            #expect(recorded.count == 2)
            for request in recorded {
                let body = try jsonObject(request.body)
                #expect(body["top_k"] as? Int == 20)
                #expect(body["repetition_penalty"] as? Double == 1.1)
                #expect((body["chat_template_kwargs"] as? [String: Any])?["enable_thinking"] as? Bool == false)
                #expect(body["model"] as? String == "gpt-oss:120b")
                #expect(request.header("X-Tenant") == "acme")
            }
            let text = String(decoding: recorded[0].body, as: UTF8.self)
            #expect(text.hasSuffix(#","chat_template_kwargs":{"enable_thinking":false},"repetition_penalty":1.1,"top_k":20}"#))
        }
    }

    @Test("embeddings and rerank take them too")
    func otherEndpoints() async throws {
        try await withLLMaaS { server, client in
            let options = RequestOptions(extraBodyFields: ["truncate_prompt_tokens": 256])
            _ = try await client.embeddings(model: "bge-m3", input: ["a", "b"], options: options)
            _ = try await client.rerank(model: "qwen3-reranker:0.6b", query: "q", documents: ["a", "b"], options: options)
            #expect(try jsonObject(try #require(server.recordedRequests(.embeddings).last).body)["truncate_prompt_tokens"] as? Int == 256)
            #expect(try jsonObject(try #require(server.recordedRequests(.rerank).last).body)["truncate_prompt_tokens"] as? Int == 256)
        }
    }

    @Test("a field the request models, an empty name, or a call without a JSON body is refused before sending")
    func refused() async throws {
        try await withLLMaaS { server, client in
            for (fields, expected) in [
                (["temperature": JSONValue.double(0.3)] as [String: JSONValue], "temperature"),
                (["stream_options": ["include_usage": false]], "stream_options"),
                (["": 1], "empty name"),
            ] {
                let error = await #expect(throws: AIYouError.self) {
                    _ = try await client.chatCompletion(Self.request, options: RequestOptions(extraBodyFields: fields))
                }
                #expect(error?.code == .invalidRequest)
                #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
            }
            let listing = await #expect(throws: AIYouError.self) {
                _ = try await client.models(options: RequestOptions(extraBodyFields: ["x": 1]))
            }
            #expect(listing?.code == .invalidRequest && listing?.message.contains("JSON body") == true)
            #expect(server.totalRequestCount == 0)
        }
    }

    @Test("members of an answer the client does not model stay reachable (LLMaaS's backend), on both decoding paths")
    func unmodeledFields() async throws {
        try await withLLMaaS { _, client in
            let completion = try await client.chatCompletion(Self.request)
            #expect(completion.unmodeledFields.names == ["backend"])
            #expect(completion.unmodeledFields["backend"]?["engine_type"]?.stringValue == "mock")
            #expect(completion.unmodeledFields["backend"]?["machine_name"]?.stringValue == "mock01")
        }
        let json = #"{"response":{"id":"x","choices":[],"system_fingerprint":"fp_1","backend":{"engine_type":"vllm","n":[1, 2]}}}"#
        let fast = try #require(Array(json.utf8).withUnsafeBytes { ChatCompletionDecoder.decodeCommonShape($0) })
        let slow = try JSONDecoder().decode(ChatCompletion.self, from: Data(json.utf8))
        #expect(fast.unmodeledFields == slow.unmodeledFields)
        #expect(slow.unmodeledFields.names == ["backend", "system_fingerprint"])
        #expect(fast.unmodeledFields.jsonText("backend") == #"{"engine_type":"vllm","n":[1, 2]}"#)
        #expect(slow.unmodeledFields["system_fingerprint"] == .string("fp_1"))
    }
}
