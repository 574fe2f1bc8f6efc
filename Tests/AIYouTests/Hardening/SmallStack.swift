import Foundation

/// Runs `body` on a new thread whose stack is `bytes` long (128 KiB by default: what musl gives
/// a thread), so that a test proves a reader does not recurse on wire data.
func onSmallStack<T: Sendable>(bytes: Int = 128 * 1024, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = bytes
        thread.start()
    }
}
