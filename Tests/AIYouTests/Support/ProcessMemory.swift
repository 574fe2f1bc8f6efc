import Foundation

/// Resident memory of this process, from /proc (Linux).
enum ProcessMemory {
    /// The growth of the peak resident memory while `body` runs, measured one at a time: the
    /// peak is process-wide, so two measurements running at once would disturb each other.
    static func peakGrowth(during body: () async throws -> Void) async rethrows -> Int {
        await exclusive.acquire()
        defer { Task { await exclusive.release() } }
        resetPeak()
        let before = residentBytes()
        try await body()
        return peakResidentBytes() - before
    }

    private static let exclusive = Exclusive()

    /// A first-come, first-served lock that waiting tasks do not block a thread for.
    private actor Exclusive {
        private var held = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func acquire() async {
            guard held else {
                held = true
                return
            }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            if waiters.isEmpty { held = false } else { waiters.removeFirst().resume() }
        }
    }

    static func residentBytes() -> Int { field("VmRSS:") }
    static func peakResidentBytes() -> Int { field("VmHWM:") }

    /// Resets the peak (VmHWM) to the current RSS, so the next peak is the upload's.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return digits * 1024
        }
        return 0
    }
}
