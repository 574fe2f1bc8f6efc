import AIYouMockServer
import Testing

/// State that is not `Sendable`: a `@Sendable` (or nonisolated) closure could neither capture
/// nor mutate it.
private final class Tally {
    var ports: [Int] = []
    var statuses: [Int] = []
}

/// State of the main actor, read and written by a closure without `await`.
@MainActor private var mainActorRequests = 0

/// Uses a server from inside one of its methods.
private actor ServerUser {
    private var requestsSent = 0

    /// Runs a server, sends one request from the closure, and returns what the closure saw.
    func useServer() async throws -> (statuses: [Int], portsSeen: Int, requestsSent: Int) {
        let tally = Tally()
        let returned = try await MockAIYouServer.withRunning { server in
            // The closure runs on this actor: its state is at hand without `await`.
            self.assertIsolated()
            self.requestsSent += 1
            tally.ports.append(server.port)
            tally.statuses.append(try await TestHTTP(server).send(.GET, "/api/v1/models").status)
            return tally
        }
        // The non-Sendable result comes back to the actor. (Checked by the caller: `#expect`
        // cannot take a non-Sendable value on an actor.)
        return (returned.statuses, returned.ports.filter { $0 > 0 }.count, self.requestsSent)
    }
}

@Suite("withRunning in the caller's isolation")
struct IsolationTests {
    @MainActor
    @Test("from a @MainActor function: the closure runs on the main actor and mutates its non-Sendable state")
    func fromMainActor() async throws {
        let tally = Tally()
        let returned = try await MockAIYouServer.withRunning { server in
            MainActor.assertIsolated()
            mainActorRequests += 1
            tally.ports.append(server.port)
            tally.statuses.append(try await TestHTTP(server).send(.GET, "/api/v1/user/assistants").status)
            return tally
        }
        // The non-Sendable result comes back as is.
        let sameTally = returned === tally
        #expect(sameTally)
        #expect(tally.statuses == [200])
        #expect(tally.ports.count == 1 && tally.ports[0] > 0)
        #expect(mainActorRequests >= 1)
    }

    @Test("from an actor method: the closure runs on the actor and mutates its state and a non-Sendable local")
    func fromActor() async throws {
        let result = try await ServerUser().useServer()
        #expect(result.statuses == [200])
        #expect(result.portsSeen == 1)
        #expect(result.requestsSent == 1)
    }
}
