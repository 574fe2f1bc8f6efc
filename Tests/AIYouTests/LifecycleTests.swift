import AIYouMockServer
import Foundation
import Logging
import ServiceLifecycle
import Testing

@_spi(Benchmarks) @testable import AIYou

/// Shared work (a login, a cache load) that a cancelled caller leaves at once, early refreshes that
/// fall back to the valid token, and reads that never join a load begun before a write. Driven
/// through a scripted transport whose answers the test holds and releases.
@Suite("Shared work, cancellation and refresh")
struct LifecycleTests {
    static let login = #"{"token": "tok-one-0001", "expires_at": "2999-01-01T00:00:00Z"}"#

    static func emailPassword(_ configuration: inout Configuration) {
        configuration.credentials = .emailPassword(email: "me@example.com", password: "s3cret-pass")
    }

    @Test("a cancelled caller leaves a shared login at once; the login goes on for the others")
    func cancelledCallerLeavesLogin() async throws {
        let gate = ScriptedTransport.Gate()
        let transport = ScriptedTransport([.held(gate, .answer(200, body: Self.login))])
        let client = try AIYouClient.scripted(transport, adjust: Self.emailPassword)
        let leaving = Task { try await client.assistants() }
        let staying = Task { try await client.assistants() }
        try await eventually { gate.waiting == 1 }
        leaving.cancel()
        await expectAIYouError(.cancelled) { try await leaving.value }
        #expect(client.pipeline.authenticator.issuedTokens.isEmpty, "it left while the login was still held")
        gate.open()
        #expect(try await staying.value.isEmpty)
        #expect(transport.sent.map(\.target) == ["/api/login", "/api/v1/user/assistants"], "one login, one request")
    }

    @Test("a cancelled caller leaves a shared cache load at once; the load goes on for the others")
    func cancelledCallerLeavesCacheLoad() async throws {
        let gate = ScriptedTransport.Gate()
        let transport = ScriptedTransport([.held(gate, .answer(200, body: #"[{"id": "1", "name": "A"}]"#))])
        let client = try AIYouClient.scripted(transport) { $0.cache = .enabled }
        let leaving = Task { try await client.assistants() }
        try await eventually { gate.waiting == 1 }
        let staying = Task { try await client.assistants() }
        try await eventually { client.cacheStatistics.misses == 2 }
        leaving.cancel()
        await expectAIYouError(.cancelled) { try await leaving.value }
        gate.open()
        #expect(try await staying.value.map(\.name) == ["A"])
        #expect(try await client.assistants().map(\.name) == ["A"], "stored for later readers")
        #expect(transport.sent.count == 1)
    }

    @Test("a read issued after a write never joins a cache load that began before it")
    func readAfterWrite() async throws {
        let gate = ScriptedTransport.Gate()
        let transport = ScriptedTransport([
            .held(gate, .answer(200, body: #"[{"id": "1", "name": "before"}]"#)),
            .answer(201, body: #"{"id": "t9", "object": "thread"}"#),
            .answer(200, body: #"[{"id": "1", "name": "after"}]"#),
        ])
        let client = try AIYouClient.scripted(transport) { $0.cache = .enabled }
        let early = Task { try await client.assistants() }
        try await eventually { gate.waiting == 1 }
        _ = try await client.saveConversation(.init(assistantID: "1", conversation: "c"))
        #expect(try await client.assistants().map(\.name) == ["after"], "a new load, not the one begun before the write")
        gate.open()
        #expect(try await early.value.map(\.name) == ["before"])
        #expect(try await client.assistants().map(\.name) == ["after"], "the stale load was not stored")
        #expect(transport.sent.count == 3)
    }

    @Test("a failed early refresh falls back to the token that is still valid, and is not retried on every call")
    func earlyRefreshFallback() async throws {
        let time = ManualTime()
        let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(1000))
        let transport = ScriptedTransport(
            [.answer(200, body: #"{"token": "tok-early-0001", "expires_at": "\#(expiry)"}"#)],
            fallback: .answer(200, body: "[]")
        )
        let client = try AIYouClient.scripted(transport, time: time) { configuration in
            Self.emailPassword(&configuration)
            configuration.tokenRefreshMargin = .seconds(60)
        }
        #expect(try await client.assistants().isEmpty)
        time.advance(by: .seconds(950))  // inside the refresh margin, 50 s before expiry
        transport.script(.answer(500), .answer(500), .answer(500))
        #expect(try await client.assistants().isEmpty, "the call goes on with the token that is still valid")
        #expect(try await client.assistants().isEmpty)
        let targets = transport.sent.map(\.target)
        #expect(targets.filter { $0 == "/api/login" }.count == 4, "one login, then one refresh of 3 attempts, not one per call")
        #expect(transport.sent.last?.headers.first(name: "authorization") == "Bearer tok-early-0001")
        time.advance(by: .seconds(60))  // past the expiry: a login is required now
        transport.script(.answer(401))
        await expectAIYouError(.unauthorized) { try await client.assistants() }
    }
}

@Suite("The client as a ServiceLifecycle service")
struct ClientServiceTests {
    @Test("in a ServiceGroup, the client works until the group shuts down, then is shut down")
    func serviceGroup() async throws {
        try await MockAIYouServer.withRunning { server in
            let client = try AIYouClient(configuration: Fixture.configuration(server, credentials: Fixture.apiKey))
            let group = ServiceGroup(services: [client], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                #expect(try await client.assistants().count == 3)
                await group.triggerGracefulShutdown()
                try await tasks.next()
            }
            await expectAIYouError(.clientShutdown) { try await client.assistants() }
        }
    }
}
