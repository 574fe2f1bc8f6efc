/// The beginning of a text, up to a number of UTF-8 bytes, cut between characters; grows as
/// pieces are added and stops growing at its limit (the size of everything added is counted).
struct BoundedText {
    let limit: Int
    private(set) var text = ""
    /// The UTF-8 bytes of everything added, kept or not.
    private(set) var totalBytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// `true` when some of what was added is not kept.
    var isCut: Bool { totalBytes > text.utf8.count }

    mutating func append(_ piece: String) {
        totalBytes += piece.utf8.count
        let room = limit - text.utf8.count
        guard room > 0 else { return }
        if piece.utf8.count <= room {
            text += piece
            return
        }
        var used = 0
        for character in piece {
            let size = character.utf8.count
            guard used + size <= room else { break }
            text.append(character)
            used += size
        }
    }
}
