/// The names the model sees for the servers' tools, within the function-name rules of
/// OpenAI-compatible services (`^[A-Za-z0-9_-]{1,64}$`): other characters become `_`; a name two
/// servers share is prefixed by each server's name (`server_tool`); a name that is still taken
/// (or was cut to 64 characters into another) gets `_2`, `_3`… Deterministic: servers and tools
/// in order.
enum MCPToolNaming {
    static let maxLength = 64

    /// `names[i][j]` is the exposed name of tool `j` of server `i`.
    static func exposedNames(servers: [String], tools: [[String]]) -> [[String]] {
        var owners: [String: Set<Int>] = [:]
        for (index, names) in tools.enumerated() {
            for name in names { owners[sanitized(name), default: []].insert(index) }
        }
        var taken: Set<String> = []
        return tools.enumerated().map { index, names in
            names.map { name in
                let base = sanitized(name)
                var candidate = (owners[base]?.count ?? 0) > 1 ? sanitized(servers[index] + "_" + name) : base
                var counter = 1
                let stem = candidate
                while taken.contains(candidate) {
                    counter += 1
                    let suffix = "_\(counter)"
                    candidate = String(stem.prefix(maxLength - suffix.count)) + suffix
                }
                taken.insert(candidate)
                return candidate
            }
        }
    }

    /// `name` with characters outside `[A-Za-z0-9_-]` replaced by `_`, cut to 64 characters;
    /// `tool` when nothing is left.
    static func sanitized(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars.prefix(maxLength) {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": result.unicodeScalars.append(scalar)
            default: result.append("_")
            }
        }
        return result.isEmpty ? "tool" : result
    }
}
