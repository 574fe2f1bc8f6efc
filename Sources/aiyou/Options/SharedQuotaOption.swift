import AIYouMockServer
import ArgumentParser

/// The embedded server's shared quota from the command line: `--quota-requests`,
/// `--quota-tokens` and `--quota-window` of `aiyou serve`, and `--mock-quota-…` of the global
/// options (`aiyou --mock --mock-quota-requests 20 bench …`).
enum SharedQuotaOption {
    /// The longest window accepted, in seconds (one day).
    static let longestWindowSeconds = 86_400.0

    /// The quota these options describe: `nil` when neither a request nor a token limit is given.
    ///
    /// - Parameters:
    ///   - requests: Requests admitted per window, or `nil`.
    ///   - tokens: Output tokens admitted per window, or `nil`.
    ///   - windowSeconds: The window in seconds; `nil` for 1 second.
    /// - Returns: The quota, or `nil`.
    static func quota(requests: Int?, tokens: Int?, windowSeconds: Double?) -> MockSharedQuota? {
        guard requests != nil || tokens != nil else { return nil }
        var quota = MockSharedQuota(requests: requests, outputTokens: tokens)
        if let windowSeconds, windowSeconds.isFinite, windowSeconds > 0 {
            quota.window = .seconds(min(windowSeconds, Self.longestWindowSeconds))
        }
        return quota
    }

    /// Checks the values: limits at least 1, a window within 0…86400 seconds (excluded 0) and only
    /// beside a limit. `prefix` is how the options are spelt (`quota` or `mock-quota`).
    ///
    /// - Throws: `ValidationError` naming the option at fault.
    static func validate(requests: Int?, tokens: Int?, windowSeconds: Double?, prefix: String) throws {
        if let requests, requests < 1 { throw ValidationError("--\(prefix)-requests must be at least 1") }
        if let tokens, tokens < 1 { throw ValidationError("--\(prefix)-tokens must be at least 1") }
        if let windowSeconds {
            guard windowSeconds.isFinite, windowSeconds > 0, windowSeconds <= Self.longestWindowSeconds else {
                throw ValidationError("--\(prefix)-window must be a number of seconds above 0, at most 86400")
            }
            guard requests != nil || tokens != nil else {
                throw ValidationError("--\(prefix)-window needs --\(prefix)-requests or --\(prefix)-tokens")
            }
        }
    }

    /// One line describing `quota`, e.g. `20 requests and 5000 output tokens per 1.0 s`.
    static func summary(_ quota: MockSharedQuota) -> String {
        let limits = [quota.requests.map { "\($0) requests" }, quota.outputTokens.map { "\($0) output tokens" }].compactMap { $0 }
        let (seconds, attoseconds) = quota.window.components
        return limits.joined(separator: " and ") + " per \(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
