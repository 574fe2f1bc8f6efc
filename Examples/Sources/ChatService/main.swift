// The chat service: a Hummingbird server in front of one shared AIYouClient, with the embedded
// AI.YOU server as its backend, Prometheus metrics at /metrics and recent spans at /spans.
//
//     swift run --package-path Examples ChatService [port]
//     curl -X POST localhost:8080/ask -d 'Bonjour'
//     curl localhost:8080/metrics
//     curl localhost:8080/spans
import AIYouMockServer
import ChatServiceApp
import Logging
import ServiceLifecycle

var configuration = ChatServiceConfiguration()
if CommandLine.arguments.count > 1, let port = Int(CommandLine.arguments[1]) {
    configuration.port = port
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
try await group.run()
