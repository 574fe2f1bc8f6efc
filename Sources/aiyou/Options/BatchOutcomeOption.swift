import AIYouMockServer
import ArgumentParser

/// `--batch-outcome OUTCOME` for `aiyou serve`: how the next batch created ends.
struct BatchOutcomeOption: ExpressibleByArgument, Sendable {
    static let help = "How the next batch created ends: completed, failed, expired, cancelled or malformed-line:N. Repeatable."

    let outcome: MockBatchOutcome

    init?(argument: String) {
        switch argument.lowercased() {
        case "completed": outcome = .completed
        case "failed": outcome = .failed
        case "expired": outcome = .expired
        case "cancelled", "canceled": outcome = .cancelled
        case let text where text.hasPrefix("malformed-line:"):
            guard let line = Int(text.dropFirst("malformed-line:".count)), line >= 1 else { return nil }
            outcome = .malformedLine(line)
        default: return nil
        }
    }
}
