import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// Counts the TCP connections this process opens to one port while a load runs, by sampling
/// `/proc` (Linux): the sockets among the process's file descriptors, matched with the kernel's
/// table of TCP connections. Listing the process's descriptors is cheap; the kernel's table (which
/// holds every socket of the machine) is read only when a socket the counter has not seen appears,
/// so a pool that keeps its connections costs nothing measurable. A connection opened and closed
/// between two samples is missed, so the count is a lower bound. Elsewhere it counts nothing (`nil`).
public final class ConnectionCounter: Sendable {
    private struct State: Sendable {
        /// Sockets already classified: found in the kernel's table, or not found in three looks
        /// (not TCP, e.g. a Unix socket).
        var known: Set<Int> = []
        /// Looks at sockets not found in the table yet (one may be listed only once connecting).
        var looks: [Int: Int] = [:]
        /// Those that were connections to the port.
        var connections: Set<Int> = []
    }

    private let port: Int
    private let state = NIOLockedValueBox(State())

    /// How often the counter looks.
    public static let interval: Duration = .milliseconds(200)

    /// Creates a counter for the connections to `port` (on any address).
    ///
    /// - Parameter port: The server's port.
    public init(port: Int) {
        self.port = port
    }

    /// Distinct connections seen so far; `nil` where `/proc` is not available.
    public var count: Int? {
        FileManager.default.fileExists(atPath: "/proc/self/net/tcp") ? state.withLockedValue { $0.connections.count } : nil
    }

    /// Samples until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            sample()
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// One look: the socket inodes of this process, and for new ones whether they are TCP
    /// connections to `port`. The descriptors are listed with `opendir`/`readlink` directly: the
    /// counter runs beside the load it measures, so its own CPU must stay negligible.
    public func sample() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        var sockets = Set<Int>()
        var target = [CChar](repeating: 0, count: 64)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true else { continue }
            let length = readlink("/proc/self/fd/" + name, &target, target.count - 1)
            guard length > 8 else { continue }
            let link = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard link.hasPrefix("socket:["), let inode = Int(link.dropFirst(8).dropLast()) else { continue }
            sockets.insert(inode)
        }
        let new = state.withLockedValue { sockets.subtracting($0.known) }
        guard !new.isEmpty else { return }
        var connected = Set<Int>()
        var listed = Set<Int>()
        for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
            // Read to the end: /proc files report no size, and a single read stops after one page.
            guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9, let inode = Int(fields[9]), new.contains(inode) else { continue }
                listed.insert(inode)
                if fields[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) }) == port { connected.insert(inode) }
            }
        }
        state.withLockedValue { state in
            state.connections.formUnion(connected)
            for inode in new {
                state.looks[inode, default: 0] += 1
                if listed.contains(inode) || state.looks[inode, default: 0] >= 3 {
                    state.known.insert(inode)
                    state.looks.removeValue(forKey: inode)
                }
            }
        }
    }
}
