import Foundation

@testable import AIYou

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a program as a child process and measures its peak resident memory exactly (`ru_maxrss`
/// from `wait4`). Its output is read as it comes and not kept, but for its size, its first and
/// last bytes; a run that outlives its time limit is killed.
///
/// Linux carries a process's peak over `execve`: a child spawned by this (large) test process
/// would report at least the test process's own resident size. So the program is started by a
/// small launcher (`python3`, which CI has) that spawns it, waits for it with `wait4` and
/// reports its `ru_maxrss` and wait status on file descriptor 3: the program's figure is then
/// its own (above the launcher's few MB).
enum MeasuredProcess {
    struct Run {
        /// The exit status, or the negated signal number when a signal ended it.
        var status: Int32
        /// How many bytes the program wrote to stdout.
        var stdoutBytes: Int
        /// The first 64 KiB written to stdout.
        var stdoutHead: [UInt8]
        /// The last 64 KiB written to stdout.
        var stdoutTail: [UInt8]
        /// Everything written to stderr (up to 1 MiB).
        var stderr: String
        /// The program's peak resident memory, in bytes.
        var peakResidentBytes: Int
        /// `true` when it was killed for outliving its time limit.
        var timedOut: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Spawns `argv[1…]` at the lowest CPU priority (a measured run is long and must not starve
    /// the tests beside it), waits for it, writes "MAXRSS_KB STATUS" to fd 3 and exits.
    private static let launcher = """
        import os, sys
        os.closerange(4, os.sysconf("SC_OPEN_MAX"))
        os.nice(19)
        pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_CLOSE, 3)])
        while True:
            try:
                _, status, usage = os.wait4(pid, 0)
                break
            except InterruptedError:
                pass
        os.write(3, ("%d %d" % (usage.ru_maxrss, status)).encode())
        """

    private static let keptBytes = 64 * 1024

    /// Runs `executable` with `arguments`, writing `input` to its stdin, off the cooperative pool.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        input: String = "",
        timeLimit: DispatchTimeInterval = .seconds(300)
    ) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            // Threads of its own: the waits below block, and a blocked thread of Dispatch's global
            // pool (which Swift's cooperative pool shares on Linux) would starve the tests beside it.
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, input: input, timeLimit: timeLimit) })
            }
        }
    }

    /// The file descriptors open in this process.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    private static func runBlocking(
        _ executable: URL,
        _ arguments: [String],
        input: String,
        timeLimit: DispatchTimeInterval
    ) throws
        -> Run
    {
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        var stdin: [Int32] = [0, 0]
        var report: [Int32] = [0, 0]
        guard pipe(&output) == 0, pipe(&errors) == 0, pipe(&stdin) == 0, pipe(&report) == 0 else {
            throw Failure(description: "pipe failed")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        posix_spawn_file_actions_adddup2(&actions, report[1], 3)
        // Nothing else of this process may reach the child: it would hold other tests' sockets
        // open (their servers would not see a client close) for as long as it runs. Descriptors
        // opened between this listing and the spawn are closed by the launcher first thing.
        for descriptor in openDescriptors() where descriptor > 3 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        // Its own process group, so that a run past its time limit is killed whole.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AIYOU_") }.map { "\($0.key)=\($0.value)" }
        let argv = (["python3", "-c", launcher, executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "python3", &actions, &attributes, argv, envp)
        for descriptor in [stdin[0], output[1], errors[1], report[1]] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [stdin[1], output[0], errors[0], report[0]] { close(descriptor) }
            throw Failure(description: "posix_spawn of python3 failed: \(spawned)")
        }

        let (outputRead, errorsRead, stdinWrite, reportRead) = (output[0], errors[0], stdin[1], report[0])
        let readers = DispatchGroup()
        func onThread(_ body: @escaping @Sendable () -> Void) {
            readers.enter()
            Thread.detachNewThread {
                body()
                readers.leave()
            }
        }
        let stdoutState = Locked((count: 0, head: [UInt8](), tail: [UInt8]()))
        let stderrState = Locked([UInt8]())
        onThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(outputRead, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                stdoutState.withLock { state in
                    state.count += count
                    if state.head.count < keptBytes { state.head += buffer[0..<min(count, keptBytes - state.head.count)] }
                    state.tail += buffer[0..<count]
                    if state.tail.count > 2 * keptBytes { state.tail.removeFirst(state.tail.count - keptBytes) }
                }
            }
            close(outputRead)
        }
        onThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 14)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(errorsRead, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                stderrState.withLock { if $0.count < 1 << 20 { $0 += buffer[0..<count] } }
            }
            close(errorsRead)
        }
        onThread {
            var remaining = Array(input.utf8)[...]
            while !remaining.isEmpty {
                let written = remaining.withUnsafeBytes { write(stdinWrite, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { break }
                remaining = remaining.dropFirst(written)
            }
            close(stdinWrite)
        }

        let child = pid
        let reaped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0, errno == EINTR {}
            reaped.signal()
        }
        var timedOut = false
        if reaped.wait(timeout: .now() + timeLimit) == .timedOut {
            timedOut = true
            kill(-child, SIGKILL)
            reaped.wait()
        }
        readers.wait()
        var reported = [UInt8](repeating: 0, count: 64)
        let length = reported.withUnsafeMutableBytes { read(reportRead, $0.baseAddress, $0.count) }
        close(reportRead)
        let fields = String(decoding: reported.prefix(max(0, length)), as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
        guard fields.count == 2 || timedOut else {
            throw Failure(
                description: "the launcher reported nothing; stderr: \(String(decoding: stderrState.withLock { $0 }, as: UTF8.self))"
            )
        }
        let (maxRSS, status) = fields.count == 2 ? (Int(fields[0]), fields[1]) : (0, Int32(SIGKILL))
        let (count, head, tail) = stdoutState.withLock { ($0.count, $0.head, $0.tail) }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let exited = status & 0x7F == 0
        return Run(
            status: exited ? (status >> 8) & 0xFF : -(status & 0x7F),
            stdoutBytes: count,
            stdoutHead: head,
            stdoutTail: Array(tail.suffix(keptBytes)),
            stderr: String(decoding: stderrState.withLock { $0 }, as: UTF8.self),
            peakResidentBytes: maxRSS * 1024,
            timedOut: timedOut
        )
    }
}
