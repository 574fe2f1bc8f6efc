import AIYouMockServer
import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Serialized: run all at once, the huge and endless answers would crowd the timing-sensitive
/// tests of the other suites, which run alongside, on a two-core machine.
@Suite("Hostile faults", .serialized, .timeLimit(TestTiming.limit(minutes: 1)))
struct HostileFaultTests {
    static let chatPath = "/api/v1/chat/completions"
    static let streamedChat = TestHTTP.chatBody("bonjour", stream: true)
    static let chat = TestHTTP.chatBody("bonjour")

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func object(_ text: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The `data:` payloads of a primary-shape stream.
    static func dataPayloads(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    // MARK: - Oversized line

    @Test("oversizedStreamLine on chat: 'data: ', the a's without a line break, then [DONE]; chunked, no Content-Length")
    func oversizedLineWhole() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.oversizedStreamLine(bytes: 300_000)], for: .chatCompletions)
            let response = try await TestHTTP(server).send(.POST, Self.chatPath, json: Self.chat)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream")
            #expect(response.header("Content-Length") == nil)
            #expect(response.header("Transfer-Encoding") == "chunked")
            let expected = "data: " + String(repeating: "a", count: 300_000) + "\n\ndata: [DONE]\n\n"
            #expect(response.body.count == 300_022)
            #expect(response.text == expected)
        }
    }

    @Test("oversizedStreamLine of 200 MB: the client reads 5 MB and leaves, and the server stops writing")
    func oversizedLineAbandoned() async throws {
        let server = MockAIYouServer()
        try await server.start()
        server.enqueueFaults([.oversizedStreamLine(bytes: 200_000_000)], for: .chatCompletions)
        let received = try await RawConnection.with(server) { connection in
            connection.keepLimit = 4096
            try await connection.sendRequest("POST", Self.chatPath, json: Self.streamedChat)
            let head = try await connection.readHead()
            #expect(head.status == 200)
            #expect(head.value("content-type") == "text/event-stream")
            #expect(head.value("content-length") == nil)
            let start = Self.text(try await connection.readPayload { $0.count >= 1000 })
            #expect(start.hasPrefix("data: " + String(repeating: "a", count: 900)))
            while connection.receivedCount < 5_000_000 {
                guard try await connection.readMore() else { break }
            }
            return connection.receivedCount
        }
        #expect(received >= 5_000_000)
        // The server notices the client has gone and closes its side.
        #expect(try await eventually(timeout: .seconds(5)) { server.openConnections == 0 })
        let clock = ContinuousClock()
        let start = clock.now
        try await server.shutdown()
        #expect(clock.now - start < .seconds(5))
    }

    @Test("oversizedStreamLine elsewhere: a chunked JSON object of the given size, before authentication")
    func oversizedJSON() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.oversizedStreamLine(bytes: 150_000), .oversizedStreamLine(bytes: 3)], for: .listModels)
            let http = TestHTTP(server)
            let response = try await http.send(.GET, "/api/v1/models", token: nil)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Content-Length") == nil)
            #expect(response.body.count == 150_000)
            let filler = try #require(try response.object()["x"] as? String)
            #expect(filler.count == 150_000 - 8)
            #expect(filler.allSatisfy { $0 == "a" })
            // Smaller than the frame: the frame alone.
            #expect(try await http.send(.GET, "/api/v1/models").text == #"{"x":""}"#)
        }
    }

    // MARK: - Endless comments

    @Test("endlessComments sends only comment and blank lines until the client leaves")
    func endlessComments() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.endlessComments(interval: .milliseconds(2))], for: .assistants)
            let payload = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("GET", "/api/v1/user/assistants", token: nil)
                let head = try await connection.readHead()
                #expect(head.status == 200)
                #expect(head.value("content-type") == "text/event-stream")
                return Self.text(try await connection.readPayload { $0.count >= 200 })
            }
            let lines = payload.components(separatedBy: "\n").dropLast()
            #expect(lines.count >= 14)
            #expect(lines.allSatisfy { $0 == ": keep-alive" || $0.isEmpty })
            #expect(lines.filter { $0.isEmpty }.count >= 6)
            #expect(!payload.contains("data:"))
            #expect(try await eventually(timeout: .seconds(5)) { server.openConnections == 0 })
        }
    }

    // MARK: - Tail after [DONE]

    @Test("tailAfterDone: the normal stream through [DONE], then endless tail events")
    func tailAfterDone() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.tailAfterDone], for: .chatCompletions)
            let text = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("POST", Self.chatPath, json: Self.streamedChat)
                #expect(try await connection.readHead().status == 200)
                return Self.text(
                    try await connection.readPayload { payload in
                        let text = Self.text(payload)
                        guard let done = text.range(of: "data: [DONE]\n\n") else { return false }
                        return text[done.upperBound...].count > 500 * 21
                    }
                )
            }
            let parts = text.components(separatedBy: "data: [DONE]\n\n")
            #expect(parts.count == 2)
            let answer = try Self.dataPayloads(parts[0]).map { try Self.object($0) }
            #expect(answer.count == 9)
            #expect(answer.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let tail = Self.dataPayloads(parts[1])
            #expect(tail.count >= 500)
            #expect(tail.dropLast().allSatisfy { $0 == #"{"tail":true}"# })
            #expect(try await eventually(timeout: .seconds(5)) { server.openConnections == 0 })
        }
    }

    @Test("tailAfterDone in the alternate shape adds [DONE] with CRLF, then CRLF tail events")
    func tailAfterDoneAlternate() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(shape: .alternate)) { server in
            server.enqueueFaults([.tailAfterDone], for: .chatCompletions)
            let text = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("POST", Self.chatPath, json: Self.streamedChat)
                #expect(try await connection.readHead().status == 200)
                return Self.text(try await connection.readPayload { Self.text($0).components(separatedBy: "{\"tail\":true}").count > 100 })
            }
            let parts = text.components(separatedBy: "data: [DONE]\r\n\r\n")
            #expect(parts.count == 2)
            #expect(parts[0].contains(#""finish_reason":"stop""#))
            #expect(parts[1].hasPrefix("data: {\"tail\":true}\r\n\r\ndata: {\"tail\":true}\r\n\r\n"))
        }
    }

    @Test("tailAfterDone needs authentication, and leaves other answers normal")
    func tailAfterDoneElsewhere() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.tailAfterDone, .tailAfterDone], for: .chatCompletions)
            #expect(try await http.send(.POST, Self.chatPath, json: Self.streamedChat, token: nil).status == 401)
            let plain = try await http.send(.POST, Self.chatPath, json: Self.chat)
            #expect(plain.status == 200)
            #expect(try plain.object()["response"] != nil)
            server.enqueueFaults([.tailAfterDone], for: .listModels)
            #expect(try await http.send(.GET, "/api/v1/models").object()["total"] as? Int == 5)
            // Both queued faults were used: the stream ends normally.
            let stream = try await http.send(.POST, Self.chatPath, json: Self.streamedChat)
            #expect(stream.text.hasSuffix("data: [DONE]\n\n"))
        }
    }

    // MARK: - Drip

    @Test("drip answers the status, then the body a byte at a time")
    func dripSlowly() async throws {
        try await MockAIYouServer.withRunning { server in
            let interval = Duration.milliseconds(10)
            server.enqueueFaults([.drip(status: 503, interval: interval)], for: .listModels)
            let (payload, window) = try await RawConnection.with(server) { connection in
                let clock = ContinuousClock()
                let start = clock.now
                try await connection.sendRequest("GET", "/api/v1/models", token: nil)
                let head = try await connection.readHead()
                #expect(head.status == 503)
                #expect(head.value("content-type") == "application/json")
                #expect(head.value("content-length") == nil)
                #expect(head.value("transfer-encoding") == "chunked")
                let payload = try await connection.readPayload { $0.count >= 5 }
                return (payload, clock.now - start)
            }
            // Whatever the machine's load, no more than one byte per interval since the request
            // was sent (plus the first, written at once): a few bytes, never the whole body.
            #expect(payload.count >= 5)
            #expect(payload.count <= Int(window / interval) + 1)
            #expect(
                Self.text(payload) == String(#"{"message":"The server is answering one byte at a time.","code":503}"#.prefix(payload.count))
            )
        }
    }

    @Test("drip repeats its body in a cycle; a bodiless status becomes 500")
    func dripCycles() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.drip(status: 204, interval: .zero)], for: .threads)
            let body = #"{"message":"The server is answering one byte at a time.","code":500}"#
            let (status, payload) = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("GET", "/api/v1/user/threads")
                let head = try await connection.readHead()
                return (head.status, try await connection.readPayload { $0.count >= body.utf8.count * 2 + 3 })
            }
            #expect(status == 500)
            #expect(Self.text(payload).hasPrefix(body + body + "{\"m"))
        }
    }

    // MARK: - Absurd numbers

    @Test("absurdNumbers: login, chat, stream and save carry the extremes")
    func absurdNumbersChatAndLogin() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.absurdNumbers], for: .login)
            let login = try await http.send(
                .POST,
                "/api/login",
                json: #"{"email":"demo@aiyou.test","password":"demo-password"}"#,
                token: nil
            )
            #expect(login.status == 200)
            #expect(login.text.contains(#""expires_at":1e+300"#))
            #expect(try login.object()["expires_at"] as? Double == 1e300)

            server.enqueueFaults([.absurdNumbers, .absurdNumbers], for: .chatCompletions)
            let whole = try await http.send(.POST, Self.chatPath, json: Self.chat)
            let completion = try #require(try whole.object()["response"] as? [String: Any])
            #expect(completion["created"] as? Double == 1e300)
            let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == Int.max)
            let usage = try #require(completion["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == Int.max)
            #expect(usage["completion_tokens"] as? Int == Int.max)
            #expect(usage["total_tokens"] == nil)
            #expect(whole.text.contains(#""index":9223372036854775807"#))

            let stream = try await http.send(.POST, Self.chatPath, json: Self.streamedChat)
            var events = Self.dataPayloads(stream.text)
            #expect(events.removeLast() == "[DONE]")
            #expect(events.count == 9)
            for event in events {
                #expect(event.contains(#""created":1e+300"#))
                #expect(event.contains(#""index":9223372036854775807"#))
            }
            let last = try #require(events.last)
            #expect(last.contains(#""usage":{"prompt_tokens":9223372036854775807,"completion_tokens":9223372036854775807}"#))

            server.enqueueFaults([.absurdNumbers], for: .save)
            let save = try await http.send(.POST, "/api/v1/save", json: #"{"assistantId":"602","conversation":"user: hi"}"#)
            #expect(save.status == 201)
            #expect(try save.object()["createdAt"] as? Double == 1e300)
        }
    }

    @Test("absurdNumbers: threads page, Hydra assistants, models and the catalogue")
    func absurdNumbersCollections() async throws {
        try await MockAIYouServer.withRunning(configuration: .init(shape: .alternate)) { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.absurdNumbers], for: .threads)
            let page = try await http.send(.GET, "/api/v1/user/threads?page=2")
            #expect(page.text.contains(#""totalItems":9223372036854775807"#))
            let pageObject = try page.object()
            #expect(pageObject["itemsPerPage"] as? Int == 1)
            #expect(pageObject["currentPage"] as? Int == -3)
            #expect((pageObject["threads"] as? [Any])?.count == 10)

            // Hydra even in the alternate shape.
            server.enqueueFaults([.absurdNumbers], for: .assistants)
            let assistants = try await http.send(.GET, "/api/v1/user/assistants").object()
            #expect(assistants["@type"] as? String == "hydra:Collection")
            #expect(assistants["hydra:totalItems"] as? Double == 1e300)
            #expect((assistants["hydra:member"] as? [Any])?.count == 3)

            server.enqueueFaults([.absurdNumbers], for: .listModels)
            let models = try await http.send(.GET, "/api/v1/models").object()
            #expect(models["total"] as? Double == 1e300)
            let list = try #require(models["models"] as? [[String: Any]])
            #expect(list[0]["context_window"] as? Double == 1e300)
            #expect(list[1]["context_window"] as? String == "99999999999999999999999999999")
            #expect(list[2]["context_window"] as? String == "8192")

            server.enqueueFaults([.absurdNumbers, .absurdNumbers], for: .createModel)
            let catalogue = try await http.send(.POST, "/api/v1/models", json: "{}")
            let firstGroup = try #require((try catalogue.json() as? [[String: Any]])?.first?["models"] as? [[String: Any]])
            #expect(firstGroup[0]["context_window"] as? Double == 1e300)
            #expect(firstGroup[1]["context_window"] as? String == "99999999999999999999999999999")
            let created = try await http.send(.POST, "/api/v1/models", json: #"{"name":"m-big","context_window":4096}"#)
            #expect(created.status == 201)
            #expect(try created.object()["context_window"] as? Double == 1e300)

            // Stored with its real value.
            let after = try await http.send(.GET, "/api/v1/models").object()
            let stored = try #require((after["models"] as? [[String: Any]])?.first { $0["name"] as? String == "m-big" })
            #expect(stored["context_window"] as? String == "4096")
        }
    }

    @Test("absurdNumbers needs authentication: a refused request gets its 401 and uses the fault up")
    func absurdNumbersAuthenticates() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.absurdNumbers], for: .listModels)
            let refused = try await http.send(.GET, "/api/v1/models", token: nil)
            #expect(refused.status == 401)
            let normal = try await http.send(.GET, "/api/v1/models").object()
            #expect(normal["total"] as? Int == 5)
        }
    }

    // MARK: - Echoed secrets

    @Test("echoSecrets puts the raw body and the Authorization value into message, type and x-request-id")
    func echoSecrets() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let credentials = #"{"email":"demo@aiyou.test","password":"hunter2-very-secret"}"#
            server.enqueueFaults([.echoSecrets(status: 401)], for: .login)
            let login = try await http.send(.POST, "/api/login", json: credentials, token: nil)
            #expect(login.status == 401)
            #expect(login.header("x-request-id") == "none")
            let loginError = try login.object()
            let message = try #require(loginError["message"] as? String)
            #expect(message == String(repeating: "x", count: 295) + " " + credentials + " none")
            #expect(message.prefix(300).hasSuffix(" {\"em"))
            #expect(loginError["type"] as? String == "none")
            #expect(loginError["code"] as? Int == 401)

            server.enqueueFaults([.echoSecrets(status: 500)], for: .chatCompletions)
            let chat = try await http.send(.POST, Self.chatPath, json: Self.chat, token: "sk-secret-token")
            #expect(chat.status == 500)
            #expect(chat.header("x-request-id") == "Bearer sk-secret-token")
            let chatError = try chat.object()
            #expect(chatError["type"] as? String == "Bearer sk-secret-token")
            #expect(chatError["message"] as? String == String(repeating: "x", count: 295) + " " + Self.chat + " Bearer sk-secret-token")
        }
    }

    // MARK: - Escape sequences

    @Test("escapeSequences: control sequences in message and type, C1 controls in x-request-id")
    func escapeSequences() async throws {
        try await MockAIYouServer.withRunning { server in
            server.enqueueFaults([.escapeSequences(status: 502)], for: .listModels)
            let (head, payload) = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("GET", "/api/v1/models")
                let head = try await connection.readHead()
                return (head, try await connection.readBody(head))
            }
            #expect(head.status == 502)
            let requestID = try #require(head.rawValue("x-request-id"))
            #expect(requestID == Array("req-".utf8) + [0xC2, 0x9B] + Array("31mRED".utf8) + [0xC2, 0x9B] + Array("0m".utf8))
            let body = Self.text(payload)
            #expect(body.contains(#"\u001b[31mRED\u001b[0m"#))
            #expect(body.contains(#"\u001b]0;pwned\u0007"#))
            let error = try Self.object(body)
            for field in ["message", "type"] {
                let value = try #require(error[field] as? String)
                #expect(value.contains("\u{1B}[31mRED\u{1B}[0m"))
                #expect(value.contains("\u{1B}]0;pwned\u{07}"))
                #expect(value.contains("\r"))
                #expect(value.contains("\u{08}"))
                #expect(value.contains("\u{9B}"))
                #expect(value.filter { $0 == "\u{07}" }.count >= 2)
            }
            #expect(error["code"] as? Int == 502)

            // An HTTP client reads the whole answer.
            server.enqueueFaults([.escapeSequences(status: 400)], for: .listModels)
            let response = try await TestHTTP(server).send(.GET, "/api/v1/models")
            #expect(response.status == 400)
            #expect(response.header("x-request-id") == "req-\u{9B}31mRED\u{9B}0m")
            #expect(try (response.object()["message"] as? String)?.contains("\u{1B}]0;pwned\u{07}") == true)
        }
    }

    // MARK: - Drop after processing

    @Test("dropAfterProcessing: the thread is saved or deleted, but the client only sees a closed connection")
    func dropAfterProcessing() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults([.dropAfterProcessing], for: .save)
            await #expect(throws: (any Error).self) {
                _ = try await http.send(
                    .POST,
                    "/api/v1/save",
                    json: #"{"assistantId":"602","conversation":"user: perdu ?","firstMessage":"perdu ?"}"#
                )
            }
            #expect(server.requestCount(.save) == 1)
            #expect(server.threadCount == 24)
            let page = try await http.send(.GET, "/api/v1/user/threads?itemsPerPage=1").object()
            let newest = try #require((page["threads"] as? [[String: Any]])?.first)
            #expect(newest["firstMessage"] as? String == "perdu ?")
            let id = try #require(newest["id"] as? String)

            server.enqueueFaults([.dropAfterProcessing], for: .deleteThread)
            await #expect(throws: (any Error).self) {
                _ = try await http.send(.DELETE, "/api/v1/threads/\(id)")
            }
            #expect(server.threadCount == 23)
            #expect(try await http.send(.DELETE, "/api/v1/threads/\(id)").status == 404)
        }
    }

    // MARK: - Lying page counts

    @Test("lyingPageCounts with full pages: every page is full of unique invented threads, the total lies")
    func lyingFullPages() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.setPersistentFault(.lyingPageCounts(totalItems: 5000, fullPages: true), for: .threads)
            var ids: Set<String> = []
            for page in [1, 2, 999] {
                let object = try await http.send(.GET, "/api/v1/user/threads?page=\(page)&itemsPerPage=7").object()
                #expect(object["totalItems"] as? Int == 5000)
                #expect(object["currentPage"] as? Int == page)
                let threads = try #require(object["threads"] as? [[String: Any]])
                #expect(threads.count == 7)
                let pageIDs = threads.compactMap { $0["id"] as? String }
                #expect(pageIDs == (1...7).map { "lie-\(page)-\($0)" })
                ids.formUnion(pageIDs)
            }
            #expect(ids.count == 21)
            // Other routes answer normally.
            server.setPersistentFault(.lyingPageCounts(totalItems: 5000, fullPages: true), for: .listModels)
            #expect(try await http.send(.GET, "/api/v1/models").object()["total"] as? Int == 5)
        }
    }

    @Test("lyingPageCounts without full pages: the real pages run out while the total lies")
    func lyingRealPages() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.enqueueFaults(Array(repeating: .lyingPageCounts(totalItems: 1000, fullPages: false), count: 2), for: .threads)
            let first = try await http.send(.GET, "/api/v1/user/threads?page=1").object()
            #expect(first["totalItems"] as? Int == 1000)
            let firstThreads = try #require(first["threads"] as? [[String: Any]])
            #expect(firstThreads.count == 10)
            #expect(firstThreads.allSatisfy { ($0["id"] as? String).flatMap { Int($0) } != nil })
            let beyond = try await http.send(.GET, "/api/v1/user/threads?page=4").object()
            #expect(beyond["totalItems"] as? Int == 1000)
            #expect((beyond["threads"] as? [Any])?.isEmpty == true)
            #expect(try await http.send(.GET, "/api/v1/user/threads").object()["totalItems"] as? Int == 23)
        }
    }

    // MARK: - Raw bytes

    @Test("bytes sends exactly the status, headers and raw body")
    func rawBytes() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            let invalid: [UInt8] = [0x7B, 0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x22]
            server.enqueueFaults(
                [
                    .bytes(status: 418, headers: ["X-Fuzz": "yes"], body: invalid),
                    .bytes(status: 200, headers: ["Content-Type": "text/plain; charset=latin1"], body: [0xE9]),
                    .bytes(status: 204, headers: [:], body: [1, 2, 3]),
                ],
                for: .chatCompletions
            )
            let first = try await http.send(.POST, Self.chatPath, json: Self.chat, token: nil)
            #expect(first.status == 418)
            #expect(first.body == invalid)
            #expect(first.header("Content-Type") == "application/json")
            #expect(first.header("X-Fuzz") == "yes")
            #expect(first.header("Content-Length") == "7")
            let second = try await http.send(.POST, Self.chatPath, json: Self.chat)
            #expect(second.body == [0xE9])
            #expect(second.header("Content-Type") == "text/plain; charset=latin1")
            let third = try await http.send(.POST, Self.chatPath, json: Self.chat)
            #expect(third.status == 204)
            #expect(third.body.isEmpty)

            // Control bytes in header values go on the wire as given, but for CR, LF and NUL.
            server.enqueueFaults([.bytes(status: 200, headers: ["X-Raw": "a\u{1B}[31mb\u{07}c\rd"], body: [])], for: .chatCompletions)
            let head = try await RawConnection.with(server) { connection in
                try await connection.sendRequest("POST", Self.chatPath, json: Self.chat)
                return try await connection.readHead()
            }
            #expect(head.status == 200)
            #expect(head.rawValue("x-raw") == Array("a\u{1B}[31mb\u{07}c d".utf8))
            #expect(head.value("content-length") == "0")
        }
    }

    // MARK: - Persistent faults

    @Test("a persistent fault applies to every request after the queue, until cleared; resetCounters keeps it")
    func persistentFaults() async throws {
        try await MockAIYouServer.withRunning { server in
            let http = TestHTTP(server)
            server.setPersistentFault(.status(503), for: .listModels)
            server.enqueueFaults([.status(418)], for: .listModels)
            server.setRandomFailureRate(1, status: 502)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await http.send(.GET, "/api/v1/models").status)
            }
            #expect(statuses == [418, 503, 503, 503])
            server.resetCounters()
            #expect(try await http.send(.GET, "/api/v1/models").status == 503)
            // Other routes meet the random failures.
            #expect(try await http.send(.GET, "/api/v1/user/assistants").status == 502)
            server.setPersistentFault(nil, for: .listModels)
            #expect(try await http.send(.GET, "/api/v1/models").status == 502)
            server.setRandomFailureRate(0)
            #expect(try await http.send(.GET, "/api/v1/models").status == 200)
            #expect(server.requestCount(.listModels) == 3)
        }
    }

    // MARK: - Shutdown

    @Test(
        "shutdown is prompt while an endless or huge answer is served to a connected client",
        arguments: [
            MockFault.oversizedStreamLine(bytes: 200_000_000),
            .endlessComments(interval: .seconds(10)),
            .tailAfterDone,
            .drip(status: 503, interval: .seconds(10)),
        ]
    )
    func shutdownDuringEndlessAnswer(fault: MockFault) async throws {
        let server = MockAIYouServer()
        try await server.start()
        server.enqueueFaults([fault], for: .chatCompletions)
        let elapsed = try await RawConnection.with(server) { connection in
            try await connection.sendRequest("POST", Self.chatPath, json: Self.streamedChat)
            _ = try await connection.readHead()
            // The answer has begun; the client stops reading, so a fast writer soon waits on it.
            try await Task.sleep(for: .milliseconds(50))
            let clock = ContinuousClock()
            let start = clock.now
            try await server.shutdown()
            return clock.now - start
        }
        // Prompt, not held by the endless answer (generous bound: CI machines are noisy).
        #expect(elapsed < .seconds(5))
        #expect(try await eventually(timeout: .seconds(2)) { server.openConnections == 0 })
    }
}
