import Foundation
import Testing

/// Time limits of the server's tests, grown under ThreadSanitizer as the client's tests grow
/// theirs (`TestTiming` of AIYouTests; the two test targets cannot share a file).
enum TestTiming {
    /// 1 in a plain run, 6 under ThreadSanitizer (detected by its runtime's entry point).
    static let slowdown = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil ? 6 : 1

    /// A test's time limit: `minutes` in a plain run, `slowdown` times that under
    /// ThreadSanitizer, never beyond the 15 minutes after which CI's own deadline takes a thread
    /// dump.
    static func limit(minutes: Int) -> TimeLimitTrait.Duration {
        .minutes(min(minutes * slowdown, 15))
    }
}
