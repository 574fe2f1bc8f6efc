import NIOCore

extension APIRequest {
    /// The request with `fields` (``RequestOptions/extraBodyFields``) added to its JSON object
    /// body, in key order; the request itself when there are none.
    ///
    /// Throws ``AIYouError/Code/invalidRequest`` naming the problem: a body that is not a JSON
    /// object, an empty name, or a name the body's type models (``JSONBody/modeledFields``).
    func addingExtraBodyFields(_ fields: [String: JSONValue]) throws(AIYouError) -> APIRequest {
        guard !fields.isEmpty else { return self }
        guard case .json(let body) = body, body.readableBytes >= 2,
            body.getInteger(at: body.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "}")
        else {
            throw .invalidRequest("options.extraBodyFields needs a JSON body, and this call sends none", operation: operation)
        }
        let keys = fields.keys.sorted()
        for key in keys {
            let shown = SafeText.escapingControlCharacters(key, keepingLineBreaks: false)
            if key.isEmpty { throw .invalidRequest("options.extraBodyFields has an empty name", operation: operation) }
            if modeledFields.contains(key) {
                throw .invalidRequest(
                    "options.extraBodyFields[\"\(shown)\"] is a field the request models; set it on the request instead",
                    operation: operation
                )
            }
        }
        // The object as written, without its closing brace, then the extra members.
        var writer = JSONWriter(capacity: body.readableBytes + 64 * keys.count)
        var opened = body.getSlice(at: body.readerIndex, length: body.readableBytes - 1) ?? body
        let isEmptyObject = opened.readableBytes == 1
        writer.appendRaw(&opened, continuingObject: !isEmptyObject)
        for key in keys {
            writer.dynamicKey(key)
            writer.element(fields[key] ?? .null)
        }
        writer.endObject()
        var copy = self
        copy.body = .json(writer.buffer)
        return copy
    }
}

extension JSONWriter {
    /// Writes `bytes` (the beginning of an object already written: `{` and its members) as they
    /// are; the next member is preceded by a comma when `continuingObject`.
    mutating func appendRaw(_ bytes: inout ByteBuffer, continuingObject: Bool) {
        appendRawBytes(&bytes)
        if continuingObject { markValueWritten() }
    }
}
