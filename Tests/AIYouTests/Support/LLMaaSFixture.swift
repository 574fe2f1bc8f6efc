import AIYouMockServer
import Foundation
import NIOCore

@_spi(Benchmarks) @testable import AIYou

/// Runs `body` with a started server (which serves the LLMaaS routes beside the AI.YOU ones) and
/// an LLMaaS client for it: ``withServerAndClient(server:client:_:)`` with the demo API key.
func withLLMaaS<T: Sendable>(
    server configure: (inout MockServerConfiguration) -> Void = { _ in },
    client adjust: (inout Configuration) -> Void = { _ in },
    _ body: (MockAIYouServer, AIYouClient) async throws -> T
) async throws -> T {
    try await withServerAndClient(
        server: configure,
        client: {
            $0.api = .llmaas
            $0.credentials = .apiKey(MockAccount.demoAPIKey)
            adjust(&$0)
        },
        body
    )
}

extension ChatCompletion {
    /// The completion without the members it does not model: what a stream, whose chunks do not
    /// carry LLMaaS's `backend`, assembles to.
    var withoutUnmodeledFields: ChatCompletion {
        var copy = self
        copy.unmodeledFields = UnmodeledFields()
        return copy
    }
}

/// The JSON object a request body holds.
func jsonObject(_ bytes: some Sequence<UInt8>) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(bytes))
    guard let object = value as? [String: Any] else { throw AIYouError(.decoding, "not an object") }
    return object
}

extension APIRequest.Body {
    /// The bytes of a JSON body (empty for others).
    var jsonBytes: [UInt8] {
        if case .json(let buffer) = self { return Array(buffer.readableBytesView) }
        return []
    }
}
