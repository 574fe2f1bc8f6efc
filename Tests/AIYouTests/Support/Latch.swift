@testable import AIYou

/// A one-way gate for tests: ``wait(upTo:)`` returns once ``open()`` has been called, and throws
/// after its bound instead (a test never hangs on it).
final class Latch: Sendable {
    private let isOpen = Locked(false)

    func open() { isOpen.withLock { $0 = true } }

    struct NotOpened: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "the latch was not opened within \(timeout)" }
    }

    func wait(upTo timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isOpen.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw NotOpened(timeout: timeout) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
