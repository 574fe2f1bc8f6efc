/// The members of an answer the client does not model (LLMaaS's `backend` object with the engine
/// and machine that answered, `system_fingerprint`, `service_tier`, …), reachable without a new
/// release of the library:
///
/// ```swift
/// let completion = try await client.chatCompletion(request)
/// if let engine = completion.unmodeledFields["backend"]?["engine_type"]?.stringValue { print("served by", engine) }
/// ```
/// Each member is kept as the JSON text the service sent and parsed when read (through the same
/// bounded reader as every answer), so an answer that carries them costs one small copy each,
/// and nothing more unless they are read. At most ``maxMembers`` are kept.
public struct UnmodeledFields: Sendable, Hashable {
    /// The most members kept; further ones are dropped.
    public static let maxMembers = 64

    private var members: [String: [UInt8]] = [:]

    /// No members.
    public init() {}

    /// The names of the members, sorted.
    public var names: [String] { members.keys.sorted() }

    /// Whether the answer carried no member the client does not model.
    public var isEmpty: Bool { members.isEmpty }

    /// The member `name` parsed, or `nil` when the answer did not carry it (or it is deeper than
    /// ``JSONValue/maxDepth``).
    public subscript(name: String) -> JSONValue? {
        guard let raw = members[name] else { return nil }
        return try? JSONValue(parsing: String(decoding: raw, as: UTF8.self))
    }

    /// The member `name` as the JSON text the service sent.
    public func jsonText(_ name: String) -> String? {
        members[name].map { String(decoding: $0, as: UTF8.self) }
    }

    /// Keeps `raw` (valid JSON text) as the member `name`; the first one of a name stays.
    mutating func keep(_ name: String, raw: some Collection<UInt8>) {
        guard members[name] == nil, members.count < Self.maxMembers else { return }
        members[name] = Array(raw)
    }

    /// Equal when the same names hold the same values (whatever the spacing of their text).
    public static func == (lhs: UnmodeledFields, rhs: UnmodeledFields) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.keys.allSatisfy { rhs.members[$0] != nil && lhs[$0] == rhs[$0] }
    }

    /// Hashes the names and the parsed values.
    public func hash(into hasher: inout Hasher) {
        for name in names {
            hasher.combine(name)
            hasher.combine(self[name])
        }
    }

    /// Keeps every member of `container` whose name `modeled` does not hold (the slow path).
    mutating func keepUnmodeled(of container: KeyedDecodingContainer<AnyCodingKey>, modeled: Set<String>) {
        for key in container.allKeys where !modeled.contains(key.stringValue) {
            guard let value = try? container.decode(JSONValue.self, forKey: key) else { continue }
            keep(key.stringValue, raw: value.jsonString.utf8)
        }
    }
}
