import AIYouMockServer
import Testing

@testable import aiyou

@Suite("aiyou serve --fault")
struct FaultOptionTests {
    @Test("fault specs parse into the server's faults")
    func parsing() throws {
        let option = try #require(FaultOption(argument: "chat=503,429:2,delay:250ms,hang,drop,drop-after:3,malformed-json,malformed-sse,wrong-content-type,empty"))
        #expect(option.route == .chatCompletions)
        #expect(option.faults == [
            .status(503), .rateLimited(retryAfter: "2"), .delay(.milliseconds(250)), .hang, .dropConnection, .dropStreamAfter(events: 3),
            .malformedJSON, .malformedSSE, .wrongContentType, .emptyBody,
        ])
        #expect(FaultOption(argument: "assistants=502")?.route == .assistants)
        for invalid in ["nope=503", "chat=", "chat=700", "chat=429:soon", "chat=drop-after:-1", "chat", "chat=delay:x"] {
            #expect(FaultOption(argument: invalid) == nil, "\(invalid)")
        }
    }
}
