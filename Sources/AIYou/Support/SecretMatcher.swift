import Foundation

/// Finds known secrets in a text, in every form a server may echo them, in time linear in the
/// text whatever the number of secrets and of matches.
///
/// The patterns are each secret as it is, JSON-escaped, and base64-encoded (standard and URL
/// alphabets, with and without padding) alone or as an HTTP Basic credential (`secret:`, and
/// `email:password` when the pair is known). One Aho–Corasick automaton holds them all. The text is read through three
/// decoders, each one linear pass feeding the automaton: the bytes as they are; JSON string
/// escapes undone (`\uXXXX` in either case, surrogate pairs, `\"`, `\\`, `\/`, …), which covers
/// Python's `ensure_ascii` and Go's `\u003c`/`\u003e`/`\u0026`; and percent-encoding undone
/// (`%XX` in either case, `+` for a space). A match is reported as the range of input bytes it
/// was decoded from, escapes included.
struct SecretMatcher: Sendable {
    /// A node of the trie; children are a linked list of siblings (the root's are also in
    /// ``rootNext``).
    private struct Node: Sendable {
        var firstChild: Int32 = 0
        var nextSibling: Int32 = 0
        var fail: Int32 = 0
        /// The length of the longest pattern that ends at this node (0 for none).
        var matchLength: Int32 = 0
        var label: UInt8
    }

    private let nodes: [Node]
    private let rootNext: [Int32]
    /// The length in bytes of the longest pattern.
    let longestPattern: Int

    /// The most bytes one pattern byte takes in the text once encoded (`\u00XX` for one byte).
    static let maxExpansion = 6

