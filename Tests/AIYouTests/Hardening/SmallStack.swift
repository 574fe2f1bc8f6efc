import Foundation

/// Runs `body` on a new thread with a small stack — 128 KiB, what musl gives a thread — so that a
/// test proves a reader does not recurse on wire data: JSON nested 100,000 deep would need
/// megabytes of stack from a reader that recursed once per level.
///
/// Under ThreadSanitizer every frame is several times larger (its instrumentation), so the stack
/// is 1 MiB there: still far below what 100,000 levels of recursion would take.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = ProcessMemory.underThreadSanitizer ? 1 << 20 : 128 * 1024
        thread.start()
    }
}
