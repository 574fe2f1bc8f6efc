/// The byte ranges of a text to mask, sorted and merged as they are found.
///
/// Finders add ranges in the order of their ends (each end at or after the previous one); a range
/// that overlaps the ones before it absorbs them, so the list stays sorted and disjoint at a cost
/// proportional to the number of ranges added, whatever their overlaps.
struct MaskedSpans {
    struct Span: Equatable {
        var start: Int
        var end: Int
    }

    private(set) var spans: [Span] = []

    var isEmpty: Bool { spans.isEmpty }

    /// Adds `start..<end` (ignored when empty). `end` must not come before the end of a range
    /// added earlier.
    mutating func add(_ start: Int, _ end: Int) {
        guard start < end else { return }
        var start = start
        var end = end
        while let last = spans.last, last.end > start {
            start = min(start, last.start)
            end = max(end, last.end)
            spans.removeLast()
        }
        spans.append(Span(start: start, end: end))
    }

    /// The union of several sorted, disjoint lists (a merge, linear in their total length).
    /// Ranges that only touch stay apart, so adjacent secrets get one mask each.
    static func union(_ lists: [MaskedSpans]) -> [Span] {
        let lists = lists.filter { !$0.isEmpty }
        if lists.count == 1 { return lists[0].spans }
        var positions = [Int](repeating: 0, count: lists.count)
        var result: [Span] = []
        result.reserveCapacity(lists.reduce(0) { max($0, $1.spans.count) })
        while true {
            var chosen = -1
            for list in lists.indices where positions[list] < lists[list].spans.count {
                if chosen < 0 || lists[list].spans[positions[list]].start < lists[chosen].spans[positions[chosen]].start {
                    chosen = list
                }
            }
            guard chosen >= 0 else { return result }
            let next = lists[chosen].spans[positions[chosen]]
            positions[chosen] += 1
            if let last = result.last, last.end > next.start {
                result[result.count - 1].end = max(last.end, next.end)
            } else {
                result.append(next)
            }
        }
    }
}
