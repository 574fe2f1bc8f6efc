extension Substring {
    /// The longest prefix of at most `maxBytes` UTF-8 bytes that ends on a Unicode scalar
    /// boundary (never half a character's encoding); the whole text when it fits.
    func utf8Prefix(maxBytes: Int) -> Substring {
        let utf8 = self.utf8
        guard utf8.count > maxBytes else { return self }
        guard maxBytes > 0 else { return self[startIndex..<startIndex] }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        // Step back over continuation bytes (10xxxxxx) to the start of the cut scalar.
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return self[..<end]
    }
}

extension String {
    /// The longest prefix of at most `maxBytes` UTF-8 bytes that ends on a Unicode scalar
    /// boundary (never half a character's encoding); the whole text when it fits.
    func utf8Prefix(maxBytes: Int) -> Substring {
        self[...].utf8Prefix(maxBytes: maxBytes)
    }
}
