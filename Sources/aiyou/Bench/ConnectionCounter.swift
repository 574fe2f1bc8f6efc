import Foundation
import NIOConcurrencyHelpers

/// Counts the TCP connections this process opens to one port while a load runs, by sampling
/// `/proc` (Linux): the sockets among the process's file descriptors, matched with the kernel's
/// table of TCP connections. A connection opened and closed between two samples is missed, so the
/// count is a lower bound; a pool that keeps its connections is counted exactly. Elsewhere it
/// counts nothing (`nil`).
final class ConnectionCounter: Sendable {
    private let port: Int
    private let seen = NIOLockedValueBox<Set<Int>>([])

    /// How often the counter looks.
    static let interval: Duration = .milliseconds(50)

    init(port: Int) {
        self.port = port
    }

    /// Distinct connections seen so far; `nil` where `/proc` is not available.
    var count: Int? {
        FileManager.default.fileExists(atPath: "/proc/self/net/tcp") ? seen.withLockedValue { $0.count } : nil
    }

    /// Samples until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            sample()
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// One look: the socket inodes of this process that are TCP connections to `port`.
    func sample() {
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        var sockets = Set<Int>()
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + descriptor),
                target.hasPrefix("socket:["), let inode = Int(target.dropFirst(8).dropLast())
            else { continue }
            sockets.insert(inode)
        }
        var connected = Set<Int>()
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, let remotePort = fields[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) }),
                    remotePort == port, let inode = Int(fields[9]), sockets.contains(inode)
                else { continue }
                connected.insert(inode)
            }
        }
        seen.withLockedValue { $0.formUnion(connected) }
    }
}
