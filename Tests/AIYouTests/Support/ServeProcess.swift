import Foundation

/// `aiyou serve --port 0` running as a child process, as a user would start it, for the tests
/// that signal it.
///
/// Used by one test task at a time. ``start(_:)`` returns once the server has printed the
/// address it listens on.
final class ServeProcess {
    /// How the process ended.
    struct Exit: Equatable, CustomStringConvertible {
        /// The exit status, or the number of the signal that ended it.
        var status: Int32
        /// `true` when it exited by itself; `false` when a signal killed it.
        var exited: Bool

        var description: String { self.exited ? "exit status \(self.status)" : "killed by signal \(self.status)" }
    }

    /// The server's base URL, read from its first line of output.
    let baseURL: String
    private let process: Process
    private let exits: AsyncStream<Exit>
    private let output: FileHandle
    /// What was read from stdout past the banner line.
    private let outputAfterBanner: [UInt8]
    private let errors: FileHandle

    private init(
        baseURL: String,
        process: Process,
        exits: AsyncStream<Exit>,
        output: FileHandle,
        outputAfterBanner: [UInt8],
        errors: FileHandle
    ) {
        self.baseURL = baseURL
        self.process = process
        self.exits = exits
        self.output = output
        self.outputAfterBanner = outputAfterBanner
        self.errors = errors
    }

    /// Starts `aiyou serve --port 0` followed by `arguments`, and waits for its banner.
    ///
    /// - Throws: ``ServeProcessError`` when the process ends before it prints where it listens.
    static func start(_ arguments: [String]) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = CLITests.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AIYOU_") }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let (exits, exited) = AsyncStream.makeStream(of: Exit.self)
        process.terminationHandler = { process in
            exited.yield(Exit(status: process.terminationStatus, exited: process.terminationReason == .exit))
            exited.finish()
        }
        try process.run()
        let (banner, rest) = await Self.firstLine(of: output.fileHandleForReading)
        let prefix = "AI.YOU mock server listening on "
        guard let banner, banner.hasPrefix(prefix) else {
            kill(process.processIdentifier, SIGKILL)
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ServeProcessError(description: "aiyou serve printed no address: \(banner ?? "nothing"); stderr: \(stderr)")
        }
        return ServeProcess(
            baseURL: String(banner.dropFirst(prefix.count)),
            process: process,
            exits: exits,
            output: output.fileHandleForReading,
            outputAfterBanner: rest,
            errors: errors.fileHandleForReading
        )
    }

    /// Sends `signal` (`SIGTERM`, `SIGINT`) to the process.
    func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits until the process ends. When the waiting task is cancelled (a test's time limit),
    /// the process is killed and `nil` is returned.
    func waitForExit() async -> Exit? {
        for await exit in self.exits {
            return exit
        }
        kill(self.process.processIdentifier, SIGKILL)
        return nil
    }

    /// Everything the process wrote to stdout after its banner line, and to stderr; to be read
    /// once it has ended.
    func remainingOutput() -> (stdout: String, stderr: String) {
        let stdout = self.outputAfterBanner + self.output.readDataToEndOfFile()
        let stderr = self.errors.readDataToEndOfFile()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Kills the process if it is still running (after a failed test).
    func killIfRunning() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
        }
    }

    /// Reads `handle` up to its first line break, on a thread of its own (the read blocks):
    /// the line (`nil` when the output ends first) and the bytes read past it.
    private static func firstLine(of handle: FileHandle) async -> (line: String?, rest: [UInt8]) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let data = handle.availableData
                    if data.isEmpty {
                        continuation.resume(returning: (nil, bytes))
                        return
                    }
                    bytes.append(contentsOf: data)
                    if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: bytes[..<newline], as: UTF8.self)
                        continuation.resume(returning: (line, Array(bytes[(newline + 1)...])))
                        return
                    }
                }
            }
        }
    }
}

/// The child process did not start as expected.
struct ServeProcessError: Error, CustomStringConvertible {
    var description: String
}