    /// A matcher for `secrets` (those of 3 bytes or more) and for the HTTP Basic credential of
    /// `emailAndPassword`; `nil` when there is nothing to look for.
    init?(secrets: [String], emailAndPassword: (email: String, password: String)?) {
        var patterns: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        func add(_ pattern: [UInt8]) {
            if pattern.count >= 3, seen.insert(pattern).inserted { patterns.append(pattern) }
        }
        func addEncodings(of value: [UInt8]) {
            for encoded in Self.base64Variants(of: value) { add(encoded) }
        }
        for secret in secrets where secret.utf8.count >= 3 {
            let bytes = Array(secret.utf8)
            add(bytes)
            if bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                add(Array(JSONWriter.escaped(secret).utf8))
            }
            addEncodings(of: bytes)
            // A token or key sent as an HTTP Basic user name with no password (its base64 shares
            // the secret's own up to the last group, so it costs the automaton few nodes).
            addEncodings(of: bytes + [UInt8(ascii: ":")])
        }
        if let emailAndPassword, !emailAndPassword.email.isEmpty || !emailAndPassword.password.isEmpty {
            addEncodings(of: Array((emailAndPassword.email + ":" + emailAndPassword.password).utf8))
        }
        guard !patterns.isEmpty else { return nil }
        (nodes, rootNext) = Self.automaton(for: patterns)
        longestPattern = patterns.map(\.count).max() ?? 0
    }

    /// The base64 forms of `value`: standard and URL alphabets, each padded and not.
    static func base64Variants(of value: [UInt8]) -> [[UInt8]] {
        let standard = Array(Data(value).base64EncodedString().utf8)
        let url = standard.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            default: byte
            }
        }
        let unpadded = { (bytes: [UInt8]) in Array(bytes.prefix { $0 != UInt8(ascii: "=") }) }
        return [standard, unpadded(standard), url, unpadded(url)]
    }

    // MARK: - Searching

    /// Adds to `lists` the ranges of `bytes` that hold a secret, one list per way of reading
    /// the bytes (the escaped readings only when the text holds an escape).
    func find(in bytes: UnsafeBufferPointer<UInt8>, into lists: inout [MaskedSpans]) {
        nodes.withUnsafeBufferPointer { nodes in
            rootNext.withUnsafeBufferPointer { rootNext in
                let automaton = Automaton(nodes: nodes, rootNext: rootNext)
                lists.append(automaton.findRaw(in: bytes))
                var hasBackslash = false
                var hasPercent = false
                for byte in bytes {
                    if byte == UInt8(ascii: "\\") { hasBackslash = true }
                    if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") { hasPercent = true }
                }
                if hasBackslash || hasPercent {
                    let ring = UnsafeMutableBufferPointer<Int>.allocate(capacity: Self.ringCapacity(longestPattern))
                    defer { ring.deallocate() }
                    if hasBackslash { lists.append(automaton.findJSONEscaped(in: bytes, ring: ring)) }
                    if hasPercent { lists.append(automaton.findPercentEncoded(in: bytes, ring: ring)) }
                }
            }
        }
    }

    /// A power of two that holds the start of every byte of the longest pattern.
    private static func ringCapacity(_ longest: Int) -> Int {
        var capacity = 16
        while capacity < longest { capacity *= 2 }
        return capacity
    }

    /// The automaton's tables, borrowed for one search.
    private struct Automaton {
        let nodes: UnsafeBufferPointer<Node>
        let rootNext: UnsafeBufferPointer<Int32>

        /// The state after reading `byte` in `state`: amortised constant time (each failure
        /// link taken goes up the trie, each byte read goes down at most one level).
        @inline(__always)
        func step(_ state: Int32, _ byte: UInt8) -> Int32 {
            var state = state
            while state != 0 {
                var child = nodes[Int(state)].firstChild
                while child != 0 {
                    if nodes[Int(child)].label == byte { return child }
                    child = nodes[Int(child)].nextSibling
                }
                state = nodes[Int(state)].fail
            }
            return rootNext[Int(byte)]
        }

        func findRaw(in bytes: UnsafeBufferPointer<UInt8>) -> MaskedSpans {
            var spans = MaskedSpans()
            var state: Int32 = 0
            for index in bytes.indices {
                state = step(state, bytes[index])
                let length = Int(nodes[Int(state)].matchLength)
                if length > 0 { spans.add(index + 1 - length, index + 1) }
            }
            return spans
        }

        /// Reads `bytes` with JSON string escapes undone.
        func findJSONEscaped(in bytes: UnsafeBufferPointer<UInt8>, ring: UnsafeMutableBufferPointer<Int>) -> MaskedSpans {
            var lane = DecodedLane(automaton: self, ring: ring)
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\\"), index + 1 < count else {
                    lane.feed(byte, from: index, to: index + 1)
                    index += 1
                    continue
                }
                let escaped: UInt8? =
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes[index + 1]
                    case UInt8(ascii: "b"): 0x08
                    case UInt8(ascii: "f"): 0x0C
                    case UInt8(ascii: "n"): 0x0A
                    case UInt8(ascii: "r"): 0x0D
                    case UInt8(ascii: "t"): 0x09
                    default: nil
                    }
                if let escaped {
                    lane.feed(escaped, from: index, to: index + 2)
                    index += 2
                } else if bytes[index + 1] == UInt8(ascii: "u"), let escape = Self.unicodeEscape(in: bytes, at: index) {
                    lane.feed(scalar: escape.scalar, from: index, to: index + escape.length)
                    index += escape.length
                } else {
                    lane.feed(byte, from: index, to: index + 1)
                    index += 1
                }
            }
            return lane.spans
        }

        /// Reads `bytes` with percent-encoding undone (`%XX`, `+` for a space).
        func findPercentEncoded(in bytes: UnsafeBufferPointer<UInt8>, ring: UnsafeMutableBufferPointer<Int>) -> MaskedSpans {
            var lane = DecodedLane(automaton: self, ring: ring)
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "%"), index + 2 < count, let high = Self.hexValue(bytes[index + 1]),
                    let low = Self.hexValue(bytes[index + 2])
                {
                    lane.feed(UInt8(high << 4 | low), from: index, to: index + 3)
                    index += 3
                } else {
                    lane.feed(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte, from: index, to: index + 1)
                    index += 1
                }
            }
            return lane.spans
        }

        /// The scalar of `\uXXXX` at `index` (a surrogate pair `\uD83D\uDE00` as one scalar) and
        /// the bytes it takes; `nil` when it is not a valid escape of a scalar.
        static func unicodeEscape(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int)? {
            guard let unit = hex4(bytes, index + 2) else { return nil }
            switch unit {
            case 0xD800...0xDBFF:
                guard index + 11 < bytes.count, bytes[index + 6] == UInt8(ascii: "\\"), bytes[index + 7] == UInt8(ascii: "u"),
                    let low = hex4(bytes, index + 8), (0xDC00...0xDFFF).contains(low)
                else { return nil }
                return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
            case 0xDC00...0xDFFF:
                return nil
            default:
                return (unit, 6)
            }
        }

        private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt32? {
            guard index + 3 < bytes.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                guard let digit = hexValue(bytes[index + offset]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        @inline(__always)
        static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }

    /// Feeds decoded bytes to the automaton, remembering where in the input each of the last
    /// ``longestPattern`` decoded bytes began, so that a match maps back to input bytes.
    private struct DecodedLane {
        let automaton: Automaton
        let ring: UnsafeMutableBufferPointer<Int>
        var state: Int32 = 0
        var decoded = 0
        var spans = MaskedSpans()

        init(automaton: Automaton, ring: UnsafeMutableBufferPointer<Int>) {
            self.automaton = automaton
            self.ring = ring
        }

        @inline(__always)
        mutating func feed(_ byte: UInt8, from start: Int, to end: Int) {
            let mask = ring.count - 1
            ring[decoded & mask] = start
            state = automaton.step(state, byte)
            let length = Int(automaton.nodes[Int(state)].matchLength)
            if length > 0 { spans.add(ring[(decoded + 1 - length) & mask], end) }
            decoded += 1
        }

        /// Feeds the UTF-8 bytes of `scalar`, all decoded from `start..<end`.
        mutating func feed(scalar: UInt32, from start: Int, to end: Int) {
            switch scalar {
            case ..<0x80:
                feed(UInt8(scalar), from: start, to: end)
            case ..<0x800:
                feed(UInt8(0xC0 | scalar >> 6), from: start, to: end)
                feed(UInt8(0x80 | scalar & 0x3F), from: start, to: end)
            case ..<0x10000:
                feed(UInt8(0xE0 | scalar >> 12), from: start, to: end)
                feed(UInt8(0x80 | scalar >> 6 & 0x3F), from: start, to: end)
                feed(UInt8(0x80 | scalar & 0x3F), from: start, to: end)
            default:
                feed(UInt8(0xF0 | scalar >> 18), from: start, to: end)
                feed(UInt8(0x80 | scalar >> 12 & 0x3F), from: start, to: end)
                feed(UInt8(0x80 | scalar >> 6 & 0x3F), from: start, to: end)
                feed(UInt8(0x80 | scalar & 0x3F), from: start, to: end)
            }
        }
    }

    // MARK: - Building

    /// The trie of `patterns` with its failure links (Aho–Corasick), built breadth first.
    private static func automaton(for patterns: [[UInt8]]) -> ([Node], [Int32]) {
        var nodes = [Node(label: 0)]
        nodes.reserveCapacity(patterns.reduce(1) { $0 + $1.count })
        // The root's children are also in a table: most failure links end at the root.
        var rootNext = [Int32](repeating: 0, count: 256)
        func child(of state: Int32, labelled byte: UInt8) -> Int32? {
            if state == 0 {
                let next = rootNext[Int(byte)]
                return next == 0 ? nil : next
            }
            var child = nodes[Int(state)].firstChild
            while child != 0 {
                if nodes[Int(child)].label == byte { return child }
                child = nodes[Int(child)].nextSibling
            }
            return nil
        }
        for pattern in patterns {
            var state: Int32 = 0
            for byte in pattern {
                if let next = child(of: state, labelled: byte) {
                    state = next
                } else {
                    let next = Int32(nodes.count)
                    nodes.append(Node(nextSibling: nodes[Int(state)].firstChild, label: byte))
                    nodes[Int(state)].firstChild = next
                    if state == 0 { rootNext[Int(byte)] = next }
                    state = next
                }
            }
            nodes[Int(state)].matchLength = Int32(pattern.count)
        }
        var queue: [Int32] = []
        queue.reserveCapacity(nodes.count)
        var first = nodes[0].firstChild
        while first != 0 {
            queue.append(first)
            first = nodes[Int(first)].nextSibling
        }
        var head = 0
        while head < queue.count {
            let parent = queue[head]
            head += 1
            var node = nodes[Int(parent)].firstChild
            while node != 0 {
                let byte = nodes[Int(node)].label
                var candidate = nodes[Int(parent)].fail
                var target: Int32 = 0
                while true {
                    if let next = child(of: candidate, labelled: byte) {
                        target = next
                        break
                    }
                    if candidate == 0 { break }
                    candidate = nodes[Int(candidate)].fail
                }
                nodes[Int(node)].fail = target
                nodes[Int(node)].matchLength = max(nodes[Int(node)].matchLength, nodes[Int(target)].matchLength)
                queue.append(node)
                node = nodes[Int(node)].nextSibling
            }
        }
        return (nodes, rootNext)
    }
}
