import AIYou
import AIYouMockServer
import AsyncHTTPClient
import Foundation
import Testing

/// `aiyou serve` started as a child process and stopped with a signal, as a user or a process
/// manager would. The time limits only keep a broken build from hanging the run.
@Suite("aiyou serve: graceful shutdown on signals")
struct ServeShutdownTests {
    /// The answer the embedded server streams to "Bonjour".
    static let answer = "Bonjour ! Vous avez dit : Bonjour"

    @Test(
        "SIGTERM during a streamed answer: new connections are refused, the answer arrives whole, exit status 0",
        .timeLimit(TestTiming.limit(minutes: 1))
    )
    func sigtermFinishesTheAnswerInFlight() async throws {
        // 20 events 100 ms apart: the answer is still streaming for about two seconds after the signal.
        let serve = try await ServeProcess.start(["--chunks", "20", "--chunk-interval-ms", "100"])
        defer { serve.killIfRunning() }
        var configuration = Configuration(baseURL: serve.baseURL, credentials: .bearerToken(MockAccount.demoAPIKey))
        configuration.retry = .disabled
        let deltas = try await withAIYouClient(configuration) { client in
            let stream = try await client.chatCompletionStream(ChatCompletionRequest(messages: [.text("Bonjour")], assistantID: "602"))
            var iterator = stream.textDeltas.makeAsyncIterator()
            var deltas = [try #require(try await iterator.next())]
            serve.send(SIGTERM)
            #expect(try await Self.eventuallyRefusesConnections(serve.baseURL), "the server kept accepting connections")
            while let delta = try await iterator.next() {
                deltas.append(delta)
            }
            return deltas
        }
        #expect(deltas.joined() == Self.answer)
        #expect(deltas.count > 1, "the answer was still streaming when the signal came")
        let exit = await serve.waitForExit()
        let output = serve.remainingOutput()
        #expect(exit == ServeProcess.Exit(status: 0, exited: true), "stderr: \(output.stderr)")
        #expect(output.stderr.isEmpty)
    }

    @Test("SIGINT with nothing in flight: exit status 0", .timeLimit(TestTiming.limit(minutes: 1)))
    func sigintWhenIdle() async throws {
        let serve = try await ServeProcess.start([])
        defer { serve.killIfRunning() }
        #expect(serve.baseURL.hasPrefix("http://127.0.0.1:"))
        serve.send(SIGINT)
        let exit = await serve.waitForExit()
        let output = serve.remainingOutput()
        #expect(exit == ServeProcess.Exit(status: 0, exited: true), "stderr: \(output.stderr)")
        #expect(output.stdout.contains("demo account: \(MockAccount.demo.email)"))
        #expect(output.stderr.isEmpty)
    }

    @Test("SIGTERM during an answer longer than --grace-period: the answer is cut, exit status 0", .timeLimit(TestTiming.limit(minutes: 1)))
    func gracePeriodBoundsTheWait() async throws {
        // 1,000 events 50 ms apart would take 50 s; the grace period is a fifth of a second.
        let serve = try await ServeProcess.start(["--chunks", "1000", "--chunk-interval-ms", "50", "--grace-period", "0.2"])
        defer { serve.killIfRunning() }
        var configuration = Configuration(baseURL: serve.baseURL, credentials: .bearerToken(MockAccount.demoAPIKey))
        configuration.retry = .disabled
        let ending = try await withAIYouClient(configuration) { client in
            let stream = try await client.chatCompletionStream(ChatCompletionRequest(messages: [.text("Bonjour")], assistantID: "602"))
            var iterator = stream.textDeltas.makeAsyncIterator()
            _ = try #require(try await iterator.next())
            serve.send(SIGTERM)
            do {
                while try await iterator.next() != nil {}
                return "the stream ended normally"
            } catch let error as AIYouError {
                return "\(error.code)"
            }
        }
        #expect(ending != "the stream ended normally")
        let exit = await serve.waitForExit()
        #expect(exit == ServeProcess.Exit(status: 0, exited: true), "stderr: \(serve.remainingOutput().stderr)")
    }

    /// Polls ``refusesConnections(_:)`` until it holds, up to 100 tries; whether it did.
    static func eventuallyRefusesConnections(_ baseURL: String) async throws -> Bool {
        for _ in 0..<100 {
            if await Self.refusesConnections(baseURL) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Whether a new connection to `baseURL` is refused (or closed without an answer).
    static func refusesConnections(_ baseURL: String) async -> Bool {
        var request = HTTPClientRequest(url: baseURL + "/api/v1/models")
        request.headers.add(name: "Authorization", value: "Bearer \(MockAccount.demoAPIKey)")
        request.headers.add(name: "Connection", value: "close")
        do {
            _ = try await HTTPClient.shared.execute(request, timeout: .milliseconds(300))
            return false
        } catch {
            return true
        }
    }
}
