import AIYouMockServer
import Foundation
import NIOCore

@_spi(Benchmarks) @testable import AIYou

extension Fixture {
    /// An LLMaaS configuration pointing at `server` (which serves the LLMaaS routes beside the
    /// AI.YOU ones), with the demo API key and retries that wait 1 ms.
    static func llmaas(_ server: MockAIYouServer, time: ManualTime = ManualTime()) -> Configuration {
        var configuration = Fixture.configuration(server, credentials: .apiKey(MockAccount.demoAPIKey), time: time)
        configuration.api = .llmaas
        return configuration
    }
}

/// Runs `body` with a started server and an LLMaaS client for it.
func withLLMaaS<T: Sendable>(
    server configure: (inout MockServerConfiguration) -> Void = { _ in },
    client adjust: (inout Configuration) -> Void = { _ in },
    _ body: (MockAIYouServer, AIYouClient) async throws -> T
) async throws -> T {
    var serverConfiguration = MockServerConfiguration()
    configure(&serverConfiguration)
    return try await MockAIYouServer.withRunning(configuration: serverConfiguration) { server in
        var configuration = Fixture.llmaas(server)
        adjust(&configuration)
        return try await withAIYouClient(configuration) { client in
            try await body(server, client)
        }
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
