import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Configuration validation")
struct ConfigurationTests {
    func refused(_ configuration: Configuration, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let client = try AIYouClient(configuration: configuration)
            Issue.record("configuration was accepted", sourceLocation: sourceLocation)
            Task { try? await client.shutdown() }
        } catch let error as AIYouError {
            #expect(error.code == .invalidConfiguration, sourceLocation: sourceLocation)
            for word in words { #expect(error.message.contains(word), "\(error.message)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("the transport gets the pool settings, no silent connect retries, and no no-op tracing span per request")
    func transportSettings() throws {
        var configuration = Configuration(baseURL: "http://127.0.0.1:9", credentials: .bearerToken("t"))
        configuration.connectionPool = .init(maxConnectionsPerHost: 48, idleTimeout: .seconds(30), preWarmedConnections: 2)
        let http = AIYouClient.httpConfiguration(for: configuration)
        #expect(http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 48)
        #expect(http.connectionPool.idleTimeout == .seconds(30))
        #expect(http.connectionPool.preWarmedHTTP1ConnectionCount == 2)
        #expect(http.connectionPool.retryConnectionEstablishment == false)
        // Every read has the client's own deadline; no idle-read timer per read.
        #expect(http.timeout.read == nil)
        // No tracer is bootstrapped in the tests: AsyncHTTPClient must not build spans for nothing.
        #expect(http.tracing.tracer == nil)
    }

    @Test("empty or malformed credentials are refused at construction")
    func credentials() {
        refused(Configuration(credentials: .emailPassword(email: "", password: "p")), mentioning: "email")
        refused(Configuration(credentials: .emailPassword(email: "someone", password: "p")), mentioning: "email")
        refused(Configuration(credentials: .emailPassword(email: "a@b.c", password: "")), mentioning: "password")
        refused(Configuration(credentials: .bearerToken("  ")), mentioning: "token")
        refused(Configuration(credentials: .bearerToken("abc\r\nX-Evil: 1")), mentioning: "line break")
    }

    @Test("base URLs that are not absolute http(s) URLs are refused")
    func baseURLs() {
        for url in ["", "ai.dragonflygroup.fr", "ftp://host", "/api", "https://", "https://user:pw@host", "https://host?x=1"] {
            refused(Configuration(baseURL: url, credentials: .bearerToken("t")))
        }
    }

    @Test("plain http is allowed to loopback only, unless explicitly allowed")
    func insecureHTTP() throws {
        refused(Configuration(baseURL: "http://ai.example.com", credentials: .bearerToken("t")), mentioning: "http")
        var allowed = Configuration(baseURL: "http://ai.example.com", credentials: .bearerToken("t"))
        allowed.allowsInsecureHTTP = true
        #expect(try allowed.validated() == "http://ai.example.com")
        for url in ["http://127.0.0.1:8080/", "http://localhost:1", "http://[::1]:9"] {
            #expect(throws: Never.self) { try Configuration(baseURL: url, credentials: .bearerToken("t")).validated() }
        }
        #expect(try Configuration(credentials: .bearerToken("t")).validated() == "https://ai.dragonflygroup.fr")
    }

    @Test("impossible timeouts, pools and retry policies are refused")
    func limits() {
        var configuration = Configuration(credentials: .bearerToken("t"))
        configuration.timeouts.request = .zero
        refused(configuration, mentioning: "timeouts")
        configuration = Configuration(credentials: .bearerToken("t"))
        configuration.connectionPool.maxConnectionsPerHost = 0
        refused(configuration, mentioning: "maxConnectionsPerHost")
        configuration = Configuration(credentials: .bearerToken("t"))
        configuration.retry.jitter = 2
        refused(configuration, mentioning: "retry")
    }

    @Test("credentials never print their secrets")
    func credentialDescriptions() {
        let credentials = Credentials.emailPassword(email: "alice@example.com", password: "hunter2-secret")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", dumped, String(reflecting: [credentials])] {
            #expect(!text.contains("alice"))
            #expect(!text.contains("hunter2"))
        }
        let token = Credentials.bearerToken("sk-live-123456")
        var dumpedToken = ""
        dump(token, to: &dumpedToken)
        #expect(!"\(token) \(dumpedToken)".contains("sk-live"))
    }
}
