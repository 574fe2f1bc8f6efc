import ServiceLifecycle

/// A client is a ServiceLifecycle `Service`: put it in your application's `ServiceGroup` and it
/// is shut down when the group shuts down, after the services listed before it (a group shuts
/// its services down in reverse order, so list the client before the services that use it):
///
/// ```swift
/// let client = try AIYouClient(configuration: configuration)
/// let group = ServiceGroup(services: [client, myHTTPServer], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
/// Calls work as soon as the client is created, whether `run()` has started or not.
extension AIYouClient: Service {
    /// Waits until the group shuts down gracefully (or this task is cancelled), then calls
    /// ``shutdown()``. Throws ``AIYouError/Code/clientShutdown`` when the pool did not close cleanly.
    public func run() async throws {
        // Cancelled or asked to shut down: either way, the client closes.
        try? await gracefulShutdown()
        try await shutdown()
    }
}
