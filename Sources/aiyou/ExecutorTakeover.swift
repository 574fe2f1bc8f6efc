import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Whether this process runs Swift Concurrency's tasks on NIO's event loops.
///
/// `aiyou` installs `MultiThreadedEventLoopGroup.singleton` (the loops every client of the SDK
/// uses) as Swift Concurrency's global executor when it starts: a call's task then runs where
/// its I/O completes, with no thread crossing per call (PERFORMANCE.md, "Executors"). The
/// installation is process-wide and can happen once only, on the main thread, before any task
/// is enqueued, so it is decided from the raw arguments before ArgumentParser (itself async)
/// runs. It stays off with `--no-executor-takeover`, with `AIYOU_EXECUTOR_TAKEOVER=0` (or
/// `false`, `off`, `no`), and for `bench --executor default|event-loop`, which measure the other
/// modes.
enum ExecutorTakeover {
    static let optOutFlag = "--no-executor-takeover"
    static let environmentVariable = "AIYOU_EXECUTOR_TAKEOVER"

    private static let installedFlag = Atomic<Bool>(false)

    /// Whether the takeover was installed at start.
    static var isInstalled: Bool { installedFlag.load(ordering: .acquiring) }

    /// Whether `arguments` (with the program name first, as `CommandLine.arguments`) and
    /// `environment` ask for the takeover. Arguments after `--` are text, not options.
    static func isWanted(arguments: [String], environment: [String: String]) -> Bool {
        if let value = environment[environmentVariable]?.lowercased(), ["0", "false", "off", "no"].contains(value) {
            return false
        }
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == optOutFlag { return false }
            if argument == "--executor", index + 1 < arguments.count, arguments[index + 1] != BenchExecutor.takeover.rawValue {
                return false
            }
            if argument.hasPrefix("--executor="), argument.dropFirst("--executor=".count) != BenchExecutor.takeover.rawValue {
                return false
            }
            index += 1
        }
        return true
    }

    /// Installs the takeover when it is wanted. Call it first thing in `main`, on the main thread.
    static func installIfWanted(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        guard isWanted(arguments: arguments, environment: environment) else { return }
        let installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        installedFlag.store(installed, ordering: .releasing)
    }
}
