import Foundation
import NIOCore

/// Canned AI.YOU answers, the same sizes as the reference figures (a ~650-byte completion,
/// ~160-byte stream chunks).
enum Fixtures {
    static let wrappedCompletion = ByteBuffer(
        string: """
            {"response":{"id":"chatcmpl-8f1c2a7e3b9d4e5f","object":"chat.completion","model":"mistral-small-24b","created":1732540000,\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour ! Je suis l'assistant juridique d'AI.YOU. \
            Je peux vous aider à analyser un contrat, résumer une facture ou rédiger une clause de confidentialité. \
            Que souhaitez-vous faire aujourd'hui ?","refusal":null},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":42,"completion_tokens":58,"total_tokens":100},"system_fingerprint":"fp_mock"}}
            """
    )

    static let bareCompletion = ByteBuffer(
        string: """
            {"id":"chatcmpl-8f1c2a7e3b9d4e5f","object":"chat.completion","model":"mistral-small-24b","created":1732540000,\
            "choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"Bonjour ! Je suis l'assistant \
            juridique d'AI.YOU. Je peux vous aider à analyser un contrat, résumer une facture ou rédiger une clause."}],"refusal":null},\
            "finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":58,"total_tokens":100}}
            """
    )

    static let hydraAssistants = ByteBuffer(
        string: """
            {"@context":"/api/contexts/Assistant","@id":"/api/v1/user/assistants","@type":"hydra:Collection","hydra:totalItems":3,\
            "hydra:member":[\(assistant(602)),\(assistant(603)),\(assistant(604))]}
            """
    )

    static let arrayAssistants = ByteBuffer(string: "[\(assistant(602)),\(assistant(603)),\(assistant(604))]")

    static let models = ByteBuffer(
        string: """
            [{"provider":"Mistral AI","models":[{"name":"mistral-small-24b","context_window":"32768"},{"name":"mistral-large-2411","context_window":131072}]},\
            {"provider":"Meta","models":[{"name":"llama-3.3-70b","context_window":8192}]}]
            """
    )

    static let threadPage = ByteBuffer(
        string: """
            {"threads":[\((0..<10).map(thread).joined(separator: ","))],"totalItems":23,"itemsPerPage":10,"currentPage":1}
            """
    )

    /// The vectors of the embeddings answers below, 1,000 of 1,024 numbers, with their indexes in
    /// the order the answers list them (reverse index order, as some servers send them): values as
    /// an embedding model gives them (mostly within ±0.2, one in fifty below 1e-4).
    static let embeddingVectors: [(index: Int, vector: [Float])] = {
        var state: UInt64 = 0x5EED_E3B0
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        return (0..<1_000).reversed().map { index in
            let vector = (0..<1_024).map { _ -> Float in
                var value = Float(Double(next()) / Double(1 << 53) * 0.4 - 0.2)
                if next() % 50 == 0 { value /= 10_000 }
                return value
            }
            return (index, vector)
        }
    }()

    /// An LLMaaS embeddings answer of ``embeddingVectors``, each number written as the shortest
    /// text of its `Float` (`-0.13759573`, as Go or Swift write them, with an exponent below 1e-4:
    /// 12.1 MB) or, `pythonStyle`, of the `Double` holding it (`-0.13759572803974152`, as Python
    /// writes them: 21.1 MB).
    static func embeddings(pythonStyle: Bool) -> ByteBuffer {
        var text = #"{"object":"list","data":["#
        for (position, item) in embeddingVectors.enumerated() {
            text += #"{"object":"embedding","index":\#(item.index),"embedding":["#
            text += item.vector.map { pythonStyle ? Double($0).description : $0.description }.joined(separator: ",")
            text += position == embeddingVectors.count - 1 ? "]}" : "]},"
        }
        text += #"],"model":"bge-m3:567m","usage":{"prompt_tokens":48213,"total_tokens":48213}}"#
        return ByteBuffer(string: text)
    }

    /// The same answer with `encoding_format: "base64"`: each vector the base64 text of its
    /// little-endian `float32` bytes (5.5 MB).
    static let embeddingsBase64: ByteBuffer = {
        var text = #"{"object":"list","data":["#
        for (position, item) in embeddingVectors.enumerated() {
            var bytes = Data(capacity: item.vector.count * 4)
            for value in item.vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            text += #"{"object":"embedding","index":\#(item.index),"embedding":""#
            text += bytes.base64EncodedString()
            text += position == embeddingVectors.count - 1 ? "\"}" : "\"},"
        }
        text += #"],"model":"bge-m3:567m","usage":{"prompt_tokens":48213,"total_tokens":48213}}"#
        return ByteBuffer(string: text)
    }()

    static let embeddingsShortest = embeddings(pythonStyle: false)
    static let embeddingsPythonStyle = embeddings(pythonStyle: true)

    /// One ~160-byte stream event.
    static func chunkEvent(_ index: Int) -> String {
        #"data: {"id":"chatcmpl-8f1c2a7e","object":"chat.completion.chunk","created":1732540000,"model":"mistral-small-24b","choices":[{"index":0,"delta":{"content":"mot\#(index % 10) "},"finish_reason":null}]}"#
            + "\n\n"
    }

    /// A 10,000-event stream, cut into 4 KiB network chunks.
    static let streamBuffers: [ByteBuffer] = {
        var text = ""
        for index in 0..<10_000 { text += chunkEvent(index) }
        text += "data: [DONE]\n\n"
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 4096).map { ByteBuffer(bytes: bytes[$0..<min($0 + 4096, bytes.count)]) }
    }()

    private static func assistant(_ id: Int) -> String {
        #"{"id":\#(id),"assistantId":"asst_mock\#(id)","name":"Assistant \#(id)","image":"https://example.test/\#(id).png","model":"mistral-small-24b","modelAi":"mistral","instructions":"Tu es un assistant.","threadHistories":[{"threadId":"t\#(id)","firstMessage":"Bonjour"}]}"#
    }

    private static func thread(_ index: Int) -> String {
        #"{"id":"\#(1000 + index)","threadIdParam":\#(1000 + index),"content":"user: question \#(index)","assistantContentJson":"{}","assistantName":"Assistant juridique","assistantModel":null,"assistantId":602,"assistantIdOpenAi":"asst_mock602","firstMessage":"Question \#(index)","createdAt":"2026-11-24T13:36:58+00:00","updatedAt":"2026-11-24T13:38:58.123Z","isNewAppThread":false}"#
    }
}

/// The fixed buffers above as an async sequence, for `ChatCompletionStream(decoding:)`.
struct BufferSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffers: [ByteBuffer]
    struct AsyncIterator: AsyncIteratorProtocol {
        let buffers: [ByteBuffer]
        var index = 0
        mutating func next() async -> ByteBuffer? {
            guard index < buffers.count else { return nil }
            defer { index += 1 }
            return buffers[index]
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffers: buffers) }
}
