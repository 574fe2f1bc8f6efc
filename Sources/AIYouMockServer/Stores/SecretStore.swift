import NIOConcurrencyHelpers

/// The secrets the server has seen (``MockAIYouServer/secretsSeen``): bearer values, login
/// emails and passwords, issued tokens. At most ``limit`` distinct values are kept, so that a
/// client sending a new bearer value with every request cannot grow the server without bound.
final class SecretStore: Sendable {
    /// The most distinct secrets kept; later new ones are not recorded.
    static let limit = 65_536

    private let values = NIOLockedValueBox(Set<String>())

    /// Records `secrets` (empty strings are skipped).
    func insert(contentsOf secrets: [String]) {
        guard !secrets.isEmpty else { return }
        self.values.withLockedValue { values in
            for secret in secrets where !secret.isEmpty && values.count < Self.limit {
                values.insert(secret)
            }
        }
    }

    /// Every secret recorded, sorted.
    var sorted: [String] {
        self.values.withLockedValue { $0 }.sorted()
    }
}
