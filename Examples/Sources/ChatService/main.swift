// The chat service: a Hummingbird server in front of one shared AIYouClient, with the embedded
// AI.YOU server as its backend, Prometheus metrics at /metrics and recent spans at /spans.
//
//     swift run --package-path Examples ChatService [port] [--executor-takeover] [--calls-on-event-loop]
//     curl -X POST localhost:8080/ask -d 'Bonjour'
//     curl localhost:8080/metrics
//     curl localhost:8080/spans
//
// AIYOU_BASE_URL and AIYOU_TOKEN name another backend (PERFORMANCE.md measures the service against
// nginx's canned answers that way).
import AIYouMockServer
import ChatServiceApp
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

let arguments = CommandLine.arguments.dropFirst()
// First, before any task is enqueued: with the takeover, Swift Concurrency's tasks run on NIO's
// event loops, Hummingbird's handlers among them, so a request is read, handled, sent to AI.YOU,
// answered and written back on one thread (PERFORMANCE.md, "A Hummingbird service").
if arguments.contains("--executor-takeover") {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}

var configuration = ChatServiceConfiguration()
if let port = arguments.lazy.compactMap({ Int($0) }).first {
    configuration.port = port
}
configuration.callsOnEventLoop = arguments.contains("--calls-on-event-loop")
let environment = ProcessInfo.processInfo.environment
if let url = environment["AIYOU_BASE_URL"], let token = environment["AIYOU_TOKEN"] {
    configuration.remoteBackend = (url, token)
}
let logger = Logger(label: "ChatService")

// Once, at startup: every library that records metrics or spans (the AIYou client among them)
// now reports to the Prometheus registry and to the in-memory tracer.
let telemetry = ChatTelemetry()
telemetry.bootstrapGlobally()

var backendConfiguration = MockServerConfiguration()
backendConfiguration.port = 0
let backend = MockAIYouServer(configuration: backendConfiguration)
let service = ChatService(configuration: configuration, backend: backend, telemetry: telemetry, logger: logger) {
    [logger, host = configuration.host] port in
    logger.info("ChatService listening", metadata: ["url": "http://\(host):\(port)"])
}

// The backend first: a graceful shutdown (SIGTERM, SIGINT) stops the services in reverse order,
// so requests in flight still reach the backend.
let group = ServiceGroup(
    configuration: .init(
        services: [backend, service],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
    )
)
do {
    try await group.run()
} catch {
    // A port already in use, for one: a message and a failure status, not a crash.
    logger.critical("ChatService stopped", metadata: ["error": "\(error)"])
    exit(1)
}
