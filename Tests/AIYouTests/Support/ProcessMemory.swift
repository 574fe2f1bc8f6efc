import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Resident memory of this process, from /proc (Linux).
///
/// The peak is process-wide, so a measurement must not overlap another measurement nor a test
/// that allocates a lot on its own (a load test, hundreds of clients): measurements take the
/// ``gate`` alone, such tests share it through ``whileNotMeasuring(_:)``.
enum ProcessMemory {
    /// The growth of the peak resident memory while `body` runs, with nothing heavy beside it.
    static func peakGrowth(during body: () async throws -> Void) async rethrows -> Int {
        await gate.acquire(exclusive: true)
        defer { Task { await gate.release(exclusive: true) } }
        resetPeak()
        let before = residentBytes()
        try await body()
        return peakResidentBytes() - before
    }

    /// Runs a test that allocates heavily while no memory measurement runs. Such tests may run
    /// beside each other; a measurement waits for all of them.
    static func whileNotMeasuring<T>(_ body: () async throws -> T) async rethrows -> T {
        await gate.acquire(exclusive: false)
        defer { Task { await gate.release(exclusive: false) } }
        return try await body()
    }

    private static let gate = Gate()

    /// A first-come, first-served reader/writer lock that waiting tasks do not block a thread for.
    private actor Gate {
        private var shared = 0
        private var exclusiveHeld = false
        private var waiters: [(exclusive: Bool, resume: CheckedContinuation<Void, Never>)] = []

        func acquire(exclusive: Bool) async {
            if waiters.isEmpty && canEnter(exclusive: exclusive) {
                enter(exclusive: exclusive)
                return
            }
            await withCheckedContinuation { waiters.append((exclusive, $0)) }
        }

        func release(exclusive: Bool) {
            if exclusive { exclusiveHeld = false } else { shared -= 1 }
            while let next = waiters.first, canEnter(exclusive: next.exclusive) {
                waiters.removeFirst()
                enter(exclusive: next.exclusive)
                next.resume.resume()
            }
        }

        private func canEnter(exclusive: Bool) -> Bool {
            exclusive ? !exclusiveHeld && shared == 0 : !exclusiveHeld
        }

        private func enter(exclusive: Bool) {
            if exclusive { exclusiveHeld = true } else { shared += 1 }
        }
    }

    /// Whether this process runs under ThreadSanitizer, whose allocator and shadow memory make
    /// every allocation cost more resident memory (measured bounds allow for it).
    static let underThreadSanitizer: Bool = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil

    static func residentBytes() -> Int { field("VmRSS:") }
    static func peakResidentBytes() -> Int { field("VmHWM:") }

    /// Resets the peak (VmHWM) to the current RSS, so the next peak is the measured body's.
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

/// Runs every test of a suite (or one test) through ``ProcessMemory/whileNotMeasuring(_:)``:
/// `@Suite(.apartFromMemoryMeasurements)` for suites whose tests allocate megabytes (embedded
/// servers answering large bodies, child processes), which a memory measurement running beside
/// them would count as its own.
struct ApartFromMemoryMeasurements: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite itself has no test case to run; only its tests take the gate.
        guard testCase != nil else { return try await function() }
        try await ProcessMemory.whileNotMeasuring { try await function() }
    }
}

extension Trait where Self == ApartFromMemoryMeasurements {
    /// See ``ApartFromMemoryMeasurements``.
    static var apartFromMemoryMeasurements: Self { ApartFromMemoryMeasurements() }
}
