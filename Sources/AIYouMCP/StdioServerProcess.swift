import Foundation
import Logging
import MCP
import Synchronization

#if canImport(System)
import System
#else
@preconcurrency import SystemPackage
#endif

/// A stdio MCP server: the child process, its pipes, and the SDK's stdio transport over them.
/// The process is terminated at ``terminate()``; its standard error is discarded.
final class StdioServerProcess: Sendable {
    private let process: Mutex<Process?>
    private let stdin: FileHandle
    private let stdout: FileHandle
    private let server: String
    private let logger: Logger

    /// Starts `executable`. Throws ``MCPConnectionError`` when it cannot be started.
    init(server: String, executable: String, arguments: [String], environment: [String: String]?, logger: Logger) throws {
        guard !executable.isEmpty else {
            throw MCPConnectionError(.invalidConfiguration, server: server, "the stdio server's executable is empty")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw MCPConnectionError(
                .unreachable,
                server: server,
                "the stdio server could not be started (\(MCPHeaderCheck.printable(executable)))"
            )
        }
        self.process = Mutex(process)
        self.stdin = input.fileHandleForWriting
        self.stdout = output.fileHandleForReading
        self.server = server
        self.logger = logger
    }

    /// The SDK's stdio transport over the child's pipes, wrapped so that the child's exit is
    /// reported (`onExit`) instead of ending the message stream (the SDK's client would read
    /// the ended stream again and again).
    func transport(onExit: @escaping @Sendable () -> Void) -> any MCP.Transport {
        let inner = StdioTransport(
            input: FileDescriptor(rawValue: stdout.fileDescriptor),
            output: FileDescriptor(rawValue: stdin.fileDescriptor),
            logger: logger
        )
        return ExitReportingTransport(inner: inner, logger: logger, onExit: onExit)
    }

    /// Ends the child process (SIGTERM) and closes the pipes. Does nothing the second time.
    func terminate() {
        guard
            let process = self.process.withLock({ process -> Process? in
                defer { process = nil }
                return process
            })
        else { return }
        if process.isRunning { process.terminate() }
        try? stdin.close()
        try? stdout.close()
    }
}

/// Forwards to a transport, and reports the end of its message stream once instead of passing
/// it on: the stream handed to the SDK ends only at ``disconnect()``.
actor ExitReportingTransport: MCP.Transport {
    nonisolated let logger: Logger
    private let inner: any MCP.Transport
    private let onExit: @Sendable () -> Void
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var pump: Task<Void, Never>?

    init(inner: any MCP.Transport, logger: Logger, onExit: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.logger = logger
        self.onExit = onExit
        (self.messages, self.continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {
        try await inner.connect()
        let source = await inner.receive()
        let continuation = self.continuation
        let onExit = self.onExit
        pump = Task {
            do {
                for try await message in source { continuation.yield(message) }
            } catch {}
            if !Task.isCancelled { onExit() }
        }
    }

    func disconnect() async {
        pump?.cancel()
        await inner.disconnect()
        await pump?.value
        continuation.finish()
    }

    func send(_ data: Data) async throws { try await inner.send(data) }

    func receive() -> AsyncThrowingStream<Data, any Error> { messages }
}
